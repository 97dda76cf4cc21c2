# bash completion for sockit(1)                            -*- shell-script -*-
#
# The commands and their options come from the binary itself, never from a
# list kept here: `sockit --list-commands` prints "NAME<TAB>SUMMARY" lines and
# `sockit COMMAND --list-options` prints
# "--LONG<TAB>-S<TAB>ARG<TAB>CHOICE CHOICE...<TAB>HELP" lines (empty fields
# for what an option lacks), from the same tables as --help.  Only the
# operands of a command, which no table lists, are known here.  An option
# argument named ...FILE or ...PATH completes file names, one named HOST
# host names.
#
# Works with bash-completion 2.12 and later (_comp_initialize) and with older
# ones (_init_completion, as in Debian 12).

# The operands a command takes as its first word, where it has a fixed set.
_comp_cmd_sockit__operands()
{
	case $1 in
	inet-convert) printf '%s\n' aton ntoa pton ntop htons htonl ntohs ntohl ;;
	esac
}

# Host names for $cur: an option whose argument is a HOST, and the HOST
# operand of the commands that take one.
_comp_cmd_sockit__hosts()
{
	if declare -F _comp_compgen_known_hosts >/dev/null; then
		_comp_compgen_known_hosts -- "$cur"
	else
		_known_hosts_real -- "$cur"
	fi
}

# Split one --list-options line into the caller's variables long, short,
# arg, choices and help.  Tabs are IFS white space, so that `read` would
# merge empty fields: split on a byte that is not.
_comp_cmd_sockit__fields()
{
	IFS=$'\x1f' read -r long short arg choices help <<<"${1//$'\t'/$'\x1f'}"
}

_comp_cmd_sockit()
{
	local cur prev words cword split was_split comp_args
	if declare -F _comp_initialize >/dev/null 2>&1; then
		_comp_initialize -s -- "$@" || return
	else
		_init_completion -s || return
	fi
	[[ ${was_split-} ]] && split=set

	local bin=${words[0]} name sub='' i=1
	[[ $bin == \~/* ]] && bin=$HOME/${bin#\~/}
	name=${bin##*/}

	# Which command: sockit-COMMAND and bare COMMAND links imply it.
	if [[ $name == sockit-* ]]; then
		sub=${name#sockit-}
	elif [[ $name != sockit ]]; then
		sub=$name
	else
		# sockit [--help|--version] COMMAND ...: the first operand.
		while ((i < cword)); do
			[[ ${words[i]} != -* ]] && break
			((i++))
		done
		if ((i >= cword)); then
			if [[ $cur == -* ]]; then
				COMPREPLY=($(compgen -W '-h --help --version' -- "$cur"))
			else
				COMPREPLY=($(compgen -W "$("$bin" --list-commands \
				    2>/dev/null | cut -f1) help" -- "$cur"))
			fi
			return
		fi
		sub=${words[i]}
		((i++))
		if [[ $sub == help ]]; then
			((i == cword)) && COMPREPLY=($(compgen -W \
			    "$("$bin" --list-commands 2>/dev/null | cut -f1)" \
			    -- "$cur"))
			return
		fi
	fi

	# The command's options, from the binary.
	local -a optlines
	local line long short arg choices help opts='' takes_arg=' '
	if [[ $name == sockit ]]; then
		mapfile -t optlines < <("$bin" "$sub" --list-options 2>/dev/null)
	else
		mapfile -t optlines < <("$bin" --list-options 2>/dev/null)
	fi
	((${#optlines[@]})) || return

	# The option whose argument is being completed, if any.
	local want=''
	if [[ $split ]]; then
		want=$prev
	elif [[ $prev == -* && $prev != -- ]]; then
		want=$prev
	fi
	for line in "${optlines[@]}"; do
		_comp_cmd_sockit__fields "$line"
		opts+=" $long${short:+ $short}"
		if [[ $arg ]]; then
			takes_arg+="$long ${short:+$short }"
			if [[ $want && ($want == "$long" || $want == "$short") ]]; then
				if [[ $choices ]]; then
					COMPREPLY=($(compgen -W "$choices" -- "$cur"))
				elif [[ $arg == IFACE ]]; then
					# The system's interfaces, and "any".
					COMPREPLY=($(compgen -W "any $(command ls \
					    /sys/class/net 2>/dev/null)" -- "$cur"))
				elif [[ $arg == USER ]]; then
					COMPREPLY=($(compgen -u -- "$cur"))
				elif [[ $arg == *FILE || $arg == *PATH ]]; then
					if declare -F _comp_compgen_filedir >/dev/null; then
						_comp_compgen_filedir
					else
						_filedir
					fi
				elif [[ $arg == HOST ]]; then
					_comp_cmd_sockit__hosts
				fi
				return
			fi
		fi
	done

	# Operands: count those before the cursor, skipping option arguments.
	local nargs=0 dashdash=''
	for ((; i < cword; i++)); do
		if [[ $dashdash || ${words[i]} != -* || ${words[i]} == - ]]; then
			((nargs++))
		elif [[ ${words[i]} == -- ]]; then
			dashdash=set
		elif [[ ${words[i]} != *=* && $takes_arg == *" ${words[i]} "* ]]; then
			((i++))
		fi
	done

	if [[ ! $dashdash && $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	if ((nargs == 0)); then
		case $sub in
		probe | ping)
			_comp_cmd_sockit__hosts
			;;
		echo-client)
			# HOST, unless --unix names a socket instead.
			[[ " ${words[*]} " == *" --unix"[\ =]* ]] ||
				_comp_cmd_sockit__hosts
			;;
		*) COMPREPLY=($(compgen -W "$(_comp_cmd_sockit__operands "$sub")" \
		    -- "$cur")) ;;
		esac
	fi
} &&
	complete -F _comp_cmd_sockit sockit

# The sockit-COMMAND links that `make install` makes, and bare COMMAND links
# where one on the PATH is this sockit.  (bash-completion loads this file
# when `sockit` is first completed; a file or link named after each link in
# its completions directory loads it for the links too.)
_comp_cmd_sockit__register()
{
	local bin real c
	bin=$(type -P sockit) || return 0
	real=$(readlink -f -- "$bin")
	for c in $("$bin" --list-commands 2>/dev/null | cut -f1); do
		complete -F _comp_cmd_sockit "sockit-$c"
		if [[ $(type -P "$c") && $(readlink -f -- "$(type -P "$c")") == "$real" ]]; then
			complete -F _comp_cmd_sockit "$c"
		fi
	done
}
_comp_cmd_sockit__register
unset -f _comp_cmd_sockit__register

# ex: filetype=sh

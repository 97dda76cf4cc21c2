#!/usr/bin/env bats
#
# completions.bats - the shell completions know every command and option the
# binary has, and nothing it lacks, because they ask the binary itself.
#
# The truth is the binary: `$SOCKIT --list-commands` and
# `$SOCKIT COMMAND --list-options`.  bash completion is driven for real
# (bash-completion's own bash_completion sourced, _comp_cmd_sockit called
# with COMP_WORDS); fish through `complete -C`; zsh through a pty when the
# zsh/zpty module is there.  Needs: bash-completion (required), fish and zsh
# (their tests are skipped without them).
#
# Run: SOCKIT=$PWD/sockit bats tests/completions.bats

load helpers

BASH_COMPLETION=/usr/share/bash-completion/bash_completion

setup_file() {
	if [[ -z ${SOCKIT-} || $SOCKIT != /* || ! -x $SOCKIT ]]; then
		echo "SOCKIT must be the absolute path of a built sockit" >&2
		return 1
	fi
	COMPLETIONS=$(cd "$BATS_TEST_DIRNAME/../completions" && pwd)
	export COMPLETIONS

	# sockit, and the sockit-COMMAND links `make install` makes, on PATH.
	local bin=$BATS_FILE_TMPDIR/bin c
	mkdir -p "$bin"
	ln -s "$SOCKIT" "$bin/sockit"
	for c in $("$SOCKIT" --list-commands | cut -f1); do
		ln -s "$SOCKIT" "$bin/sockit-$c"
	done
	export SOCKIT_TEST_BIN=$bin
}

setup() {
	PATH=$SOCKIT_TEST_BIN:$PATH
	# Keep fish and zsh away from the user's files.
	export HOME=$BATS_TEST_TMPDIR/home XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/config
	export XDG_DATA_HOME=$BATS_TEST_TMPDIR/data XDG_CACHE_HOME=$BATS_TEST_TMPDIR/cache
	mkdir -p "$HOME"
}

# The commands, one per line.
commands() {
	"$SOCKIT" --list-commands | cut -f1
}

# Field $2 (1 long, 2 short, 3 argument name, 4 choices) of each option of
# command $1, one per line; empty fields are left out.
option_field() {
	"$SOCKIT" "$1" --list-options | awk -F '\t' -v f="$2" '$f != "" { print $f }'
}

# The "long<TAB>choices" of each option of command $1 that has choices.
option_choices() {
	"$SOCKIT" "$1" --list-options | awk -F '\t' '$4 != "" { print $1 "\t" $4 }'
}

# Whether the line $1 is among the lines of $2 (grep -qxF, without the
# fork: it runs for every option of every command in every shell).
has_line() {
	[[ $'\n'"$2"$'\n' == *$'\n'"$1"$'\n'* ]]
}

# What bash completion offers for the command line $1 (cursor at its end),
# one per line.
bash_complete() {
	bash_complete_each "$1" | cut -f2-
}

# What bash completion offers for each command line LINE... (cursor at its
# end), as "LINE<TAB>candidate" lines: one bash, bash-completion sourced
# once, for all of them (sourcing it is what takes the time).
bash_complete_each() {
	bash --norc --noprofile -c '
		source "$1" || exit 3
		source "$2" || exit 4
		shift 2
		for line; do
			read -ra COMP_WORDS <<<"$line"
			[[ -z $line || $line == *" " ]] && COMP_WORDS+=("")
			COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
			COMP_LINE=$line
			COMP_POINT=${#line}
			COMPREPLY=()
			# Its status says nothing (bash ignores it); the
			# candidates do.
			_comp_cmd_sockit "${COMP_WORDS[0]}" \
			    "${COMP_WORDS[COMP_CWORD]}" \
			    "${COMP_WORDS[COMP_CWORD - 1]}" || true
			for r in "${COMPREPLY[@]}"; do
				printf "%s\t%s\n" "$line" "$r"
			done
		done
		exit 0
	' bash "$BASH_COMPLETION" "$COMPLETIONS/sockit.bash" "$@"
}

# offered LINE: the candidates for LINE in $all_offered (the output of
# bash_complete_each, fish_complete_each or zsh_complete_each), one per
# line.  (The lines asked for are not kept in
# $lines: bats's run sets that.)
offered() {
	awk -F '\t' -v l="$1" '$1 == l { print $2 }' <<<"$all_offered"
}

# unoffered COMMAND: what the lines in $all_offered leave out for
# COMMAND, one per line: each option (long and short) that "sockit
# COMMAND -" does not offer, each choice that "sockit COMMAND --LONG "
# does not.
unoffered() {
	local c=$1 o now long choices ch
	now=$(offered "sockit $c -")
	for o in $(option_field "$c" 1) $(option_field "$c" 2); do
		has_line "$o" "$now" || echo "sockit $c $o"
	done
	while IFS=$'\t' read -r long choices; do
		now=$(offered "sockit $c $long ")
		for ch in $choices; do
			has_line "$ch" "$now" || echo "sockit $c $long $ch"
		done
	done < <(option_choices "$c")
}

# The command lines unoffered() needs, one per line: "sockit ", and for
# each command "sockit COMMAND -" and "sockit COMMAND --LONG " for each
# option with choices.
asked_lines() {
	local c long choices
	echo "sockit "
	for c in $(commands); do
		echo "sockit $c -"
		while IFS=$'\t' read -r long choices; do
			echo "sockit $c $long "
		done < <(option_choices "$c")
	done
}

# What fish offers for each command line LINE..., as "LINE<TAB>candidate"
# lines (without the descriptions), from one fish.  The completions
# directory is laid out as `make install` should: sockit.fish, and
# sockit-COMMAND.fish links to it.
fish_complete_each() {
	local dir=$BATS_TEST_TMPDIR/fish c
	if [[ ! -d $dir ]]; then
		mkdir -p "$dir"
		ln -s "$COMPLETIONS/sockit.fish" "$dir/sockit.fish"
		for c in $(commands); do
			ln -s sockit.fish "$dir/sockit-$c.fish"
		done
	fi
	fish --no-config -c 'set -p fish_complete_path $argv[1]
		for l in $argv[2..-1]
			for c in (complete -C $l)
				printf "%s\t%s\n" $l (string replace -r "\t.*" "" -- $c)
			end
		end' "$dir" "$@"
}

# What fish offers for the command line $1, one per line.
fish_complete() {
	fish_complete_each "$1" | cut -f2-
}

# What zsh offers for each command line LINE..., as "LINE<TAB>candidate"
# lines: one interactive zsh in a pty, compinit with our directory first
# on fpath, compadd watched; each line typed, completed, then cleared.
zsh_complete_each() {
	local out=$BATS_TEST_TMPDIR/zsh.out
	: >"$out"
	zsh -f -c '
		zmodload zsh/zpty || exit 3
		dir=$1 out=$2
		shift 2
		zpty z zsh -f -i
		zpty -w z "PS1= PROMPT= RPROMPT= LISTMAX=1000000; unsetopt zle_bracketed_paste 2>/dev/null"
		zpty -w z "fpath=(${(q)dir} \$fpath); autoload -Uz compinit; compinit -u -D"
		zpty -w z "compadd() { if (( \${@[(I)-[OAD]*]} == 0 )); then local -a m; builtin compadd -O m \"\$@\"; print -rl -- \$m >>${(q)out}; fi; builtin compadd \"\$@\"; }"
		zpty -w z "t() { zle complete-word; print -r -- ___DONE___ >>${(q)out}; BUFFER=; }; zle -N t; bindkey ^T t"
		integer i n=0
		for line; do
			(( n++ ))
			zpty -w z "$line"$'"'"'\x14'"'"'
			for (( i = 0; i < 600; i++ )); do
				# Drain the terminal: a full one stops zsh.
				while zpty -rt z junk 2>/dev/null; do :; done
				(( $(grep -c ___DONE___ $out) >= n )) && break
				sleep 0.05
			done
			(( $(grep -c ___DONE___ $out) >= n )) || exit 4
		done
		zpty -d z
	' zsh "$COMPLETIONS" "$out" "$@" || return
	# The candidates before the first ___DONE___ are the first line's,
	# and so on.
	awk 'NR == FNR { line[NR] = $0; next }
		FNR == 1 { k = 1 }
		$0 == "___DONE___" { k++; next }
		$0 != "" { print line[k] "\t" $0 }' <(printf '%s\n' "$@") "$out" |
		sort -u
}

# What zsh offers for the command line $1, one per line.
zsh_complete() {
	zsh_complete_each "$1" | cut -f2-
}

@test "the binary lists at least one command, each with options" {
	run --separate-stderr "$SOCKIT" --list-commands
	[ "$status" -eq 0 ]
	[ -n "$output" ]
	local c
	for c in $(commands); do
		run --separate-stderr "$SOCKIT" "$c" --list-options
		[ "$status" -eq 0 ]
		[[ $output == *--help* ]]
	done
}

@test "bash: bash-completion is installed" {
	[ -r "$BASH_COMPLETION" ] || {
		echo "$BASH_COMPLETION missing: apt-get install bash-completion" >&2
		return 1
	}
}

@test "bash: the file defines _comp_cmd_sockit and registers sockit and its links" {
	run --separate-stderr bash --norc --noprofile -c '
		source "$1" && source "$2" || exit 3
		declare -F _comp_cmd_sockit >/dev/null || exit 4
		complete -p sockit
		for c in $("$SOCKIT" --list-commands | cut -f1); do
			complete -p "sockit-$c"
		done' bash "$BASH_COMPLETION" "$COMPLETIONS/sockit.bash"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	has_line "complete -F _comp_cmd_sockit sockit" "$output"
	local c
	for c in $(commands); do
		has_line "complete -F _comp_cmd_sockit sockit-$c" "$output"
	done
}

@test "bash: every command is offered after sockit and after sockit help" {
	local c missing=()
	run --separate-stderr bash_complete "sockit "
	[ "$status" -eq 0 ]
	local top=$output
	run --separate-stderr bash_complete "sockit help "
	[ "$status" -eq 0 ]
	local help=$output
	for c in $(commands); do
		has_line "$c" "$top" || missing+=("sockit $c")
		has_line "$c" "$help" || missing+=("sockit help $c")
	done
	[ ${#missing[@]} -eq 0 ] || { printf 'not offered: %s\n' "${missing[@]}" >&2; return 1; }
	# And nothing that is not a command.
	local w
	for w in $top; do
		[ "$w" = help ] || has_line "$w" "$(commands)"
	done
}

@test "bash: every option of every command is offered, long and short" {
	local c o asked=() missing=() extra=() all_offered offered_now all
	for c in $(commands); do
		asked+=("sockit $c -")
		for o in $(option_field "$c" 1); do
			asked+=("sockit $c $o")
		done
	done
	run --separate-stderr bash_complete_each "${asked[@]}"
	[ "$status" -eq 0 ] || fail "bash completion: status $status: $stderr"
	all_offered=$output
	for c in $(commands); do
		offered_now=$(offered "sockit $c -")
		all=$(option_field "$c" 1; option_field "$c" 2)
		for o in $all; do
			has_line "$o" "$offered_now" || missing+=("sockit $c $o")
		done
		for o in $offered_now; do
			has_line "$o" "$all" || extra+=("sockit $c $o")
		done
	done
	# A long option completes from its own full name: each line
	# "sockit COMMAND --OPTION" offers --OPTION.
	local c_self
	c_self=$(awk -F '\t' 'NR == FNR { n = split($1, w, " ")
		if ($2 == w[n]) done[$1] = 1; next }
		/ --[^ ]*$/ && !($0 in done) { print $0 " (from itself)" }' \
		<(printf '%s\n' "$all_offered") <(printf '%s\n' "${asked[@]}"))
	[ -z "$c_self" ] || missing+=("$c_self")
	[ ${#missing[@]} -eq 0 ] || { printf 'not offered: %s\n' "${missing[@]}" >&2; return 1; }
	[ ${#extra[@]} -eq 0 ] || { printf 'offered but unknown: %s\n' "${extra[@]}" >&2; return 1; }
}

@test "bash: the sockit-COMMAND links complete as sockit COMMAND does" {
	local c o asked=() missing=() all_offered
	for c in $(commands); do
		asked+=("sockit-$c -" "sockit $c " "sockit-$c ")
	done
	run --separate-stderr bash_complete_each "${asked[@]}"
	[ "$status" -eq 0 ] || fail "bash completion: status $status: $stderr"
	all_offered=$output
	local link direct
	for c in $(commands); do
		link=$(offered "sockit-$c -")
		for o in $(option_field "$c" 1); do
			has_line "$o" "$link" || missing+=("sockit-$c $o")
		done
		# The first operand too.
		link=$(offered "sockit-$c ")
		direct=$(offered "sockit $c ")
		[ "$link" = "$direct" ] ||
		    missing+=("sockit-$c: '$link' instead of '$direct'")
	done
	[ ${#missing[@]} -eq 0 ] || { printf 'not offered: %s\n' "${missing[@]}" >&2; return 1; }
}

@test "bash: options with choices offer exactly their choices" {
	local c line long choices short ch missing=() n=0
	for c in $(commands); do
		while IFS=$'\t' read -r long choices; do
			short=$("$SOCKIT" "$c" --list-options | awk -F '\t' -v l="$long" '$1 == l { print $2 }')
			local forms=("sockit $c $long " "sockit $c $long=")
			[[ $short ]] && forms+=("sockit $c $short ")
			local form
			for form in "${forms[@]}"; do
				run --separate-stderr bash_complete "$form"
				[ "$status" -eq 0 ]
				for ch in $choices; do
					has_line "$ch" "$output" || missing+=("'$form' -> $ch")
				done
				[ "$(wc -w <<<"$output")" -eq "$(wc -w <<<"$choices")" ] ||
				    missing+=("'$form' offers: $output")
				n=$((n + 1))
			done
		done < <(option_choices "$c")
	done
	[ ${#missing[@]} -eq 0 ] || { printf '%s\n' "${missing[@]}" >&2; return 1; }
	[ "$n" -gt 0 ] || fail "no option has choices: nothing was checked"
}

@test "bash: inet-convert offers exactly the operations the binary accepts" {
	# The binary names its operations in its usage error.
	run --separate-stderr "$SOCKIT" inet-convert no-such-operation
	[ "$status" -eq 2 ]
	local ops
	ops=$(sed -n 's/.*unknown operation .* (\(.*\))$/\1/p' <<<"$stderr" | tr -d ,)
	[ -n "$ops" ]
	run --separate-stderr bash_complete "sockit inet-convert "
	[ "$status" -eq 0 ]
	local offered=$output op
	for op in $ops; do
		has_line "$op" "$offered"
	done
	[ "$(wc -l <<<"$offered")" -eq "$(wc -w <<<"$ops")" ]
	# Each one offered runs (with no value: stdin, empty here).
	for op in $offered; do
		run --separate-stderr "$SOCKIT" inet-convert "$op" </dev/null
		[ "$status" -eq 0 ]
	done
	# Once the operation is there, it is not offered again.
	run --separate-stderr bash_complete "sockit inet-convert aton "
	[ -z "$output" ]
	# An option and its argument before it do not count as the operation.
	run --separate-stderr bash_complete "sockit inet-convert -f hex "
	has_line aton "$output"
}

@test "fish: every command, option and choice is offered" {
	command -v fish >/dev/null || skip "fish is not installed"
	local c o missing=() asked all_offered
	mapfile -t asked < <(asked_lines)
	for c in $(commands); do
		asked+=("sockit-$c --")
	done
	run --separate-stderr fish_complete_each "${asked[@]}"
	[ "$status" -eq 0 ] || fail "fish: status $status: $stderr"
	all_offered=$output
	local top now
	top=$(offered "sockit ")
	for c in $(commands); do
		has_line "$c" "$top" || missing+=("sockit $c")
		now=$(offered "sockit-$c --")
		for o in $(option_field "$c" 1); do
			has_line "$o" "$now" || missing+=("sockit-$c $o")
		done
		now=$(unoffered "$c")
		[ -z "$now" ] || missing+=("$now")
	done
	[ ${#missing[@]} -eq 0 ] || { printf 'not offered: %s\n' "${missing[@]}" >&2; return 1; }
}

@test "fish: inet-convert offers its operations first, then none" {
	command -v fish >/dev/null || skip "fish is not installed"
	run --separate-stderr fish_complete "sockit inet-convert "
	[ "$status" -eq 0 ]
	has_line aton "$output"
	has_line ntohl "$output"
	run --separate-stderr fish_complete "sockit inet-convert aton "
	if has_line ntoa "$output"; then return 1; fi
}

@test "zsh: the file asks the binary and passes zsh -n" {
	local f=$COMPLETIONS/_sockit
	[ "$(head -n 1 "$f" | cut -d' ' -f1-2)" = "#compdef sockit" ]
	grep -qF -- '--list-commands' "$f"
	grep -qF -- '--list-options' "$f"
	grep -qF -- "'1: :->cmd'" "$f"
	grep -qF -- "'*:: :->args'" "$f"
	command -v zsh >/dev/null || skip "zsh is not installed"
	run --separate-stderr zsh -n "$f"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}

@test "zsh: every command, option and choice is offered" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	zsh -f -c 'zmodload zsh/zpty' 2>/dev/null || skip "no zsh/zpty module"
	local c o missing=() asked all_offered
	mapfile -t asked < <(asked_lines)
	run --separate-stderr zsh_complete_each "${asked[@]}"
	[ "$status" -eq 0 ] || fail "zsh: status $status: $stderr"
	all_offered=$output
	local top now
	top=$(offered "sockit ")
	for c in $(commands); do
		has_line "$c" "$top" || missing+=("sockit $c")
		now=$(unoffered "$c")
		[ -z "$now" ] || missing+=("$now")
	done
	[ ${#missing[@]} -eq 0 ] || { printf 'not offered: %s\n' "${missing[@]}" >&2; return 1; }
}

@test "bash: a HOST argument and echo-client's HOST operand offer host names" {
	# tests/private-ns's hosts file names sockit-a.test and sockit-b.test.
	local form
	for form in "sockit echo-client sockit-" "sockit echo-client -s sockit-" \
	    "sockit echo-server -b sockit-" "sockit echo-server --bind=sockit-" \
	    "sockit-echo-client -4 sockit-"; do
		run --separate-stderr bash_complete "$form"
		[ "$status" -eq 0 ]
		has_line sockit-a.test "$output" || fail "'$form' offers: $output"
		has_line sockit-b.test "$output" || fail "'$form' offers: $output"
	done
	# No HOST operand with --unix, and none after the HOST.
	run --separate-stderr bash_complete "sockit echo-client --unix /x sockit-"
	[ -z "$output" ] || fail "--unix: offers $output"
	run --separate-stderr bash_complete "sockit echo-client localhost sockit-"
	[ -z "$output" ] || fail "after HOST: offers $output"
}

@test "zsh: a HOST argument offers host names" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	zsh -f -c 'zmodload zsh/zpty' 2>/dev/null || skip "no zsh/zpty module"
	run --separate-stderr zsh_complete "sockit echo-client -s sockit-a"
	has_line sockit-a.test "$output" || fail "-s offers: $output"
	run --separate-stderr zsh_complete "sockit echo-client sockit-b"
	has_line sockit-b.test "$output" || fail "HOST offers: $output"
}

# fish completion for sockit(1).
#
# The commands and their options come from the binary itself, never from a
# list kept here: `sockit --list-commands` prints "NAME<TAB>SUMMARY" lines and
# `sockit COMMAND --list-options` prints
# "--LONG<TAB>-S<TAB>ARG<TAB>CHOICE CHOICE...<TAB>HELP" lines (empty fields
# for what an option lacks), from the same tables as --help.  They are read
# once, when fish loads this file.  Only the operands of a command, which no
# table lists, are known here.  An option argument named ...FILE or ...PATH
# completes file names, one named HOST host names.

# The operands a command takes as its first word, where it has a fixed set:
# "NAME<TAB>DESCRIPTION" lines.
function __fish_sockit_operands
    switch $argv[1]
        case inet-convert
            printf '%s\t%s\n' \
                aton 'IPv4 text, as inet_aton(3) reads it, to packed' \
                ntoa 'packed IPv4 to a dotted quad' \
                pton 'IPv4 or IPv6 text to packed (inet_pton(3))' \
                ntop 'packed IPv4 or IPv6 to text' \
                htons 'a 16-bit integer, host to network byte order' \
                htonl 'a 32-bit integer, host to network byte order' \
                ntohs 'a 16-bit integer, network to host byte order' \
                ntohl 'a 32-bit integer, network to host byte order'
    end
end

# True while the command line (after the command $argv[1]) has no operand
# yet; option arguments are skipped for the options in $argv[2..].
function __fish_sockit_no_operand
    set -l sub $argv[1]
    set -l takes_arg $argv[2..-1]
    set -l tokens (commandline -opc)
    set -l seen_sub 0
    string match -q 'sockit-*' -- (basename -- $tokens[1]); and set seen_sub 1
    set -l skip 0
    set -l dashdash 0
    for tok in $tokens[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        if test $seen_sub = 0
            test "$tok" = "$sub"; and set seen_sub 1
            continue
        end
        test $dashdash = 1; and return 1
        switch $tok
            case --
                set dashdash 1
            case '--*=*'
            case '-*'
                contains -- $tok $takes_arg; and set skip 1
            case '*'
                return 1
        end
    end
    return 0
end

# Define the completions of one command.  $argv[1] is the command name,
# $argv[2] the program to complete (sockit, or a sockit-COMMAND link),
# $argv[3] the condition that says the command is in use.
function __fish_sockit_define
    set -l sub $argv[1]
    set -l prog $argv[2]
    set -l cond $argv[3]
    set -l takes_arg
    for line in (sockit $sub --list-options 2>/dev/null)
        set -l f (string split \t -- $line)
        set -l long (string replace -r '^--' '' -- $f[1])
        set -l short (string replace -r '^-' '' -- $f[2])
        set -l args -c $prog -n $cond -l $long -d $f[5]
        test -n "$short"; and set -a args -s $short
        if test -n "$f[3]"
            set -a takes_arg $f[1]
            test -n "$short"; and set -a takes_arg $f[2]
            if test -n "$f[4]"
                set -a args -xa $f[4]
            else if test "$f[3]" = IFACE
                # The system's interfaces, and "any".
                set -a args -xa '(printf "%s\n" any; command ls /sys/class/net 2>/dev/null)'
            else if test "$f[3]" = USER
                set -a args -xa '(__fish_complete_users)'
            else if string match -qr '(FILE|PATH)$' -- $f[3]
                set -a args -r -F
            else if test "$f[3]" = HOST
                set -a args -xa '(__fish_print_hostnames)'
            else
                set -a args -x
            end
        end
        complete $args
    end
    # The HOST operand of echo-client (unless --unix names a socket),
    # probe and ping.
    if contains -- $sub echo-client probe ping
        complete -c $prog -n "$cond; and not __fish_contains_opt unix; and __fish_sockit_no_operand $sub $takes_arg" \
            -xa '(__fish_print_hostnames)'
    end
    set -l ops (__fish_sockit_operands $sub)
    if test (count $ops) -gt 0
        set -l opcond "$cond; and __fish_sockit_no_operand $sub $takes_arg"
        for op in $ops
            set -l f (string split \t -- $op)
            complete -c $prog -n $opcond -xa $f[1] -d $f[2]
        end
    end
end

complete -c sockit -f
complete -c sockit -n __fish_use_subcommand -s h -l help \
    -d 'show the list of commands and exit'
complete -c sockit -n __fish_use_subcommand -l version \
    -d 'show the version and exit'
complete -c sockit -n __fish_use_subcommand -xa help \
    -d 'show the usage of a command'

if command -q sockit
    for line in (sockit --list-commands 2>/dev/null)
        set -l f (string split -m 1 \t -- $line)
        set -l sub $f[1]
        complete -c sockit -n __fish_use_subcommand -xa $sub -d $f[2]
        complete -c sockit -n "__fish_seen_subcommand_from help; and not __fish_seen_subcommand_from $sub" \
            -xa $sub -d $f[2]
        __fish_sockit_define $sub sockit "__fish_seen_subcommand_from $sub"
        # The sockit-COMMAND link that `make install` makes.
        complete -c sockit-$sub -f
        __fish_sockit_define $sub sockit-$sub true
    end
end

#!/usr/bin/env bats
# resolve.bats - sockit resolve, as its man page describes it, every mode
# checked against independent oracles on the same machine: Python's socket
# module and getent(1).  Runs inside tests/private-ns, so only the tests' own
# /etc/hosts answers: localhost, sockit-a.test (alias sockit-alias.test),
# sockit-b.test, sockit-six.test; names under .invalid never resolve.

load helpers

# py EXPR: print Python's value of EXPR, with socket imported as s.
py() {
	"$PYTHON" -c "import socket as s; print($1)"
}

# The reference's notation of getaddrinfo(ARGS): plain integers.
py_gai() {
	"$PYTHON" -c "import socket as s
print([(int(f), int(t), p, c, a) for f, t, p, c, a in s.getaddrinfo($1)])"
}

@test "the private name space is in force" {
	run getent hosts sockit-a.test
	[ "$status" -eq 0 ]
	[[ "$output" == "127.0.0.2"* ]]
}

@test "getaddrinfo: one line per distinct address, in the resolver's order" {
	for h in localhost 127.0.0.1 ::1 sockit-a.test sockit-alias.test \
		sockit-six.test; do
		run --separate-stderr sockit resolve "$h"
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
		expect=$(getent ahosts "$h" | awk '!seen[$1]++ { print $1 }')
		[ "$output" = "$expect" ] || fail "$h: '$output' vs '$expect'"
		expect=$(py "'\n'.join(dict.fromkeys(a[4][0] for a in s.getaddrinfo('$h', None)))")
		[ "$output" = "$expect" ] || fail "$h: python '$expect'"
	done
}

@test "getaddrinfo: --ipv4 and --ipv6 agree with getent ahostsv4 and ahostsv6" {
	run --separate-stderr sockit resolve --ipv4 localhost
	[ "$status" -eq 0 ]
	[ "$output" = "$(getent ahostsv4 localhost | awk '!seen[$1]++ { print $1 }')" ]
	[ "$output" = 127.0.0.1 ]
	run --separate-stderr sockit resolve -6 localhost
	[ "$output" = "$(getent ahostsv6 localhost | awk '!seen[$1]++ { print $1 }')" ]
	[ "$output" = ::1 ]
	run --separate-stderr sockit resolve -4 -6 localhost
	[ "$status" -eq 2 ]
}

@test "getaddrinfo: --every shows every tuple, as getent ahosts does" {
	run --separate-stderr sockit resolve --every localhost 80
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 6 ]
	[ "${lines[0]}" = "AF_INET6 SOCK_STREAM IPPROTO_TCP ('::1', 80, 0, 0)" ]
	[ "${lines[4]}" = "AF_INET SOCK_DGRAM IPPROTO_UDP ('127.0.0.1', 80)" ]
	[ "${lines[5]}" = "AF_INET SOCK_RAW IPPROTO_IP ('127.0.0.1', 80)" ]
	# Same count and order of addresses as getent ahosts.
	[ "$(awk '{ print $4 }' <<<"$output" | tr -d "(',")" = \
		"$(getent ahosts localhost | awk '{ print $1 }')" ]
	run --separate-stderr sockit resolve --every --type stream localhost http
	[ "$output" = $'AF_INET6 SOCK_STREAM IPPROTO_TCP (\'::1\', 80, 0, 0)\nAF_INET SOCK_STREAM IPPROTO_TCP (\'127.0.0.1\', 80)' ]
}

@test "getaddrinfo: --python prints exactly the reference's list" {
	for args in "localhost 80" "127.0.0.1 53" "::1 http" "sockit-a.test 0" \
		"sockit-six.test 7"; do
		set -- $args
		run --separate-stderr sockit resolve --python "$1" "$2"
		[ "$status" -eq 0 ]
		port=$2
		[[ $port =~ ^[0-9]+$ ]] || port="'$port'"
		[ "$output" = "$(py_gai "'$1', $port")" ] || fail "$args: $output"
	done
	run --separate-stderr sockit resolve --python --type dgram --proto udp \
		--canonname localhost domain
	[ "$output" = "$(py_gai "'localhost', 'domain', 0, s.SOCK_DGRAM, 17, s.AI_CANONNAME")" ]
	run --separate-stderr sockit resolve --python --passive --type stream '' 80
	[ "$output" = "$(py_gai "None, 80, 0, s.SOCK_STREAM, 0, s.AI_PASSIVE")" ]
	run --separate-stderr sockit resolve --python --numeric-host --type raw ::1
	[ "$output" = "$(py_gai "'::1', None, 0, s.SOCK_RAW, 0, s.AI_NUMERICHOST")" ]
	run --separate-stderr sockit resolve --python -6 --v4mapped --all \
		--type stream localhost 1
	[ "$output" = "$(py_gai "'localhost', 1, s.AF_INET6, s.SOCK_STREAM, 0, s.AI_V4MAPPED | s.AI_ALL")" ]
	run --separate-stderr sockit resolve --python --addrconfig --proto tcp \
		127.0.0.1 9
	[ "$output" = "$(py_gai "'127.0.0.1', 9, 0, 0, 6, s.AI_ADDRCONFIG")" ]
	run --separate-stderr sockit resolve --python --proto 17 localhost 9
	[ "$output" = "$(py_gai "'localhost', 9, 0, 0, 17")" ]
}

@test "getaddrinfo: --canonname prints the canonical name first" {
	run --separate-stderr sockit resolve --canonname sockit-alias.test
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "canonname: $(py "s.getaddrinfo('sockit-alias.test', None, flags=s.AI_CANONNAME)[0][3]")" ]
	[ "${lines[0]}" = "canonname: sockit-a.test" ]
	[ "${lines[1]}" = 127.0.0.2 ]
}

@test "getaddrinfo: --numeric-host refuses a name; link-local shows its scope" {
	run --separate-stderr sockit resolve --numeric-host localhost
	[ "$status" -eq 3 ]
	[ "$stderr" = "sockit resolve: localhost: Name or service not known" ]
	run --separate-stderr sockit resolve fe80::1%lo
	[ "$status" -eq 0 ]
	[ "$output" = fe80::1%lo ]
	run --separate-stderr sockit resolve --every --type stream fe80::1%lo 80
	[ "$output" = "AF_INET6 SOCK_STREAM IPPROTO_TCP ('fe80::1%lo', 80, 0, 1)" ]
	# --python as Python prints it: the scope in the tuple only.
	run --separate-stderr sockit resolve --python --type stream fe80::1%lo 80
	[ "$output" = "$(py_gai "'fe80::1%lo', 80, 0, s.SOCK_STREAM")" ]
	[ "$output" = "[(10, 1, 6, '', ('fe80::1', 80, 0, 1))]" ]
}

@test "getaddrinfo: --json has the contract's keys, parsed by python" {
	run --separate-stderr sockit resolve --json localhost 80
	without_exit 0
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	"$PYTHON" -c '
import json, socket as s, sys
rows = [json.loads(l) for l in sys.argv[1].splitlines()]
want = []
for f, t, p, c, a in s.getaddrinfo("localhost", 80):
    if a[0] not in [w[0] for w in want]:
        want.append((a[0], f.name, t.name))
assert [list(r) for r in rows] == [["family", "type", "proto", "canonname", "address"]] * 2, rows
assert [(r["address"]["host"], r["family"], r["type"]) for r in rows] == want, (rows, want)
assert rows[0]["address"] == {"family": "AF_INET6", "host": "::1", "port": 80, "flowinfo": 0, "scope_id": 0}
assert rows[1]["address"] == {"family": "AF_INET", "host": "127.0.0.1", "port": 80}
assert rows[0]["proto"] == "IPPROTO_TCP" and rows[0]["canonname"] == ""
' "$output"
	run --separate-stderr sockit resolve --json --every localhost
	without_exit 0
	[ "${#lines[@]}" -eq 6 ]
}

@test "a name that does not resolve: the resolver's message, exit 3" {
	run --separate-stderr sockit resolve no-such-name.invalid
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "sockit resolve: no-such-name.invalid: Name or service not known" ]
	run "$PYTHON" -c 'import socket
try: socket.getaddrinfo("no-such-name.invalid", None)
except socket.gaierror as e: print(e.errno, e.strerror)'
	[ "$output" = "-2 Name or service not known" ]
	run --separate-stderr sockit resolve --json no-such-name.invalid
	without_exit 3
	[ "$status" -eq 3 ]
	[ -z "$stderr" ]
	"$PYTHON" -c '
import json, sys
e = json.loads(sys.argv[1])
assert e == {"input": "no-such-name.invalid", "error": "Name or service not known", "kind": "gaierror", "code": -2, "temporary": False}, e
' "$output"
	run --separate-stderr sockit resolve localhost no-such-service
	[ "$status" -eq 3 ]
	[ "$stderr" = "sockit resolve: localhost no-such-service: Servname not supported for ai_socktype" ]
}

@test "EAI_AGAIN is told apart: temporary in the message and the JSON" {
	# No DNS server at all: glibc says EAI_AGAIN.  In a namespace of
	# our own, with a resolv.conf naming a closed loopback port.
	[ "$(id -u)" -eq 0 ] || skip "needs root for a nested mount"
	d=$BATS_TEST_TMPDIR
	printf 'hosts: dns\n' >"$d/nss"
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$d/resolv"
	run --separate-stderr unshare -m bash -c '
		mount --bind "$1/nss" /etc/nsswitch.conf
		mount --bind "$1/resolv" /etc/resolv.conf
		"$2" resolve --json -4 name.example.invalid
		echo "rc=$?"
		"$2" resolve -4 name.example.invalid' x "$d" "$SOCKIT"
	[[ "${lines[0]}" == *'"kind":"gaierror","code":-3,"temporary":true}' ]]
	[[ "${lines[1]}" == '{"event":"exit","status":3,"reason":"'* ]]
	[ "${lines[2]}" = rc=3 ]
	[ "$stderr" = "sockit resolve: name.example.invalid: Temporary failure in name resolution" ]
	[ "$status" -eq 3 ]
}

@test "--reverse is gethostbyaddr: hostname, aliases, addresses" {
	for a in 127.0.0.1 127.0.0.2 ::1 sockit-alias.test; do
		run --separate-stderr sockit resolve --python --reverse "$a"
		[ "$status" -eq 0 ]
		[ "$output" = "$(py "s.gethostbyaddr('$a')")" ] || fail "$a: $output"
	done
	run --separate-stderr sockit resolve --reverse 127.0.0.2
	[ "$output" = $'hostname: sockit-a.test\naliases: sockit-alias.test\naddresses: 127.0.0.2' ]
	# getent hosts: ADDR NAME ALIASES.
	[ "$(getent hosts 127.0.0.2)" = "127.0.0.2       sockit-a.test sockit-alias.test" ]
	run --separate-stderr sockit resolve --json --reverse 127.0.0.3
	without_exit 0
	"$PYTHON" -c '
import json, socket, sys
e = json.loads(sys.argv[1])
n, al, ad = socket.gethostbyaddr("127.0.0.3")
assert e == {"input": "127.0.0.3", "hostname": n, "aliases": al, "addresses": ad}, e
' "$output"
	run --separate-stderr sockit resolve --reverse 127.0.0.99
	[ "$status" -eq 3 ]
	[ "$stderr" = "sockit resolve: 127.0.0.99: Unknown host" ]
	run --separate-stderr sockit resolve --json --reverse 127.0.0.99
	without_exit 3
	[[ "$output" == *'"kind":"herror","code":1,"temporary":false}' ]]
}

@test "--nameinfo is getnameinfo, with its NI_ flags" {
	for args in "127.0.0.1 80" "::1 53" "127.0.0.2 22" "127.0.0.9 80"; do
		set -- $args
		run --separate-stderr sockit resolve --python --nameinfo "$1" "$2"
		[ "$status" -eq 0 ]
		[ "$output" = "$(py "s.getnameinfo(('$1', $2), 0)")" ] || fail "$args: $output"
	done
	run --separate-stderr sockit resolve --nameinfo 127.0.0.1 80
	[ "$output" = "localhost http" ]
	run --separate-stderr sockit resolve --python --nameinfo --numeric-host \
		--numeric-serv 127.0.0.1 80
	[ "$output" = "$(py "s.getnameinfo(('127.0.0.1', 80), s.NI_NUMERICHOST | s.NI_NUMERICSERV)")" ]
	run --separate-stderr sockit resolve --python --nameinfo --dgram 127.0.0.1 514
	[ "$output" = "$(py "s.getnameinfo(('127.0.0.1', 514), s.NI_DGRAM)")" ]
	run --separate-stderr sockit resolve --json --nameinfo -4 127.0.0.2 22
	without_exit 0
	[ "$output" = '{"input":"127.0.0.2","port":22,"host":"sockit-a.test","service":"ssh"}' ]
	run --separate-stderr sockit resolve --nameinfo --namereqd 127.0.0.9 80
	[ "$status" -eq 3 ]
	[ "$stderr" = "sockit resolve: 127.0.0.9: Name or service not known" ]
	run --separate-stderr sockit resolve --nameinfo localhost 80
	[ "$status" -eq 3 ]
	run --separate-stderr sockit resolve --nameinfo 127.0.0.1 70000
	[ "$status" -eq 2 ]
}

@test "--byname and --ex are gethostbyname and gethostbyname_ex" {
	for n in localhost sockit-a.test sockit-alias.test sockit-b.test \
		127.0.0.1; do
		run --separate-stderr sockit resolve --byname "$n"
		[ "$status" -eq 0 ]
		[ "$output" = "$(py "s.gethostbyname('$n')")" ] || fail "$n"
		run --separate-stderr sockit resolve --python --ex "$n"
		[ "$output" = "$(py "s.gethostbyname_ex('$n')")" ] || fail "$n: $output"
	done
	run --separate-stderr sockit resolve --ex sockit-alias.test
	[ "$output" = $'hostname: sockit-a.test\naliases: sockit-alias.test\naddresses: 127.0.0.2' ]
	run --separate-stderr sockit resolve --python --byname sockit-b.test
	[ "$output" = "'127.0.0.3'" ]
	run --separate-stderr sockit resolve --json --byname sockit-b.test
	without_exit 0
	[ "$output" = '{"input":"sockit-b.test","address":"127.0.0.3"}' ]
	# A failure is a gaierror for both.
	run --separate-stderr sockit resolve --byname no-such.invalid
	[ "$status" -eq 3 ]
	[ "$stderr" = "sockit resolve: no-such.invalid: Name or service not known" ]
	run "$PYTHON" -c 'import socket
try: socket.gethostbyname("no-such.invalid")
except socket.gaierror as e: print(e.errno)'
	[ "$output" = -2 ]
}

@test "--fqdn is getfqdn, --hostname is gethostname" {
	for n in sockit-alias.test sockit-a.test localhost 127.0.0.2 \
		no-such.invalid; do
		run --separate-stderr sockit resolve --fqdn "$n"
		[ "$status" -eq 0 ]
		[ "$output" = "$(py "s.getfqdn('$n')")" ] || fail "$n: $output"
	done
	run --separate-stderr sockit resolve --fqdn
	[ "$output" = "$(py "s.getfqdn()")" ]
	run --separate-stderr sockit resolve --hostname
	[ "$status" -eq 0 ]
	[ "$output" = "$(py "s.gethostname()")" ]
	[ "$output" = "$(hostname)" ]
	run --separate-stderr sockit resolve --json --hostname
	without_exit 0
	[ "$output" = "{\"hostname\":\"$(hostname)\"}" ]
	run --separate-stderr sockit resolve --python --fqdn sockit-alias.test
	[ "$output" = "'sockit-a.test'" ]
	run --separate-stderr sockit resolve --hostname extra
	[ "$status" -eq 2 ]
}

@test "--service and --service-port agree with python and getent services" {
	for a in "http" "domain udp" "ssh tcp" "domain tcp"; do
		set -- $a
		run --separate-stderr sockit resolve --service "$1" ${2:+--proto "$2"}
		[ "$status" -eq 0 ]
		[ "$output" = "$(py "s.getservbyname('$1'${2:+, '$2'})")" ] || fail "$a"
		[ "$output" = "$(getent services "$1"${2:+/$2} | awk '{ split($2, p, "/"); print p[1] }')" ]
	done
	for a in "80" "53 udp" "22 tcp"; do
		set -- $a
		run --separate-stderr sockit resolve --python --service-port "$1" ${2:+--proto "$2"}
		[ "$output" = "$(py "repr(s.getservbyport($1${2:+, '$2'}))")" ] || fail "$a"
		run --separate-stderr sockit resolve --service-port "$1" ${2:+--proto "$2"}
		[ "$output" = "$(getent services "$1"${2:+/$2} | awk '{ print $1 }')" ]
	done
	run --separate-stderr sockit resolve --json --service domain --proto udp
	without_exit 0
	[ "$output" = '{"input":"domain","service":"domain","port":53,"proto":"udp"}' ]
	run --separate-stderr sockit resolve --json --service-port 80
	without_exit 0
	[ "$output" = '{"input":"80","service":"http","port":80,"proto":null}' ]
	run --separate-stderr sockit resolve --service no-such-service
	[ "$status" -eq 3 ]
	[ "$stderr" = "sockit resolve: no-such-service: service/proto not found" ]
	run --separate-stderr sockit resolve --service-port 1 --proto udp
	[ "$status" -eq 3 ]
	[ "$stderr" = "sockit resolve: 1: port/proto not found" ]
	run --separate-stderr sockit resolve --service-port 70000
	[ "$status" -eq 2 ]
}

@test "--protocol: names to numbers and numbers to names" {
	for p in tcp udp icmp ipv6-icmp TCP; do
		run --separate-stderr sockit resolve --protocol "$p"
		[ "$status" -eq 0 ]
		[ "$output" = "$(py "s.getprotobyname('$p')")" ] || fail "$p"
		[ "$output" = "$(getent protocols "$p" | awk '{ print $2 }')" ]
	done
	run --separate-stderr sockit resolve --protocol 6
	[ "$output" = tcp ]
	[ "$output" = "$(getent protocols 6 | awk '{ print $1 }')" ]
	run --separate-stderr sockit resolve --python --protocol 17
	[ "$output" = "'udp'" ]
	run --separate-stderr sockit resolve --python --protocol icmp
	[ "$output" = 1 ]
	run --separate-stderr sockit resolve --json --protocol TCP
	without_exit 0
	[ "$output" = '{"input":"TCP","protocol":"tcp","number":6}' ]
	run --separate-stderr sockit resolve --protocol no-such-proto
	[ "$status" -eq 3 ]
	[ "$stderr" = "sockit resolve: no-such-proto: protocol not found" ]
}

@test "batch: 200 names from stdin, failures in the middle, order kept" {
	names=$BATS_TEST_TMPDIR/names
	"$PYTHON" -c '
good = ["localhost", "sockit-a.test", "127.0.0.1", "sockit-six.test",
    "sockit-b.test", "::1", "sockit-alias.test"]
for i in range(200):
    print("bad%d.invalid" % i if i % 7 == 3 else good[i % len(good)])
' >"$names"
	run --separate-stderr sockit resolve -4 <"$names"
	[ "$status" -eq 3 ]
	expect=$("$PYTHON" -c '
import socket, sys
for n in open(sys.argv[1]).read().split():
    try:
        r = socket.getaddrinfo(n, None, socket.AF_INET)
        for a in dict.fromkeys(x[4][0] for x in r): print(a)
    except socket.gaierror as e:
        pass
' "$names")
	[ "$output" = "$expect" ]
	# ::1 and sockit-six.test fail too with --ipv4, as in Python.
	[ "$(grep -c 'Name or service not known' <<<"$stderr")" -eq 29 ]
	[ "$(grep -c 'Address family for hostname not supported' <<<"$stderr")" -eq \
		"$("$PYTHON" -c '
import socket, sys
n = 0
for h in open(sys.argv[1]).read().split():
    try: socket.getaddrinfo(h, None, socket.AF_INET)
    except socket.gaierror as e: n += e.errno == socket.EAI_ADDRFAMILY
print(n)' "$names")" ]
	[ "$(head -1 <<<"$stderr")" = "sockit resolve: bad3.invalid: Name or service not known" ]
	# JSON: one object per answer, in input order, errors in place.
	run --separate-stderr sockit resolve --json --ipv4 --jobs 5 <"$names"
	without_exit 3
	[ "$status" -eq 3 ]
	[ -z "$stderr" ]
	"$PYTHON" -c '
import json, socket, sys
names = open(sys.argv[1]).read().split()
rows = [json.loads(l) for l in sys.argv[2].splitlines()]
want = []
for n in names:
    try:
        r = socket.getaddrinfo(n, None, socket.AF_INET)
        for a in dict.fromkeys(x[4][0] for x in r): want.append((n, a))
    except socket.gaierror as e:
        want.append((n, "error", e.errno))
got = [(r["input"], r["address"]["host"]) if "address" in r else
    (r["input"], "error", r["code"]) for r in rows]
assert got == want, (got[:5], want[:5])
' "$names" "$output"
}

@test "batch: other modes, --python, a mixed exit status and --jobs" {
	run --separate-stderr sockit resolve --python --ex <<<$'localhost\nnope.invalid\nsockit-a.test'
	[ "$status" -eq 3 ]
	[ "${lines[0]}" = "$(py "s.gethostbyname_ex('localhost')")" ]
	[ "${lines[1]}" = "$(py "s.gethostbyname_ex('sockit-a.test')")" ]
	[ "$stderr" = "sockit resolve: nope.invalid: Name or service not known" ]
	run --separate-stderr sockit resolve --service --jobs 1 <<<$'http\nssh\ndomain'
	[ "$status" -eq 0 ]
	[ "$output" = $'80\n22\n53' ]
	# Only a bad value (not a lookup failure): exit 1.
	run --separate-stderr sockit resolve --service-port <<<$'80\nx\n53'
	[ "$status" -eq 1 ]
	[ "$output" = $'http\ndomain' ]
	[[ "$stderr" == "sockit resolve: x: "* ]]
	# A name with odd bytes is quoted in the message.
	run --separate-stderr sockit resolve <<<$'a b.invalid'
	[ "$status" -eq 3 ]
	[ "$stderr" = "sockit resolve: 'a b.invalid': Name or service not known" ]
	run --separate-stderr sockit resolve --jobs 0 </dev/null
	[ "$status" -eq 2 ]
	run --separate-stderr sockit resolve </dev/null
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "usage errors exit 2 and resolve nothing" {
	for args in "--reverse --ex localhost" "--canonname --service http" \
		"--every --reverse 127.0.0.1" "--type bogus localhost" \
		"--numeric-serv localhost" "--namereqd localhost" \
		"--dgram localhost" "--passive --byname localhost" \
		"--jobs 2 --hostname" "-4 --reverse 127.0.0.1" \
		"--json --python localhost" "--proto no-such-proto localhost" \
		"--all localhost" "--v4mapped --service http" \
		"localhost 80 extra" "--byname a b" "--addrconfig --ex localhost"; do
		run --separate-stderr sockit resolve $args
		[ "$status" -eq 2 ] || fail "$args: exit $status"
		# --json's exit event, when the options were read.
		if [[ "$args" == *--json* ]]; then without_exit 2; fi
		[ -z "$output" ]
		[[ "$stderr" == *"Try 'sockit resolve --help'"* ]] || fail "$args: $stderr"
	done
}

@test "--help names every mode" {
	run --separate-stderr sockit resolve --help
	[ "$status" -eq 0 ]
	for m in reverse nameinfo byname ex fqdn hostname service service-port \
		protocol; do
		[[ "$output" == *"--$m "* ]] || fail "--$m"
	done
}

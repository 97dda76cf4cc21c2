/*
 * commands.h - the one list of sockit's subcommands.
 *
 * CMD(identifier, name, one-line summary).  Expanded in main.c into the
 * declarations of each command's spec and the dispatch table; --help,
 * --list-commands, argv[0] dispatch, the man page and completion tests all
 * follow from it.  Adding a subcommand: its cmd/NAME.c defining
 * cmd_IDENTIFIER, one line here, its man page, its tests.
 */
CMD(inet_convert, "inet-convert",
    "convert addresses and integers: inet_aton, inet_pton, htons, ...")
CMD(resolve, "resolve",
    "every documented resolver call: getaddrinfo, gethostbyaddr, ...")
CMD(echo_server, "echo-server",
    "the reference's echo server: many clients, IPv4 and IPv6, --once")
CMD(echo_client, "echo-client",
    "the reference's echo client: verified echo, TCP ping, netcat mode")
CMD(sniff, "sniff",
    "capture packets and print them as tcpdump -n does, or write pcap")
CMD(udp_send, "udp-send",
    "the documented UDP sender: -m or stdin lines as datagrams")
CMD(udp_listen, "udp-listen",
    "the documented UDP server: print, answer or echo each datagram")
CMD(inject, "inject",
    "send Ethernet frames on an interface: hex frames or a pcap replay")
CMD(probe, "probe",
    "is it up: every address x every port, in order; --wait for a port")
CMD(ping, "ping",
    "a TCP ping: connect times to any port, loss and percentiles")
CMD(connect, "connect",
    "nc HOST PORT, done right: both ways, every byte, every close")
CMD(listen, "listen",
    "nc -l, done right: one connection or -k, --exec per connection")
CMD(forward, "forward",
    "forward a port: each client to HOST PORT, both ways, every close kept")

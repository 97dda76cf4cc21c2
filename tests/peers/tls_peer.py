#!/usr/bin/env python3
"""tls_peer.py - TLS peers from Python's ssl module, for the TLS tests of
sockit connect, listen and forward.

    python3 tls_peer.py server PORTFILE CERT KEY MODE [ALPN]
    python3 tls_peer.py client PORT CAFILE NAME [ALPN]

server: listens on 127.0.0.1 port 0, writes the port to PORTFILE (a
temporary file renamed), serves one client and exits.  MODE:
  late  read to the client's close_notify, then send "late reply" and
        close: the half-close over TLS 1.3 (RFC 8446 section 6.1)
  info  print the SNI the client sent and the ALPN protocol chosen (from
        ALPN, comma-separated), then echo until the client's end
client: connects, verifies against CAFILE and NAME, sends 1 MiB while it
reads the echo, and prints "ok N" when every byte came back; with ALPN
(comma-separated, offered), "ok N VERSION PROTOCOL" (the TLS version and
the protocol the server chose).

Every socket has a timeout, so nothing here can hang a test.
"""
import os
import socket
import ssl
import sys

TIMEOUT = 20


def write_port(path, port):
    with open(path + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(path + ".tmp", path)


def server(portfile, cert, key, mode, alpn=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_cert_chain(cert, key)
    sni = []
    ctx.sni_callback = lambda s, name, c: sni.append(name)
    if alpn:
        ctx.set_alpn_protocols(alpn.split(","))
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    ls.settimeout(TIMEOUT)
    write_port(portfile, ls.getsockname()[1])
    raw, _ = ls.accept()
    raw.settimeout(TIMEOUT)
    s = ctx.wrap_socket(raw, server_side=True)
    if mode == "info":
        print("sni=%s alpn=%s" % (sni[0] if sni else "",
                                  s.selected_alpn_protocol()), flush=True)
    got = 0
    while True:
        b = s.recv(65536)
        if not b:
            break
        got += len(b)
        if mode == "info":
            s.sendall(b)
    if mode == "late":
        print("read %d bytes to close_notify" % got, flush=True)
        s.sendall(b"late reply\n")
    try:
        s.unwrap()
    except (ssl.SSLError, OSError):
        pass
    s.close()


def client(port, cafile, name, alpn=None):
    ctx = ssl.create_default_context(cafile=cafile)
    if alpn:
        ctx.set_alpn_protocols(alpn.split(","))
    raw = socket.create_connection(("127.0.0.1", int(port)), timeout=TIMEOUT)
    s = ctx.wrap_socket(raw, server_hostname=name)
    data = bytes((i * 13 + i // 509) & 255 for i in range(1 << 20))
    got = bytearray()
    s.setblocking(False)
    import selectors
    sel = selectors.DefaultSelector()
    sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
    sent = 0
    while len(got) < len(data):
        events = sel.select(timeout=TIMEOUT)
        if not events:
            sys.exit("timed out after %d bytes" % len(got))
        for _, ev in events:
            if ev & selectors.EVENT_WRITE and sent < len(data):
                try:
                    sent += s.send(data[sent:sent + 65536])
                except ssl.SSLWantWriteError:
                    pass
                if sent == len(data):
                    sel.modify(s, selectors.EVENT_READ)
            if ev & selectors.EVENT_READ:
                try:
                    b = s.recv(65536)
                except ssl.SSLWantReadError:
                    continue
                if not b:
                    sys.exit("EOF after %d bytes" % len(got))
                got += b
    if bytes(got) != data:
        print("differs")
    elif alpn:
        print("ok %d %s %s" % (len(got), s.version(),
                               s.selected_alpn_protocol()))
    else:
        print("ok %d" % len(got))


if __name__ == "__main__":
    try:
        if sys.argv[1] == "server":
            server(*sys.argv[2:])
        else:
            client(*sys.argv[2:])
    except (OSError, ssl.SSLError) as e:
        print("tls_peer.py: %s" % e, file=sys.stderr)
        sys.exit(1)

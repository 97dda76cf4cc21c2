"""bench/peers/udp_send.py - the Python peer of `sockit udp-send`.

    udp_send.py PORT COUNT SIZE

The reference's UDP sender (sendto to 127.0.0.1:PORT) in a loop: COUNT
datagrams of SIZE bytes, as fast as sendto takes them, with the method
bound to a local name as a competent user would.  Run it as
`python3 -I`.
"""
import socket
import sys


def main():
    port, count, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    msg = b'x' * size
    addr = ('127.0.0.1', port)
    sendto = s.sendto
    for _ in range(count):
        sendto(msg, addr)


if __name__ == "__main__":
    main()

# udp_server_reply.py - the reference's socketserver.UDPServer variant
# (shared/reference/004_*.txt, "Receiving data via UDP"), which answers
# "Got your message!".  Adapted for the tests: the port is argv[1]
# (default the reference's 6667), so that a test can choose a free one.
# One line is fixed: as printed, the handler formats
# "%s" % self.client_address, which raises TypeError (the address is a
# tuple) before it replies; here the tuple is wrapped: (addr,).
# Run it with python3 -u so that each line is seen as printed.
import sys
from socketserver import BaseRequestHandler, UDPServer

class MyHandler(BaseRequestHandler):
    def handle(self):
        print("Got connection from: %s" % (self.client_address,))
        msg, sock = self.request
        print("It said: %s" % msg)
        sock.sendto("Got your message!".encode(), self.client_address) # Send reply

serv = UDPServer(('localhost', int(sys.argv[1]) if len(sys.argv) > 1 else 6667), MyHandler)
serv.serve_forever()

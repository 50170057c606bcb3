#!/usr/bin/env python3
"""A test backend for kha-proxy's end-to-end scripts (stdlib only).

GET/HEAD/PATCH/DELETE /any   -> 200 "<name> <METHOD> <path>"
POST/PUT /any                -> 200 "<name> got <n> bytes: <body>"
GET /trickle?chunks=N&gap=S  -> chunked answer, one chunk every S seconds
GET /healthz                 -> --health status (default 200)
GET /headers                 -> the request header lines
Upgrade requests             -> 101, then raw echo; on the client's EOF
                                writes "bye" and closes (half-close test)
The bound port is written to --port-file once listening.
"""
import argparse
import http.server
import socketserver
import sys
import time
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # keep test output quiet
        pass

    def _answer(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b""):
                        pass
                    return body
                body += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(length)

    def _upgrade(self):
        self.send_response(101)
        self.send_header("Connection", "Upgrade")
        self.send_header("Upgrade", self.headers["Upgrade"])
        self.end_headers()
        self.wfile.flush()
        conn = self.connection
        while True:
            data = conn.recv(65536)
            if not data:
                break
            conn.sendall(data)
        conn.sendall(b"bye")
        conn.shutdown(1)
        self.close_connection = True

    def do_GET(self):
        if "upgrade" in self.headers.get("Connection", "").lower():
            return self._upgrade()
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/headers":
            return self._answer(200, str(self.headers))
        if url.path == "/healthz":
            return self._answer(self.server.health, f"{self.server.name} health")
        if url.path == "/trickle":
            query = urllib.parse.parse_qs(url.query)
            chunks = int(query.get("chunks", ["3"])[0])
            gap = float(query.get("gap", ["1"])[0])
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(chunks):
                part = f"{self.server.name} chunk {i}\n".encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                self.wfile.flush()
                time.sleep(gap)
            self.wfile.write(b"0\r\n\r\n")
            return None
        return self._answer(200, f"{self.server.name} {self.command} {self.path}")

    do_HEAD = do_GET
    do_DELETE = do_GET

    def do_POST(self):
        if "upgrade" in self.headers.get("Connection", "").lower():
            return self._upgrade()
        body = self._read_body()
        return self._answer(
            200, f"{self.server.name} got {len(body)} bytes: {body.decode(errors='replace')}")

    do_PUT = do_POST
    do_PATCH = do_POST


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--name", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--health", type=int, default=200)
    args = parser.parse_args()
    server = Server(("127.0.0.1", args.port), Handler)
    server.name = args.name
    server.health = args.health
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(str(server.server_address[1]))
        import os
        os.rename(args.port_file + ".tmp", args.port_file)
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()

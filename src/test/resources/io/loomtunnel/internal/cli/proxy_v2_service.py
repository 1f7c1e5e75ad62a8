#!/usr/bin/env python3
"""A local service behind a TCP tunnel with proxy-protocol v2, for PolicyIT: not Java on purpose.

Listens on 127.0.0.1 (port from argv[1], 0 for any), prints "listening PORT", and for each
connection reads a PROXY protocol v2 header (HAProxy's proxy-protocol.txt section 2.2), answers
"visitor ADDRESS PORT\n" (or "bad header: WHY\n" and closes), then echoes what follows.
"""
import socket
import struct
import sys
import threading

SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"


def read_exactly(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EOFError("connection closed after %d of %d bytes" % (len(data), n))
        data += chunk
    return data


def parse(conn):
    head = read_exactly(conn, 16)
    if head[:12] != SIGNATURE:
        raise ValueError("no v2 signature")
    if head[12] != 0x21:
        raise ValueError("not version 2 PROXY: 0x%02x" % head[12])
    family, length = head[13], struct.unpack("!H", head[14:16])[0]
    body = read_exactly(conn, length)
    if family == 0x11 and length >= 12:
        src = socket.inet_ntop(socket.AF_INET, body[0:4])
        port = struct.unpack("!H", body[8:10])[0]
    elif family == 0x21 and length >= 36:
        src = socket.inet_ntop(socket.AF_INET6, body[0:16])
        port = struct.unpack("!H", body[32:34])[0]
    else:
        raise ValueError("family 0x%02x with %d bytes" % (family, length))
    return src, port


def serve(conn):
    with conn:
        try:
            src, port = parse(conn)
        except (ValueError, EOFError) as e:
            conn.sendall(("bad header: %s\n" % e).encode())
            return
        conn.sendall(("visitor %s %d\n" % (src, port)).encode())
        while True:
            data = conn.recv(65536)
            if not data:
                return
            conn.sendall(data)


def main():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 0))
    server.listen(16)
    print("listening %d" % server.getsockname()[1], flush=True)
    while True:
        conn, _ = server.accept()
        conn.settimeout(30)
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Benchmark baseline: the webhook receiver a user would write in Python (stdlib only).
"""serve.py DB [--listen HOST:PORT] [--port-file FILE] [--path /webhook]

A WhatsApp Cloud API webhook endpoint with the standard library: a
ThreadingHTTPServer (HTTP/1.1, keep-alive, one thread per connection)
checks X-Hub-Signature-256 (HMAC-SHA256 of the raw body under
WA_APP_SECRET, hmac.compare_digest), stores the raw body and each message
of the delivery (id, from, timestamp, text) in SQLite, commits, and only
then answers 200, so a 200 means stored, as with wa-recv serve. The
database is durable the same way wa-recv serve's is (WAL,
synchronous=FULL); one connection is shared under a lock, because SQLite
takes one writer at a time anyway. No help-desk work (contacts, threads,
tickets, sessions, quarantine, dedupe): this is the simple version.

SIGTERM or SIGINT stops it; it then prints "serve.py: stopped: N
deliveries stored" on stderr.
"""
import hashlib
import hmac
import json
import os
import signal
import sqlite3
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY, wamid TEXT, from_addr TEXT, timestamp INTEGER,
    text TEXT, delivery_id INTEGER NOT NULL REFERENCES deliveries(id));
"""
MAX_BODY = 3 << 20 | 64 << 10


class Store:
    def __init__(self, path):
        self.db = sqlite3.connect(path, isolation_level=None,
                                  check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        self.lock = threading.Lock()
        self.stored = 0

    def store(self, body):
        """Stores one delivery in one transaction; raises on failure."""
        d = json.loads(body)
        msgs = []
        for entry in d.get("entry", []):
            for change in entry.get("changes", []):
                for m in change.get("value", {}).get("messages", []):
                    msgs.append((m.get("id"), m.get("from"),
                                 int(m.get("timestamp", 0)),
                                 (m.get("text") or {}).get("body")))
        with self.lock:
            db = self.db
            db.execute("BEGIN IMMEDIATE")
            try:
                did = db.execute("INSERT INTO deliveries (received_at, body) "
                                 "VALUES (?, ?)",
                                 (int(time.time()), body)).lastrowid
                db.executemany("INSERT INTO messages (wamid, from_addr, "
                               "timestamp, text, delivery_id) "
                               "VALUES (?, ?, ?, ?, %d)" % did, msgs)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            self.stored += 1


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"	# keep-alive, as Meta and wrk use

    def answer(self, status, text=b""):
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def do_POST(self):
        if self.path != self.server.hook_path:
            return self.answer(404, b"not found\n")
        n = int(self.headers.get("Content-Length") or 0)
        if n > MAX_BODY:
            self.close_connection = True
            return self.answer(413, b"payload too large\n")
        body = self.rfile.read(n)
        sig = self.headers.get("X-Hub-Signature-256") or ""
        want = "sha256=" + hmac.new(self.server.secret, body,
                                    hashlib.sha256).hexdigest()
        if not hmac.compare_digest(want.encode(), sig.lower().encode()):
            return self.answer(401, b"bad signature\n")
        try:
            self.server.store.store(body)
        except Exception as e:  # not stored: 500, Meta sends it again
            sys.stderr.write("serve.py: not stored: %s\n" % e)
            return self.answer(500, b"not stored, try again\n")
        self.answer(200)

    def log_message(self, fmt, *args):	# no access log
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024

    def handle_error(self, request, client_address):
        # a client that hung up (wrk at the end of a run) is not an error
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__.splitlines()[0])
    db_path, listen, port_file, path = args[0], "127.0.0.1:0", None, "/webhook"
    i = 1
    while i + 1 < len(args):
        opt, val = args[i], args[i + 1]
        if opt == "--listen":
            listen = val
        elif opt == "--port-file":
            port_file = val
        elif opt == "--path":
            path = val
        else:
            sys.exit("serve.py: unknown option " + opt)
        i += 2
    secret = os.environ.get("WA_APP_SECRET")
    if not secret:
        sys.exit("serve.py: WA_APP_SECRET is not set")
    host, port = listen.rsplit(":", 1)

    srv = Server((host, int(port)), Handler)
    srv.secret = secret.encode()
    srv.hook_path = path
    srv.store = Store(db_path)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    t = threading.Thread(target=srv.serve_forever)
    t.start()
    if port_file:
        with open(port_file + ".tmp", "w") as f:
            f.write("%d\n" % srv.server_address[1])
        os.rename(port_file + ".tmp", port_file)
    while not stop.wait(1):
        pass
    srv.shutdown()
    t.join()
    srv.server_close()
    with srv.store.lock:
        n = srv.store.stored
    sys.stderr.write("serve.py: stopped: %d deliveries stored\n" % n)


if __name__ == "__main__":
    main()

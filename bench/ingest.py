#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Benchmark baseline: the help-desk ingest a user would write in Python (stdlib only).
"""Reads webhook deliveries (JSON values, one per line) and does the same
help-desk work as wa-recv on text messages: store the raw delivery, check the
channel and connected_at, skip duplicates, find or create the contact, join
the open thread or create thread + ticket, update the session and the
thread, insert the message. Statuses are applied to known messages.
It uses the schema wa creates: run any wa tool on the database first.
"""
import hashlib
import json
import sqlite3
import sys
import time


def contact_for(db, wa_id, name, now):
    row = db.execute("SELECT id FROM contacts WHERE wa_id = ? OR phone = ? "
                     "OR mobile_phone = ? LIMIT 1",
                     (wa_id, wa_id, wa_id)).fetchone()
    if row:
        return row[0]
    cur = db.execute("INSERT INTO contacts (profile_name, wa_id, phone, "
                     "created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                     (name, wa_id, wa_id, now, now))
    return cur.lastrowid


def thread_for(db, channel, contact, now):
    row = db.execute("SELECT t.id, k.id FROM threads t JOIN tickets k "
                     "ON k.thread_id = t.id WHERE t.channel_id = ? AND "
                     "t.contact_id = ? AND k.status = 'open' "
                     "ORDER BY t.id DESC LIMIT 1",
                     (channel, contact)).fetchone()
    if row:
        return row[0], row[1], False
    tid = db.execute("INSERT INTO threads (channel_id, contact_id, "
                     "created_at) VALUES (?, ?, ?)",
                     (channel, contact, now)).lastrowid
    kid = db.execute("INSERT INTO tickets (thread_id, status, created_at, "
                     "updated_at) VALUES (?, 'open', ?, ?)",
                     (tid, now, now)).lastrowid
    return tid, kid, True


def message(db, value, m, delivery, now, out):
    channel = value.get("metadata", {}).get("phone_number_id")
    row = db.execute("SELECT status, connected_at FROM channels WHERE id = ?",
                     (channel,)).fetchone()
    ts = int(m.get("timestamp", 0))
    if row is None:
        out.append({"event": "skipped", "reason": "unknown_channel"})
        return
    if row[0] != "connected":
        out.append({"event": "skipped", "reason": "not_connected"})
        return
    if ts < row[1]:
        out.append({"event": "skipped", "reason": "before_connect"})
        return
    wamid = m.get("id")
    if db.execute("SELECT 1 FROM messages WHERE channel_id = ? AND "
                  "wamid = ?", (channel, wamid)).fetchone():
        out.append({"event": "skipped", "reason": "duplicate",
                    "wamid": wamid})
        return
    names = {c.get("wa_id"): c.get("profile", {}).get("name")
             for c in value.get("contacts", [])}
    wa_id = m.get("from")
    contact = contact_for(db, wa_id, names.get(wa_id), now)
    tid, kid, new = thread_for(db, channel, contact, now)
    text = m.get("text", {}).get("body")
    mid = db.execute("INSERT INTO messages (wamid, channel_id, thread_id, "
                     "contact_id, direction, type, text, from_addr, to_addr, "
                     "timestamp, received_at, raw, delivery_id) VALUES "
                     "(?, ?, ?, ?, 'in', ?, ?, ?, ?, ?, ?, ?, ?)",
                     (wamid, channel, tid, contact, m.get("type"), text,
                      wa_id, value["metadata"].get("display_phone_number"),
                      ts, now, json.dumps(m), delivery)).lastrowid
    db.execute("INSERT INTO sessions (channel_id, contact_id, opened_at, "
               "last_inbound_at) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE "
               "SET last_inbound_at = max(last_inbound_at, excluded."
               "last_inbound_at)", (channel, contact, ts, ts))
    db.execute("UPDATE threads SET last_message_at = ?, last_message_id = ?, "
               "last_inbound_at = ?, unread = unread + 1, message_count = "
               "message_count + 1 WHERE id = ?", (ts, mid, ts, tid))
    out.append({"event": "message", "wamid": wamid, "channel": channel,
                "wa_id": wa_id, "contact_id": str(contact),
                "thread_id": str(tid), "ticket_id": str(kid),
                "new_ticket": new, "type": m.get("type"), "text": text,
                "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                           time.gmtime(ts)),
                "session_expires_at": time.strftime(
                    "%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts + 86400))})


def delivery(db, line, now, out):
    raw = line.encode()
    did = db.execute("INSERT INTO deliveries (received_at, source, body, "
                     "body_sha256) VALUES (?, 'file', ?, ?)",
                     (now, raw, hashlib.sha256(raw).hexdigest())).lastrowid
    d = json.loads(line)
    for entry in d.get("entry", []):
        for change in entry.get("changes", []):
            value = change.get("value", {})
            for m in value.get("messages", []):
                message(db, value, m, did, now, out)
            for s in value.get("statuses", []):
                db.execute("INSERT OR IGNORE INTO statuses (wamid, status, "
                           "timestamp, delivery_id) VALUES (?, ?, ?, ?)",
                           (s.get("id"), s.get("status"),
                            int(s.get("timestamp", 0)), did))
                out.append({"event": "status", "wamid": s.get("id"),
                            "status": s.get("status")})


def main():
    db = sqlite3.connect(sys.argv[1], isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    now = int(time.time())
    n = 0
    db.execute("BEGIN IMMEDIATE")
    with open(sys.argv[2]) as f:
        for line in f:
            if not line.strip():
                continue
            out = []
            delivery(db, line, now, out)
            for e in out:
                sys.stdout.write(json.dumps(e) + "\n")
            n += 1
            if n % 500 == 0:
                db.execute("COMMIT")
                db.execute("BEGIN IMMEDIATE")
    db.execute("COMMIT")


if __name__ == "__main__":
    main()

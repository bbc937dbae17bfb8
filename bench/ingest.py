#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Benchmark baseline: the help-desk ingest a user would write in Python (stdlib only).
"""Reads webhook deliveries (JSON values, one per line) and does the same
help-desk work as wa-recv on text messages: store the raw delivery once,
check the channel and connected_at, skip duplicates, find or create the
contact (by wa_id, phone, mobile phone), join the open thread or create
thread + ticket (with its history row), check the default quarantine rules,
update the session (new one after the window closed) and the thread, insert
the message, print one event per message. Statuses are recorded.
It uses the schema wa creates: run any wa tool on the database first.
"""
import hashlib
import json
import re
import sqlite3
import sys
import time

# The same default quarantine rules as lib/quarantine.c (rule 10).
IP_LINK = re.compile(r"(https?|ftp)://\[?[0-9]{1,3}(\.[0-9]{1,3}){3}", re.I)
EXE_NAME = re.compile(r"\.(exe|scr|bat|cmd|com|pif|vbs|vbe|js|jse|jar|msi|"
                      r"apk|ps1|dll|hta|lnk|wsf|cpl|reg)$", re.I)
EXE_MIME = {"application/x-msdownload", "application/x-msdos-program",
            "application/x-dosexec", "application/x-executable",
            "application/vnd.android.package-archive",
            "application/java-archive", "application/x-ms-installer",
            "application/x-sh"}
MEDIA = ("image", "video", "audio", "document", "sticker")


def quarantined(m):
    text = (m.get("text") or {}).get("body") or ""
    if "://" in text and IP_LINK.search(text):
        return "ip_link"
    for kind in MEDIA:
        media = m.get(kind)
        if media:
            if media.get("filename") and EXE_NAME.search(media["filename"]):
                return "executable_attachment"
            if media.get("mime_type") in EXE_MIME:
                return "executable_mime"
    return None


def contact_for(db, wa_id, name, now):
    # rule 4: by wa_id, then phone, then mobile phone; keep the push name
    row = None
    for col in ("wa_id", "phone", "mobile_phone"):
        row = db.execute("SELECT id, profile_name FROM contacts WHERE %s = ?"
                         " LIMIT 1" % col, (wa_id,)).fetchone()
        if row:
            break
    if row:
        if name and row[1] != name:
            db.execute("UPDATE contacts SET profile_name = ?, updated_at = ?"
                       " WHERE id = ?", (name, now, row[0]))
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
    db.execute("INSERT INTO ticket_events (ticket_id, action, actor, at) "
               "VALUES (?, 'create', 'wa-recv', ?)", (kid, now))
    return tid, kid, True


def session(db, channel, identity, contact, ts):
    # rule 5: a session per (channel, number); a message after the window
    # closed opens a new one
    row = db.execute("SELECT last_inbound_at FROM sessions WHERE "
                     "channel_id = ? AND identity = ?",
                     (channel, identity)).fetchone()
    if row and ts <= row[0]:
        return row[0]
    if row and ts < row[0] + 86400:
        db.execute("UPDATE sessions SET last_inbound_at = ? WHERE "
                   "channel_id = ? AND identity = ?", (ts, channel, identity))
    else:
        db.execute("INSERT INTO sessions (channel_id, identity, contact_id, "
                   "opened_at, last_inbound_at) VALUES (?, ?, ?, ?, ?) ON "
                   "CONFLICT DO UPDATE SET opened_at = excluded.opened_at, "
                   "last_inbound_at = excluded.last_inbound_at, "
                   "conversation_id = NULL",
                   (channel, identity, contact, ts, ts))
    return ts


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
    rule = quarantined(m)
    mid = db.execute("INSERT INTO messages (wamid, channel_id, thread_id, "
                     "contact_id, direction, type, text, from_addr, to_addr, "
                     "timestamp, received_at, quarantined, quarantine_rule, "
                     "delivery_id) VALUES "
                     "(?, ?, ?, ?, 'in', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (wamid, channel, tid, contact, m.get("type"), text,
                      wa_id, value["metadata"].get("display_phone_number"),
                      ts, now, 1 if rule else 0, rule, delivery)).lastrowid
    last = session(db, channel, wa_id, contact, ts)
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
                    "%Y-%m-%dT%H:%M:%SZ", time.gmtime(last + 86400)),
                "quarantined": rule is not None})


def delivery(db, line, now, out):
    # rule 12: the raw body, stored once however often Meta resends it
    raw = line.rstrip("\n").encode()
    sha = hashlib.sha256(raw).hexdigest()
    key = int.from_bytes(bytes.fromhex(sha[:16]), "big", signed=True)
    row = db.execute("SELECT id FROM deliveries WHERE body_key = ? AND "
                     "body = ?", (key, raw)).fetchone()
    if row:
        did = row[0]
    else:
        did = db.execute("INSERT INTO deliveries (received_at, source, "
                         "body, body_sha256, body_key) VALUES "
                         "(?, 'file', ?, ?, ?)",
                         (now, raw, sha, key)).lastrowid
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
    db.execute("PRAGMA foreign_keys=ON")
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

/* SPDX-License-Identifier: MIT */
/* Schema migrations: an append-only array of SQL steps; never edit a shipped step. */
#include <stdio.h>
#include <string.h>
#include "schema.h"

/*
 * Step 1: the whole help desk. Times are Unix seconds (INTEGER), phone
 * numbers digits, ids from Meta TEXT. Raw JSON is kept as TEXT.
 */
static const char STEP1[] =
"CREATE TABLE business (\n"
"  id INTEGER PRIMARY KEY CHECK (id = 1),\n"
"  legal_name TEXT NOT NULL,\n"
"  display_name TEXT NOT NULL,\n"
"  website TEXT NOT NULL,\n"
"  email TEXT NOT NULL,\n"
"  timezone TEXT,\n"
"  country TEXT,\n"
"  verified INTEGER NOT NULL DEFAULT 0,\n"
"  created_at INTEGER NOT NULL,\n"
"  updated_at INTEGER NOT NULL\n"
") STRICT;\n"

/* A channel is one connected phone number (id = Meta's phone-number id). */
"CREATE TABLE channels (\n"
"  id TEXT PRIMARY KEY,\n"
"  waba_id TEXT NOT NULL,\n"
"  phone TEXT NOT NULL,\n"
"  display_phone_number TEXT,\n"
"  verified_name TEXT,\n"
"  status TEXT NOT NULL DEFAULT 'connected'\n"
"    CHECK (status IN ('connected', 'disconnected')),\n"
"  code_verification_status TEXT,\n"
"  quality_rating TEXT,\n"
"  platform_type TEXT,\n"
"  code_requested_at INTEGER,\n"
"  code_method TEXT,\n"
"  verified_at INTEGER,\n"
"  registered_at INTEGER,\n"
"  subscribed_at INTEGER,\n"
"  connected_at INTEGER NOT NULL,\n"
"  disconnected_at INTEGER,\n"
"  info TEXT\n"
") STRICT;\n"
"CREATE INDEX channels_waba ON channels (waba_id, status);\n"
"CREATE UNIQUE INDEX channels_phone_connected ON channels (phone)\n"
"  WHERE status = 'connected';\n"

"CREATE TABLE contacts (\n"
"  id INTEGER PRIMARY KEY,\n"
"  name TEXT,\n"
"  profile_name TEXT,\n"
"  username TEXT,\n"
"  email TEXT,\n"
"  phone TEXT,\n"
"  mobile_phone TEXT,\n"
"  wa_id TEXT,\n"
"  bsuid TEXT,\n"
"  parent_bsuid TEXT,\n"
"  created_at INTEGER NOT NULL,\n"
"  updated_at INTEGER NOT NULL\n"
") STRICT;\n"
"CREATE INDEX contacts_phone ON contacts (phone);\n"
"CREATE INDEX contacts_mobile ON contacts (mobile_phone);\n"
"CREATE INDEX contacts_wa_id ON contacts (wa_id);\n"
"CREATE UNIQUE INDEX contacts_bsuid ON contacts (bsuid);\n"

/* One thread per conversation of a contact on a channel; one ticket each. */
"CREATE TABLE threads (\n"
"  id INTEGER PRIMARY KEY,\n"
"  channel_id TEXT NOT NULL REFERENCES channels (id),\n"
"  contact_id INTEGER NOT NULL REFERENCES contacts (id),\n"
"  source TEXT NOT NULL DEFAULT 'whatsapp',\n"
"  origin TEXT NOT NULL DEFAULT 'inbound'\n"
"    CHECK (origin IN ('inbound', 'outbound')),\n"
"  created_at INTEGER NOT NULL,\n"
"  last_message_at INTEGER,\n"
"  last_message_id INTEGER,\n"
"  last_inbound_at INTEGER,\n"
"  last_outbound_at INTEGER,\n"
"  unread INTEGER NOT NULL DEFAULT 0,\n"
"  message_count INTEGER NOT NULL DEFAULT 0\n"
") STRICT;\n"
"CREATE INDEX threads_contact ON threads (channel_id, contact_id);\n"
"CREATE INDEX threads_last ON threads (last_message_at DESC);\n"

"CREATE TABLE tickets (\n"
"  id INTEGER PRIMARY KEY,\n"
"  thread_id INTEGER NOT NULL UNIQUE REFERENCES threads (id),\n"
"  status TEXT NOT NULL DEFAULT 'open'\n"
"    CHECK (status IN ('open', 'closed')),\n"
"  owner TEXT,\n"
"  created_at INTEGER NOT NULL,\n"
"  updated_at INTEGER NOT NULL,\n"
"  closed_at INTEGER\n"
") STRICT;\n"
"CREATE INDEX tickets_status ON tickets (status, owner);\n"

/* Who changed a ticket, when, from what to what. */
"CREATE TABLE ticket_events (\n"
"  id INTEGER PRIMARY KEY,\n"
"  ticket_id INTEGER NOT NULL REFERENCES tickets (id),\n"
"  action TEXT NOT NULL,\n"
"  actor TEXT,\n"
"  from_value TEXT,\n"
"  to_value TEXT,\n"
"  at INTEGER NOT NULL\n"
") STRICT;\n"
"CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);\n"

/* Every webhook delivery, raw, whether understood or not (rule 12). */
"CREATE TABLE deliveries (\n"
"  id INTEGER PRIMARY KEY,\n"
"  received_at INTEGER NOT NULL,\n"
"  source TEXT NOT NULL DEFAULT 'file',\n"
"  body BLOB NOT NULL,\n"
"  body_sha256 TEXT NOT NULL,\n"
/* The first 64 bits of body_sha256: the duplicate lookup's index key,
 * small enough to stay in the page cache where hex text would not. */
"  body_key INTEGER NOT NULL DEFAULT 0,\n"
"  signature TEXT,\n"
"  state TEXT NOT NULL DEFAULT 'ok'\n"
"    CHECK (state IN ('ok', 'error')),\n"
"  error TEXT,\n"
"  parser_version INTEGER NOT NULL DEFAULT 1\n"
") STRICT;\n"
"CREATE INDEX deliveries_key ON deliveries (body_key);\n"
"CREATE INDEX deliveries_received ON deliveries (received_at);\n"

/* The session (24-hour window) of a contact on a channel (rules 5, 6). */
"CREATE TABLE sessions (\n"
"  channel_id TEXT NOT NULL REFERENCES channels (id),\n"
"  contact_id INTEGER NOT NULL REFERENCES contacts (id),\n"
"  opened_at INTEGER NOT NULL,\n"
"  last_inbound_at INTEGER NOT NULL,\n"
"  conversation_id INTEGER REFERENCES conversations (id),\n"
"  PRIMARY KEY (channel_id, contact_id)\n"
") STRICT, WITHOUT ROWID;\n"

/* Counted conversations (rule 6). */
"CREATE TABLE conversations (\n"
"  id INTEGER PRIMARY KEY,\n"
"  channel_id TEXT NOT NULL REFERENCES channels (id),\n"
"  contact_id INTEGER NOT NULL REFERENCES contacts (id),\n"
"  kind TEXT NOT NULL\n"
"    CHECK (kind IN ('user_initiated', 'business_initiated')),\n"
"  started_at INTEGER NOT NULL,\n"
"  session_opened_at INTEGER,\n"
"  first_message_id INTEGER\n"
") STRICT;\n"
"CREATE INDEX conversations_started ON conversations (started_at);\n"

"CREATE TABLE messages (\n"
"  id INTEGER PRIMARY KEY,\n"
"  wamid TEXT,\n"
"  channel_id TEXT NOT NULL REFERENCES channels (id),\n"
"  thread_id INTEGER REFERENCES threads (id),\n"
"  contact_id INTEGER REFERENCES contacts (id),\n"
"  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),\n"
"  type TEXT NOT NULL,\n"
"  text TEXT,\n"
"  content TEXT,\n"
"  from_addr TEXT,\n"
"  to_addr TEXT,\n"
"  from_bsuid TEXT,\n"
"  to_bsuid TEXT,\n"
"  timestamp INTEGER NOT NULL,\n"
"  received_at INTEGER NOT NULL,\n"
"  context_wamid TEXT,\n"
"  forwarded INTEGER NOT NULL DEFAULT 0,\n"
"  referral TEXT,\n"
"  media_id TEXT,\n"
"  media_mime TEXT,\n"
"  media_sha256 TEXT,\n"
"  media_caption TEXT,\n"
"  media_filename TEXT,\n"
"  media_url TEXT,\n"
"  media_size INTEGER,\n"
"  media_path TEXT,\n"
"  media_state TEXT CHECK (media_state IN ('pending', 'done', 'failed')),\n"
"  media_error TEXT,\n"
"  unsupported TEXT,\n"
"  quarantined INTEGER NOT NULL DEFAULT 0,\n"
"  quarantine_rule TEXT,\n"
"  status TEXT,\n"
"  status_at INTEGER,\n"
"  sent_at INTEGER,\n"
"  delivered_at INTEGER,\n"
"  read_at INTEGER,\n"
"  played_at INTEGER,\n"
"  failed_at INTEGER,\n"
"  error TEXT,\n"
"  pricing_category TEXT,\n"
"  pricing_type TEXT,\n"
"  pricing_model TEXT,\n"
"  billable INTEGER,\n"
"  conversation_id INTEGER REFERENCES conversations (id),\n"
"  template_name TEXT,\n"
"  template_language TEXT,\n"
"  agent TEXT,\n"
"  idempotency_key TEXT,\n"
"  request TEXT,\n"
"  result TEXT,\n"
"  raw TEXT,\n"
"  delivery_id INTEGER REFERENCES deliveries (id),\n"
"  echo INTEGER NOT NULL DEFAULT 0,\n"
/* 1 while a bulk writer (wa-recv) will add the text to messages_fts at its
 * commit: FTS5 flushes at every statement, so indexing row by row costs
 * several times more than one INSERT ... SELECT per batch. */
"  index_later INTEGER NOT NULL DEFAULT 0\n"
") STRICT;\n"
/* wamid first: the same index answers lookups by wamid alone (statuses,
 * reactions) and the per-channel uniqueness; one index less to write. */
"CREATE UNIQUE INDEX messages_wamid ON messages (wamid, channel_id)\n"
"  WHERE wamid IS NOT NULL;\n"
"CREATE INDEX messages_thread ON messages (thread_id, timestamp, id);\n"
"CREATE UNIQUE INDEX messages_idem ON messages (idempotency_key)\n"
"  WHERE idempotency_key IS NOT NULL;\n"
"CREATE INDEX messages_media_pending ON messages (media_state)\n"
"  WHERE media_state = 'pending';\n"
"CREATE INDEX messages_flagged ON messages (thread_id)\n"
"  WHERE unsupported IS NOT NULL OR quarantined = 1;\n"

/* Full-text search over visible text only (hidden content is not indexed). */
"CREATE VIRTUAL TABLE messages_fts USING fts5 (\n"
"  text, content = 'messages', content_rowid = 'id',\n"
"  tokenize = 'unicode61 remove_diacritics 2'\n"
");\n"
"CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages\n"
"  WHEN new.text IS NOT NULL AND new.unsupported IS NULL\n"
"   AND new.quarantined = 0 AND new.index_later = 0 BEGIN\n"
"  INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);\n"
"END;\n"
"CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages\n"
"  WHEN old.text IS NOT NULL AND old.unsupported IS NULL\n"
"   AND old.quarantined = 0 AND old.index_later = 0 BEGIN\n"
"  INSERT INTO messages_fts (messages_fts, rowid, text)\n"
"    VALUES ('delete', old.id, old.text);\n"
"END;\n"
"CREATE TRIGGER messages_fts_au_old AFTER UPDATE OF text, unsupported,\n"
"  quarantined ON messages\n"
"  WHEN old.text IS NOT NULL AND old.unsupported IS NULL\n"
"   AND old.quarantined = 0 AND old.index_later = 0 BEGIN\n"
"  INSERT INTO messages_fts (messages_fts, rowid, text)\n"
"    VALUES ('delete', old.id, old.text);\n"
"END;\n"
"CREATE TRIGGER messages_fts_au_new AFTER UPDATE OF text, unsupported,\n"
"  quarantined ON messages\n"
"  WHEN new.text IS NOT NULL AND new.unsupported IS NULL\n"
"   AND new.quarantined = 0 AND new.index_later = 0 BEGIN\n"
"  INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);\n"
"END;\n"

/* Status webhooks, one row per (wamid, status); applied = 0 while the
 * message is not known yet (rule 7). */
"CREATE TABLE statuses (\n"
"  id INTEGER PRIMARY KEY,\n"
"  wamid TEXT NOT NULL,\n"
"  channel_id TEXT,\n"
"  status TEXT NOT NULL,\n"
"  timestamp INTEGER NOT NULL,\n"
"  recipient TEXT,\n"
"  recipient_bsuid TEXT,\n"
"  errors TEXT,\n"
"  pricing TEXT,\n"
"  conversation TEXT,\n"
"  applied INTEGER NOT NULL DEFAULT 0,\n"
"  delivery_id INTEGER REFERENCES deliveries (id),\n"
"  UNIQUE (wamid, status)\n"
") STRICT;\n"
"CREATE INDEX statuses_pending ON statuses (wamid) WHERE applied = 0;\n"

/* Other webhook fields: account, quality, template, preference events. */
"CREATE TABLE events (\n"
"  id INTEGER PRIMARY KEY,\n"
"  delivery_id INTEGER REFERENCES deliveries (id),\n"
"  field TEXT NOT NULL,\n"
"  kind TEXT,\n"
"  waba_id TEXT,\n"
"  channel_id TEXT,\n"
"  time INTEGER,\n"
"  payload TEXT NOT NULL,\n"
"  dedup_key TEXT UNIQUE\n"
") STRICT;\n"

"CREATE TABLE templates (\n"
"  id TEXT,\n"
"  waba_id TEXT NOT NULL,\n"
"  name TEXT NOT NULL,\n"
"  language TEXT NOT NULL,\n"
"  category TEXT,\n"
"  status TEXT NOT NULL,\n"
"  parameter_format TEXT NOT NULL DEFAULT 'POSITIONAL',\n"
"  components TEXT NOT NULL DEFAULT '[]',\n"
"  quality TEXT,\n"
"  reason TEXT,\n"
"  updated_at INTEGER NOT NULL,\n"
"  synced_at INTEGER,\n"
"  raw TEXT,\n"
"  PRIMARY KEY (waba_id, name, language)\n"
") STRICT;\n"
"CREATE INDEX templates_id ON templates (id);\n"

"CREATE TABLE views (\n"
"  id INTEGER PRIMARY KEY,\n"
"  name TEXT NOT NULL,\n"
"  owner TEXT NOT NULL,\n"
"  sharing TEXT NOT NULL DEFAULT 'private'\n"
"    CHECK (sharing IN ('private', 'team', 'everyone')),\n"
"  filters TEXT NOT NULL,\n"
"  created_at INTEGER NOT NULL,\n"
"  UNIQUE (name, owner)\n"
") STRICT;\n"

"CREATE TABLE quarantine_rules (\n"
"  id INTEGER PRIMARY KEY,\n"
"  name TEXT NOT NULL UNIQUE,\n"
"  predicate TEXT NOT NULL,\n"
"  enabled INTEGER NOT NULL DEFAULT 1,\n"
"  created_at INTEGER NOT NULL\n"
") STRICT;\n"

"CREATE TABLE settings (\n"
"  key TEXT PRIMARY KEY,\n"
"  value TEXT\n"
") STRICT, WITHOUT ROWID;\n";

/* Ingest, one pipeline (schema 2): every event numbered and kept; group
 * chats; what Meta says about a number's quality kept apart from its
 * rating. */
static const char STEP2[] =
/* Every event wa-recv printed, as printed, numbered in commit order: a
 * consumer resumes with `wa-recv events --since SEQ`. */
"CREATE TABLE event_log (\n"
"  seq INTEGER PRIMARY KEY,\n"
"  delivery_id INTEGER,\n"
"  at INTEGER NOT NULL,\n"
"  line TEXT NOT NULL\n"
") STRICT;\n"
/* A group chat is a contact of its own: its thread is the group's. */
"ALTER TABLE contacts ADD COLUMN group_id TEXT;\n"
"CREATE UNIQUE INDEX contacts_group ON contacts (group_id)\n"
"  WHERE group_id IS NOT NULL;\n"
"ALTER TABLE messages ADD COLUMN group_id TEXT;\n"
"ALTER TABLE channels ADD COLUMN quality_event TEXT;\n"
"ALTER TABLE channels ADD COLUMN messaging_limit TEXT;\n";

/* Sessions per WhatsApp identity (schema 3): a contact with two numbers
 * has a window per number (Meta's), and a thread replies to the
 * identity of its last inbound message. */
static const char STEP3[] =
"CREATE TABLE sessions_by_identity (\n"
"  channel_id TEXT NOT NULL REFERENCES channels (id),\n"
/* the number (digits), the BSUID when there is no number, or a group's
 * id for the group's own window */
"  identity TEXT NOT NULL,\n"
"  contact_id INTEGER REFERENCES contacts (id),\n"
"  opened_at INTEGER NOT NULL,\n"
"  last_inbound_at INTEGER NOT NULL,\n"
"  conversation_id INTEGER REFERENCES conversations (id),\n"
"  PRIMARY KEY (channel_id, identity)\n"
") STRICT, WITHOUT ROWID;\n"
"INSERT INTO sessions_by_identity SELECT s.channel_id,\n"
"  coalesce(c.wa_id, c.bsuid, c.group_id, 'contact:' || s.contact_id),\n"
"  s.contact_id, s.opened_at, s.last_inbound_at, s.conversation_id\n"
"  FROM sessions s LEFT JOIN contacts c ON c.id = s.contact_id;\n"
"DROP TABLE sessions;\n"
"ALTER TABLE sessions_by_identity RENAME TO sessions;\n"
/* where a reply to the thread goes: its last inbound message's identity */
"ALTER TABLE threads ADD COLUMN reply_to TEXT;\n"
"UPDATE threads SET reply_to = (SELECT coalesce(c.group_id, c.wa_id, c.bsuid)\n"
"  FROM contacts c WHERE c.id = threads.contact_id);\n";

/* Template categories change after approval (schema 4): sends route by
 * the latest one, and `wa-template show` tells when and from what it
 * moved. */
static const char STEP4[] =
"CREATE TABLE template_category_changes (\n"
"  id INTEGER PRIMARY KEY,\n"
"  waba_id TEXT NOT NULL,\n"
"  template_id TEXT,\n"
"  name TEXT NOT NULL,\n"
"  language TEXT NOT NULL,\n"
"  previous_category TEXT NOT NULL,\n"
"  new_category TEXT NOT NULL,\n"
"  changed_at INTEGER NOT NULL,\n"
"  source TEXT NOT NULL CHECK (source IN ('webhook', 'sync', 'create'))\n"
") STRICT;\n"
"CREATE INDEX template_category_changes_key\n"
"  ON template_category_changes (waba_id, name, language, id);\n";

/* Which run owns a pending send (schema 5): the byte it holds locked in
 * the database's send lock file (lib/sender_recover.c), so a run that
 * died is told from one still sending; the index finds pending sends. */
static const char STEP5[] =
"ALTER TABLE messages ADD COLUMN send_owner INTEGER;\n"
"CREATE INDEX messages_send_pending ON messages (send_owner)\n"
"  WHERE status = 'pending';\n";

/* Media that settle (schema 6): failed tries of a pending download and
 * when the next may come (a backoff); 'failed' is now final. */
static const char STEP_MEDIA_RETRY[] =
"ALTER TABLE messages ADD COLUMN media_attempts INTEGER NOT NULL DEFAULT 0;\n"
"ALTER TABLE messages ADD COLUMN media_retry_at INTEGER;\n";

/* The audit log (schema 7): who changed the desk or reached a customer,
 * each entry hash-chained to the one before (lib/audit.c). prev_hash is
 * unique: two writers cannot both extend the same head (no fork). */
static const char STEP_AUDIT[] =
"CREATE TABLE audit_log (\n"
"  id INTEGER PRIMARY KEY,\n"
"  at INTEGER NOT NULL,\n"
"  actor TEXT NOT NULL,\n"
"  action TEXT NOT NULL,\n"
"  subject TEXT NOT NULL,\n"
"  detail TEXT NOT NULL,\n"
"  prev_hash TEXT NOT NULL UNIQUE,\n"
"  hash TEXT NOT NULL\n"
") STRICT;\n"
"CREATE INDEX audit_log_subject ON audit_log (subject, id);\n";

/* The business's own phone number, international digits (schema 8). */
static const char STEP_BUSINESS_PHONE[] =
"ALTER TABLE business ADD COLUMN phone TEXT;\n";

/* Agents, their teams and skills, and routing rules (schema 9). A
 * ticket's owner stays a name (TEXT): removing an agent keeps the
 * history of the tickets it held. notify is read by wa-view watch.
 * routes.last_owner is round-robin's cursor: who the rule chose last. */
static const char STEP_AGENTS[] =
"CREATE TABLE agents (\n"
"  id INTEGER PRIMARY KEY,\n"
"  name TEXT NOT NULL UNIQUE,\n"
"  max_open INTEGER CHECK (max_open >= 0),\n"
"  away INTEGER NOT NULL DEFAULT 0 CHECK (away IN (0, 1)),\n"
"  notify TEXT NOT NULL DEFAULT 'all'\n"
"    CHECK (notify IN ('none', 'mine', 'team', 'all')),\n"
"  created_at INTEGER NOT NULL,\n"
"  updated_at INTEGER NOT NULL\n"
") STRICT;\n"
"CREATE TABLE agent_tags (\n"
"  agent_id INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,\n"
"  kind TEXT NOT NULL CHECK (kind IN ('team', 'skill')),\n"
"  value TEXT NOT NULL,\n"
"  PRIMARY KEY (agent_id, kind, value)\n"
") STRICT;\n"
"CREATE INDEX agent_tags_value ON agent_tags (kind, value);\n"
"CREATE TABLE routes (\n"
"  id INTEGER PRIMARY KEY,\n"
"  name TEXT NOT NULL UNIQUE,\n"
"  predicate TEXT NOT NULL,\n"
"  team TEXT,\n"
"  skill TEXT,\n"
"  agent TEXT,\n"
"  strategy TEXT NOT NULL DEFAULT 'round-robin'\n"
"    CHECK (strategy IN ('round-robin', 'least-open')),\n"
"  priority INTEGER NOT NULL DEFAULT 100,\n"
"  last_owner TEXT,\n"
"  created_at INTEGER NOT NULL\n"
") STRICT;\n";
/* Readers of the event log are told of new events (schema 10): on
 * PostgreSQL a trigger NOTIFYs them (lib/schema_pg.c); a SQLite reader
 * asks its open connection's data_version, which needs nothing here. */
static const char STEP_EVENT_NOTIFY[] =
"-- nothing to change in a SQLite file\n";

/* wa-view list reads threads newest first, those without a message last
 * (schema 11): SQLite's threads_last (DESC) already sorts NULL last;
 * PostgreSQL's is made again so (lib/schema_pg.c). */
static const char STEP_THREADS_LAST[] =
"-- nothing to change in a SQLite file\n";

static const char *const steps[] = {
	STEP1,
	STEP2,
	STEP3,
	STEP4,
	STEP5,
	STEP_MEDIA_RETRY,
	STEP_AUDIT,
	STEP_BUSINESS_PHONE,
	STEP_AGENTS,
	STEP_EVENT_NOTIFY,
	STEP_THREADS_LAST,
};

#define NSTEPS ((int)(sizeof(steps) / sizeof(steps[0])))
_Static_assert(NSTEPS == SCHEMA_STEPS, "SCHEMA_STEPS is the number of steps");

int
schema_version(void)
{
	return NSTEPS;
}

int
schema_user_version(sqlite3 *db, int *out)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL))
		return -1;
	rc = sqlite3_step(s);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

static int
db_fail(sqlite3 *db, struct wa_err *err, const char *what)
{
	int ext = sqlite3_extended_errcode(db);
	int prim = ext & 0xff;
	int code = prim == SQLITE_BUSY || prim == SQLITE_LOCKED ?
		WA_EX_TEMPFAIL : WA_EX_IOERR;

	return wa_err_set(err, code, code == WA_EX_TEMPFAIL ? "busy" : "io",
			  "%s: %s (sqlite %d)", what, sqlite3_errmsg(db), ext);
}

static int
run_step(sqlite3 *db, int n, struct wa_err *err)
{
	char pragma[64];
	int have;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL))
		return db_fail(db, err, "begin migration");
	/* Another process may have migrated while we waited for the lock. */
	if (schema_user_version(db, &have) < 0) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return db_fail(db, err, "read schema version");
	}
	if (have >= n + 1) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return 0;
	}
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", n + 1);
	if (sqlite3_exec(db, steps[n], NULL, NULL, NULL) ||
	    sqlite3_exec(db, pragma, NULL, NULL, NULL) ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL)) {
		db_fail(db, err, "migrate");
		wa_err_prefix(err, "schema step %d", n + 1);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

int
schema_check_newer(sqlite3 *db, struct wa_err *err)
{
	int have;

	if (schema_user_version(db, &have) < 0)
		return db_fail(db, err, "read schema version");
	if (have > NSTEPS)
		return wa_err_set(err, WA_EX_CONFIG, "config",
				  "database schema version %d is newer than "
				  "this wa knows (%d); upgrade wa", have, NSTEPS);
	return 0;
}

int
schema_migrate(sqlite3 *db, struct wa_err *err)
{
	int have, n;

	if (schema_user_version(db, &have) < 0)
		return db_fail(db, err, "read schema version");
	if (have > NSTEPS)
		return wa_err_set(err, WA_EX_CONFIG, "config",
				  "database schema version %d is newer than "
				  "this wa knows (%d); upgrade wa", have, NSTEPS);
	for (n = have; n < NSTEPS; n++)
		if (run_step(db, n, err) < 0)
			return -1;
	return 0;
}

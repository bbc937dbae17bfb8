#!/bin/sh
# SPDX-License-Identifier: MIT
# The PostgreSQL store: the same schema as SQLite's by introspection, URIs and conninfo, secrets never shown, retryable errors, search folding.
. "$(dirname "$0")/../lib.sh"
if [ "${WA_TEST_STORE:-}" != pg ]; then
	echo "1..0 # SKIP PostgreSQL only (make check-pg)"
	exit 0
fi
psql() { "$WA_TEST_PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }

exits 78 "a database without a desk is no desk, as a missing file" wa-view contacts
like "$(cat "$T/err")" "wa-view: config: no desk in PostgreSQL database '$pg_db'*" "naming the database"
exits 0 "a command that sets a desk up makes one there" wa-recv /dev/null
exits 0 "then the others read it" wa-view contacts
exits 0 "and a new SQLite file" wa-db migrate --db "$T/lite.db"
is "$(sql 'SELECT version FROM wa_schema')" \
   "$(sqlite3 "$T/lite.db" 'PRAGMA user_version')" "the same schema version"

# Both schemas as lines of one form: "column TABLE NAME TYPE NOTNULL PK
# DEFAULT", "index TABLE NAME|- UNIQUE PARTIAL COLUMNS" (- for a unique
# constraint's), "fk TABLE COLUMN -> TABLE COLUMN". Known differences
# only: search is FTS5's messages_fts on SQLite, messages.search and its
# GIN index here; wa_schema holds PostgreSQL's version.
sqlite3 -batch -noheader "$T/lite.db" "
SELECT 'column ' || m.name || ' ' || p.name || ' ' ||
  CASE p.type WHEN 'INTEGER' THEN 'integer' WHEN 'BLOB' THEN 'bytes'
  ELSE lower(p.type) END || ' ' || (p.\"notnull\" OR p.pk > 0) || ' ' ||
  p.pk || ' ' || coalesce(p.dflt_value, '')
FROM sqlite_schema m JOIN pragma_table_info(m.name) p
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
  AND m.name NOT LIKE 'messages_fts%' ORDER BY m.name, p.cid;
SELECT 'index ' || m.name || ' ' ||
  CASE l.origin WHEN 'c' THEN l.name ELSE '-' END || ' ' || l.\"unique\" ||
  ' ' || l.partial || ' ' || (SELECT group_concat(n, ',') FROM
  (SELECT x.name || CASE WHEN x.desc THEN ' desc' ELSE '' END AS n
   FROM pragma_index_xinfo(l.name) x WHERE x.key ORDER BY x.seqno))
FROM sqlite_schema m JOIN pragma_index_list(m.name) l
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
  AND m.name NOT LIKE 'messages_fts%' AND l.origin <> 'pk';
SELECT 'fk ' || m.name || ' ' || f.\"from\" || ' -> ' || f.\"table\" || ' ' ||
  f.\"to\"
FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f
WHERE m.type = 'table';" | sort >"$T/lite.schema"
sql "
SELECT 'column ' || c.relname || ' ' || a.attname || ' ' ||
  CASE format_type(a.atttypid, a.atttypmod) WHEN 'bigint' THEN 'integer'
  WHEN 'bytea' THEN 'bytes' ELSE format_type(a.atttypid, a.atttypmod) END
  || ' ' || (a.attnotnull OR k.conkey IS NOT NULL
  AND a.attnum = ANY (k.conkey))::int || ' ' ||
  coalesce(array_position(k.conkey, a.attnum), 0) || ' ' ||
  coalesce(regexp_replace(pg_get_expr(d.adbin, d.adrelid), '::[a-z ]+$', ''), '')
FROM pg_class c
JOIN pg_namespace s ON s.oid = c.relnamespace AND s.nspname = current_schema()
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'p'
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE c.relkind = 'r' AND c.relname <> 'wa_schema'
  AND NOT (c.relname = 'messages' AND a.attname = 'search')
ORDER BY c.relname, a.attnum;
SELECT 'index ' || t.relname || ' ' ||
  CASE WHEN k.oid IS NULL THEN i.relname ELSE '-' END || ' ' ||
  x.indisunique::int || ' ' || (x.indpred IS NOT NULL)::int || ' ' ||
  (SELECT string_agg(replace(pg_get_indexdef(x.indexrelid, n, true), '\"', '')
   || CASE WHEN x.indoption[n - 1] & 1 = 1 THEN ' desc' ELSE '' END, ','
   ORDER BY n) FROM generate_series(1, x.indnkeyatts) n)
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace s ON s.oid = t.relnamespace AND s.nspname = current_schema()
LEFT JOIN pg_constraint k ON k.conindid = x.indexrelid AND k.contype = 'u'
WHERE NOT x.indisprimary AND i.relname <> 'messages_search';
SELECT 'fk ' || c.relname || ' ' || a.attname || ' -> ' || r.relname || ' ' ||
  ra.attname
FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_class r ON r.oid = k.confrelid
JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
JOIN pg_attribute ra ON ra.attrelid = k.confrelid AND ra.attnum = k.confkey[1]
WHERE k.contype = 'f';" | sort >"$T/pg.schema"
[ "$(wc -l <"$T/pg.schema")" -gt 150 ]; ok $? "PostgreSQL's schema read ($(wc -l <"$T/pg.schema") lines)"
diff "$T/lite.schema" "$T/pg.schema" >"$T/schema.diff"
ok $? "tables, columns, indexes and foreign keys are SQLite's"
sed 's/^/#   /' "$T/schema.diff" | head -20

# text compares and sorts by its bytes as on SQLite, whatever the
# database's locale (the test server's is C: this reads the columns)
is "$(sql "SELECT string_agg(c.relname || '.' || a.attname, ' ')
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace s ON s.oid = c.relnamespace AND s.nspname = current_schema()
  WHERE c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
  AND a.atttypid = 'text'::regtype AND a.attcollation <> '\"C\"'::regcollation")" "" \
   "every text column collates as C"

# search: diacritics and case fold as FTS5's unicode61 remove_diacritics
# does, no stemming; hidden text is not indexed
sql "INSERT INTO channels (id, waba_id, phone, connected_at) VALUES ('c1', 'w1', '15550001111', 1);
INSERT INTO messages (channel_id, direction, type, text, timestamp, received_at, quarantined)
VALUES ('c1', 'in', 'text', 'Crème brûlée at the Café', 1, 1, 0),
       ('c1', 'in', 'text', 'the cafe is hidden', 1, 1, 1),
       ('c1', 'in', 'text', 'running cafés', 1, 1, 0)"
is "$(sql "SELECT string_agg(id::text, ',' ORDER BY id) FROM messages WHERE search @@ to_tsquery('wa_simple', 'CAFE')")" "1" \
   "'CAFE' finds 'Café', not a quarantined message, not 'cafés'"
is "$(sql "SELECT count(*) FROM messages WHERE search @@ to_tsquery('wa_simple', 'creme & brulee')")" 1 "'creme brulee' finds 'Crème brûlée'"
is "$(sql "SELECT count(*) FROM messages WHERE search @@ to_tsquery('wa_simple', 'run')")" 0 "no stemming: 'run' is not 'running'"
sql "INSERT INTO messages (channel_id, direction, type, text, timestamp, received_at)
VALUES ('c1', 'in', 'text', 'ref order-123, mail foo@bar.com', 1, 1)"
is "$(sql "SELECT count(*) FROM messages WHERE search @@ to_tsquery('wa_simple', 'order <-> 123') AND search @@ to_tsquery('wa_simple', 'bar <-> com')")" 1 \
   "punctuation separates words as in unicode61: order-123, foo@bar.com"
sql "UPDATE messages SET quarantined = 0 WHERE id = 2"
is "$(sql "SELECT count(*) FROM messages WHERE search @@ to_tsquery('wa_simple', 'hidden')")" 1 "released, it is found"

# targets: a conninfo string as well as a URI
conninfo="host=$WA_TEST_PG_HOST user=postgres dbname=$pg_db"
exits 0 "a conninfo string is a PostgreSQL target" wa-view contacts --db "$conninfo"
[ ! -e "host=$WA_TEST_PG_HOST user=postgres dbname=$pg_db" ]; ok $? "and no file of that name was made"
exits 0 "a file named like 'wa=1.db' is a SQLite file" \
	sh -c 'cd "$1" && exec wa-db migrate --db wa=1.db' sh "$T"
[ -f "$T/wa=1.db" ]; ok $? "and it was made"
exits 0 "postgres:// is one too" wa-view contacts --db "postgres:///$pg_db?host=$WA_TEST_PG_HOST&user=postgres"

# secrets: never in an error
exits 75 "no server: retryable (75)" wa-view contacts --db "postgresql://wa:s3cr3t-pw@/$pg_db?host=$T/nowhere"
like "$(cat "$T/err")" "wa-view: busy: cannot connect to PostgreSQL: *" "the message says so"
grep -q s3cr3t "$T/out" "$T/err"; is $? 1 "the password is not in it"
exits 78 "a broken URI is a configuration error (78)" wa-view contacts --db "postgresql://wa:s3cr3t%zz@/$pg_db"
grep -q s3cr3t "$T/out" "$T/err"; is $? 1 "and the password is not in its message"
exits 78 "so is a broken conninfo" wa-view contacts --db "host=x password=s3cr3t port"
grep -q s3cr3t "$T/out" "$T/err"; is $? 1 "without the password"
# libpq quotes what it could not parse; a short quoted part ("]") once
# shifted the hiding of the others and showed the whole URI, and so did
# quotes of the user's own (tests/fuzz/fuzz-dbtarget found those) and a
# long target whose closing quote fell past a cut message
long=$(printf '%0300d' 0)
for t in "postgresql://wa:s3cr3t@[bad/$pg_db" "postgresql://wa:s3cr3t@[::1/$pg_db" \
	"postgresql://wa:s3cr3t@/$pg_db?x\"y=1" "postgresql://wa:s3cr3t@/$pg_db?a=\"]\"" \
	"password=s3cr3t dbname='x" "password='s3cr3t host=x" "password=s3cr3t \"=x" \
	"postgresql://wa@[bad\"/=\"/\"/$pg_db?password=s3cr3t" \
	"postgresql://wa:s3cr3t@[h$long\"/\"/$pg_db"; do
	wa-view contacts --db "$t" >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc -eq 78 ] || [ $rc -eq 75 ]; ok $? "a broken target is refused ($rc): $(cat "$T/err")"
	grep -q s3cr3t "$T/out" "$T/err"; is $? 1 "and its message hides the password"
done

# a read-only connection (a standby, a database in read-only mode) is
# retryable, like a busy SQLite file
psql -h "$WA_TEST_PG_HOST" -U postgres -d postgres \
	-c "ALTER DATABASE $pg_db SET default_transaction_read_only = on"
exits 75 "a write on a read-only connection exits 75" wa-view contacts add --name Bo
like "$(cat "$T/err")" "*busy:*read-only*retry later*" "and says to retry"
exits 0 "reading still works" wa-view contacts
psql -h "$WA_TEST_PG_HOST" -U postgres -d postgres \
	-c "ALTER DATABASE $pg_db RESET default_transaction_read_only"
exits 0 "writable again" wa-view contacts add --name Bo

# a newer schema is refused and left alone
sql "UPDATE wa_schema SET version = 999"
exits 78 "a newer schema is refused" wa-view contacts
like "$(cat "$T/err")" "wa-view: config: *newer*" "the message says the schema is newer"
is "$(sql 'SELECT version FROM wa_schema')" 999 "and the database is untouched"

done_testing

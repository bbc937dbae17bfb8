#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-recv media against the fake Graph API: download, verify SHA-256, store by checksum, retry what failed.
. "$(dirname "$0")/../lib.sh"

b64sha() { printf '%s' "$1" | openssl dgst -sha256 -binary | openssl base64 -A; }
hexsha() { printf '%s' "$1" | openssl dgst -sha256 -r | cut -d' ' -f1; }
# deliver TYPE MEDIA-ID SHA256 WAMID [FROM]: one incoming media message.
deliver() {
	wa-webhook "$1" --media-id "$2" --sha256 "$3" --wamid "$4" \
		--from "${5:-15551234567}" --timestamp 1713290000 >"$T/d.json"
	wa-recv "$T/d.json" >/dev/null
}

start_fake
exits 0 "database created" wa-recv /dev/null
sql "INSERT INTO channels (id, waba_id, phone, connected_at)
     VALUES ('111111111111111', '100200300400500', '15550001111', 1700000000)"

# Seeded in the fake: 5000000000000001 "fake jpeg bytes" (image/jpeg),
# 5000000000000002 "%PDF-1.4 fake invoice", 5000000000000003 an Ogg header.
jpeg_hex=$(hexsha 'fake jpeg bytes')
deliver image 5000000000000001 "$(b64sha 'fake jpeg bytes')" wamid.IMG
deliver document 5000000000000002 "$(b64sha '%PDF-1.4 real invoice')" wamid.PDF
deliver image 5999999999999999 "$(b64sha 'gone')" wamid.GONE
deliver voice 5000000000000003 "$(printf 'T2dnUwACAAAAAAAAAAA=' | openssl base64 -d -A | openssl dgst -sha256 -binary | openssl base64 -A)" wamid.OGG 15557654321
is "$(sql "SELECT count(*) FROM messages WHERE media_state = 'pending'")" 4 "four media pending"

exits 78 "no token: exit 78" env -u WA_TOKEN wa-recv media
like "$(cat "$T/err")" "wa-recv: config: no access token*" "says the token is missing"
exits 64 "bad --thread" wa-recv media --thread abc
exits 64 "bad --limit" wa-recv media --limit 0
exits 64 "operand" wa-recv media extra

# ---- the first run ----
exits 1 "first run: some failed, exit 1" wa-recv media --json
is "$(jf 'select(.ok) | .wamid' | sort | tr '\n' ' ')" '"wamid.IMG" "wamid.OGG" ' "two downloaded"
is_json 'select(.wamid == "wamid.IMG") | [.ok, .media_id, .sha256, .bytes, .mime_type, .channel, .wa_id, .thread_id != null, .ticket_id != null]' \
	"[true,\"5000000000000001\",\"$jpeg_hex\",15,\"image/jpeg\",\"111111111111111\",\"15551234567\",true,true]" "the record carries the join keys, checksum and size"
path=$(jq -r 'select(.wamid == "wamid.IMG") | .path' "$T/out")
is "$path" "$WA_MEDIA_DIR/$(echo "$jpeg_hex" | cut -c1-2)/$jpeg_hex.jpg" "stored under WA_MEDIA_DIR by checksum"
is "$(cat "$path")" "fake jpeg bytes" "the file holds the bytes"
is "$(sql "SELECT media_state || ' ' || media_path FROM messages WHERE wamid = 'wamid.IMG'")" "done $path" "path and state recorded"
is "$(jq -r 'select(.wamid == "wamid.OGG") | .path' "$T/out" | sed 's/.*\.//')" ogg "an extension from the MIME type"
is_json 'select(.input.wamid == "wamid.PDF") | [.ok, .error.code, .action, .input.media_id]' '[false,"graph_error","retry","5000000000000002"]' "checksum mismatch: an error record"
like "$(jq -r 'select(.input.wamid == "wamid.PDF") | .error.message' "$T/out")" "sha256 mismatch: got *" "says the checksum did not match"
is "$(sql "SELECT media_state FROM messages WHERE wamid = 'wamid.PDF'")" failed "checksum mismatch: state failed"
like "$(sql "SELECT media_error FROM messages WHERE wamid = 'wamid.PDF'")" "sha256 mismatch*" "checksum mismatch: error kept"
is_json 'select(.input.wamid == "wamid.GONE") | [.ok, .error.code, .error.graph_code]' '[false,"graph_error",100]' "unknown media id: Graph's error"
is "$(sql "SELECT media_state FROM messages WHERE wamid = 'wamid.GONE'")" pending "unknown media id: stays pending"
like "$(sql "SELECT media_error FROM messages WHERE wamid = 'wamid.GONE'")" "*Graph API error 100*" "unknown media id: error kept"
like "$(cat "$T/err")" "*wa-recv: graph_error: sha256 mismatch*" "failures on stderr too"
[ -z "$(find "$WA_MEDIA_DIR" -name '.tmp.*')" ]; ok $? "no temporary files left behind"
is "$(find "$WA_MEDIA_DIR" -type f | wc -l)" 2 "only verified files are kept"

# ---- the second run retries only what is not done ----
fake_ctl reset >/dev/null
fake_ctl state '{"media":[{"id":"5000000000000002","mime_type":"application/pdf","content":"%PDF-1.4 real invoice"}]}' >/dev/null
exits 1 "second run: the unknown id still fails" wa-recv media
is "$(jf 'select(.ok) | .wamid')" '"wamid.PDF"' "second run: the mismatched one now verifies"
is "$(requests 'select(.path | test("^/5")) | .path' | sort | tr '\n' ' ')" '"/5000000000000002" "/5999999999999999" ' "second run: Graph asked only for the pending ones"
is "$(sql "SELECT media_state FROM messages WHERE wamid = 'wamid.PDF'")" done "now done"
is "$(sql "SELECT media_error IS NULL FROM messages WHERE wamid = 'wamid.PDF'")" 1 "the old error is cleared"

# ---- --thread, --limit ----
deliver image 5000000000000001 "$(b64sha 'fake jpeg bytes')" wamid.IMG2 15550009999
deliver image 5000000000000001 "$(b64sha 'fake jpeg bytes')" wamid.IMG3 15550008888
t2=$(sql "SELECT thread_id FROM messages WHERE wamid = 'wamid.IMG2'")
exits 0 "--thread: only that thread" wa-recv media --thread "$t2"
is "$(jf '.wamid')" '"wamid.IMG2"' "--thread: the one message"
is "$(jq -r .path "$T/out")" "$path" "same bytes, same file"
exits 1 "--limit 1: one handled (the oldest, still failing)" wa-recv media --limit 1
is "$(jf '.input.wamid')" '"wamid.GONE"' "--limit: oldest first"
exits 1 "unknown thread: exit 1" wa-recv media --thread 999
is_json '[.ok, .error.code, .input.thread_id]' '[false,"unknown_thread","999"]' "unknown thread: a result record, the id a string"
is_json '.thread_id' '"999"' "unknown thread: the join key at the top of the error record too"
exits 0 "a thread with nothing pending: exit 0" wa-recv media --thread "$t2"
is "$(wc -c <"$T/out")" 0 "nothing to print"

# ---- Graph errors ----
exits 77 "bad token: exit 77" env WA_TOKEN=wrong wa-recv media --pending
is_json '[.ok, .error.code, .error.graph_code]' '[false,"auth",190]' "bad token: an error record"
is "$(sql "SELECT media_state FROM messages WHERE wamid = 'wamid.IMG3'")" pending "bad token: still pending"
exits 69 "Graph unreachable: exit 69" env WA_GRAPH_URL=http://127.0.0.1:9/v25.0 wa-recv media
is "$(jf '.error.code' | sort -u)" '"network"' "unreachable: network error record"
is "$(wc -l <"$T/out")" 1 "a fatal error stops the run at once"
fake_ctl fault '{"method":"GET","path_suffix":"/_media/5000000000000001","times":1,"http":404,"code":100}' >/dev/null
exits 1 "the download URL fails once: exit 1" wa-recv media --limit 2
is "$(sql "SELECT media_state FROM messages WHERE wamid = 'wamid.IMG3'")" pending "a failed download stays pending"
exits 1 "next run: downloaded" wa-recv media
is "$(sql "SELECT media_state FROM messages WHERE wamid = 'wamid.IMG3'")" done "and is done on the next run"
is "$(sql "SELECT count(*) FROM messages WHERE media_state <> 'done'")" 1 "only the unknown id is left"

# ---- the man page's examples ----
exits 1 "wa-recv media --pending" wa-recv media --pending
exits 0 "wa-recv media --table" wa-recv media --thread "$t2" --table
done_testing

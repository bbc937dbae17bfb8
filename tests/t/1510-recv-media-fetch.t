#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-recv media against the fake Graph API: download, verify SHA-256, store by checksum; what failed for good or for now.
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
is_json 'select(.input.wamid == "wamid.PDF") | [.ok, .error.code, .action, .input.media_id, .media_state]' '[false,"graph_error","never","5000000000000002","failed"]' "checksum mismatch: an error record, failed for good"
like "$(jq -r 'select(.input.wamid == "wamid.PDF") | .error.message' "$T/out")" "sha256 mismatch: got *" "says the checksum did not match"
is "$(sql "SELECT media_state FROM messages WHERE wamid = 'wamid.PDF'")" failed "checksum mismatch: state failed"
like "$(sql "SELECT media_error FROM messages WHERE wamid = 'wamid.PDF'")" "sha256 mismatch*" "checksum mismatch: error kept"
is_json 'select(.input.wamid == "wamid.GONE") | [.ok, .error.code, .error.graph_code, .action, .media_state]' '[false,"graph_error",100,"never","failed"]' "unknown media id: Graph's error, failed for good"
is "$(sql "SELECT media_state FROM messages WHERE wamid = 'wamid.GONE'")" failed "unknown media id: marked failed"
like "$(sql "SELECT media_error FROM messages WHERE wamid = 'wamid.GONE'")" "unknown or expired media id: *Graph API error 100*" "unknown media id: the reason kept"
like "$(cat "$T/err")" "*wa-recv: graph_error: sha256 mismatch*" "failures on stderr too"
[ -z "$(find "$WA_MEDIA_DIR" -name '.tmp.*')" ]; ok $? "no temporary files left behind"
is "$(find "$WA_MEDIA_DIR" -type f | wc -l)" 2 "only verified files are kept"

# ---- the second run: nothing new, quiet ----
fake_ctl reset >/dev/null
exits 0 "second run: what failed for good is not tried again" wa-recv media
is "$(wc -c <"$T/out" | tr -d ' ')$(wc -c <"$T/err" | tr -d ' ')" 00 "second run: nothing printed"
is "$(nrequests)" 0 "second run: no Graph request"

# ---- --retry-failed forces ----
fake_ctl state '{"media":[{"id":"5000000000000002","mime_type":"application/pdf","content":"%PDF-1.4 real invoice"}]}' >/dev/null
exits 1 "--retry-failed: the unknown id still fails" wa-recv media --retry-failed
is "$(jf 'select(.ok) | .wamid')" '"wamid.PDF"' "--retry-failed: the mismatched one now verifies"
is "$(requests 'select(.path | test("^/5")) | .path' | sort | tr '\n' ' ')" '"/5000000000000002" "/5999999999999999" ' "--retry-failed: Graph asked only for those"
is "$(sql "SELECT media_state FROM messages WHERE wamid = 'wamid.PDF'")" done "now done"
is "$(sql "SELECT media_error IS NULL FROM messages WHERE wamid = 'wamid.PDF'")" 1 "the old error is cleared"
is "$(sql "SELECT media_state FROM messages WHERE wamid = 'wamid.GONE'")" failed "the unknown id stays failed"

# ---- --thread, --limit ----
deliver image 5000000000000001 "$(b64sha 'fake jpeg bytes')" wamid.IMG2 15550009999
deliver image 5000000000000001 "$(b64sha 'fake jpeg bytes')" wamid.IMG3 15550008888
deliver image 5000000000000001 "$(b64sha 'fake jpeg bytes')" wamid.IMG4 15550007777
t2=$(sql "SELECT thread_id FROM messages WHERE wamid = 'wamid.IMG2'")
exits 0 "--thread: only that thread" wa-recv media --thread "$t2"
is "$(jf '.wamid')" '"wamid.IMG2"' "--thread: the one message"
is "$(jq -r .path "$T/out")" "$path" "same bytes, same file"
exits 0 "--limit 1: one handled" wa-recv media --limit 1
is "$(jf '.wamid')" '"wamid.IMG3"' "--limit: oldest first"
exits 1 "unknown thread: exit 1" wa-recv media --thread 999
is_json '[.ok, .error.code, .input.thread_id]' '[false,"unknown_thread","999"]' "unknown thread: a result record, the id a string"
is_json '.thread_id' '"999"' "unknown thread: the join key at the top of the error record too"
exits 0 "a thread with nothing pending: exit 0" wa-recv media --thread "$t2"
is "$(wc -c <"$T/out")" 0 "nothing to print"

# ---- Graph errors: the run's, or the media's for now ----
img4() { sql "SELECT media_state || ' ' || media_attempts || ' ' || coalesce(CAST(media_retry_at - $WA_NOW AS TEXT), '-') FROM messages WHERE wamid = 'wamid.IMG4'"; }
exits 77 "bad token: exit 77" env WA_TOKEN=wrong wa-recv media --pending
is_json '[.ok, .error.code, .error.graph_code, .media_state, .retry_at]' '[false,"auth",190,"pending",null]' "bad token: an error record"
is "$(img4)" "pending 0 -" "bad token: still pending, no wait (not the media's fault)"
exits 69 "Graph unreachable: exit 69" env WA_GRAPH_URL=http://127.0.0.1:9/v25.0 wa-recv media
is "$(jf '.error.code' | sort -u)" '"network"' "unreachable: network error record"
is "$(wc -l <"$T/out")" 1 "a fatal error stops the run at once"
is "$(img4)" "pending 1 300" "unreachable: it waits 5 minutes"
is_json '.retry_at' '"2024-04-16T18:02:05Z"' "the record says until when"
exits 0 "a run before then skips it" wa-recv media
is "$(wc -c <"$T/out")" 0 "and says nothing"
fake_ctl fault '{"method":"GET","path_suffix":"/_media/5000000000000001","times":1,"http":404,"code":100}' >/dev/null
WA_NOW=$((WA_NOW + 300)) exits 1 "then the download URL fails once: exit 1" wa-recv media --limit 2
is_json '[.media_state, .action]' '["pending","retry"]' "a failed download (a stale URL) may pass"
is "$(img4)" "pending 2 900" "the wait doubles: 10 minutes more"
WA_NOW=$((WA_NOW + 899)) exits 0 "a second early" wa-recv media
is "$(wc -c <"$T/out")" 0 "still waiting"
WA_NOW=$((WA_NOW + 900)) exits 0 "next run after the wait: downloaded" wa-recv media
is "$(img4)" "done 2 -" "and done"
is "$(sql "SELECT count(*) FROM messages WHERE media_state <> 'done'")" 1 "only the unknown id is left"

# ---- the man page's examples ----
exits 0 "wa-recv media --pending" wa-recv media --pending
exits 0 "wa-recv media --table" wa-recv media --thread "$t2" --table
done_testing

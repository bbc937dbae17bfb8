#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-recv serve over loopback: handshake, signatures, 200 only after commit, raw garbage, 413, 404/405, exit codes.
. "$(dirname "$0")/../lib.sh"

WA_APP_SECRET=test-app-secret
WA_VERIFY_TOKEN='my verify+token'
export WA_APP_SECRET WA_VERIFY_TOKEN

# post FILE [SIGNATURE-HEADER-VALUE|-]: POSTs FILE; prints the HTTP status.
post() {
	if [ "${2:-}" = - ]; then
		curl -s -o "$T/resp" -w '%{http_code}' --data-binary @"$1" "$SRV/webhook"
	else
		curl -s -o "$T/resp" -w '%{http_code}' -H "X-Hub-Signature-256: ${2:-$(sig "$1")}" \
			--data-binary @"$1" "$SRV/webhook"
	fi
}
get() { curl -s -o "$T/resp" -w '%{http_code}' "$SRV$1"; }
rows() { sql "SELECT count(*) FROM deliveries"; }

# A connected channel, so deliveries become threads and tickets.
exits 0 "database created" wa-recv /dev/null
sql "INSERT INTO channels (id, waba_id, phone, connected_at)
     VALUES ('111111111111111', '100200300400500', '15550001111', 1700000000)"

# ---- refusing to start ----
exits 78 "no WA_APP_SECRET: refuses to start" env -u WA_APP_SECRET wa-recv serve --listen 127.0.0.1:0
like "$(cat "$T/err")" "wa-recv: config: WA_APP_SECRET is not set*--no-verify-signature*" "says why and what to do"
exits 64 "serve without --listen" wa-recv serve
exits 64 "malformed --listen" wa-recv serve --listen localhost
exits 64 "bad port" wa-recv serve --listen 127.0.0.1:70000
exits 64 "operand" wa-recv serve --listen 127.0.0.1:0 extra
exits 64 "bad --max-body" wa-recv serve --listen 127.0.0.1:0 --max-body 1k
exits 64 "--path must be absolute" wa-recv serve --listen 127.0.0.1:0 --path webhook
exits 0 "--help" wa-recv serve --help
like "$(cat "$T/out")" "*wa-recv serve --listen ADDR:PORT*--no-verify-signature*" "--help shows the serve synopsis"
exits 74 "port file that cannot be written" wa-recv serve --listen 127.0.0.1:0 --port-file "$T/no/such/dir/port"

start_serve
like "$(cat "$T/srv.err")" "wa-recv: listening on 127.0.0.1:0 (port *), path /webhook" "says where it listens"

# ---- the GET handshake ----
is "$(get '/webhook?hub.mode=subscribe&hub.verify_token=my%20verify%2Btoken&hub.challenge=1158201444')" 200 "handshake: 200"
is "$(cat "$T/resp")" 1158201444 "handshake: echoes hub.challenge"
is "$(get '/webhook?hub.mode=subscribe&hub.verify_token=my+verify+token&hub.challenge=1')" 403 "handshake: '+' is a space, so the token differs: 403"
is "$(get '/webhook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1')" 403 "handshake: wrong token 403"
is "$(get '/webhook?hub.mode=unsubscribe&hub.verify_token=my%20verify%2Btoken&hub.challenge=1')" 403 "handshake: wrong mode 403"
is "$(get '/webhook')" 403 "bare GET 403"
is "$(get '/other')" 404 "other path 404"
is "$(curl -s -o /dev/null -w '%{http_code}' -X PUT --data x "$SRV/webhook")" 405 "PUT 405"

# ---- signatures: 401 and nothing stored ----
wa-webhook text --wamid wamid.SRV1 --text "hello from serve" --timestamp 1713290000 >"$T/d1.json"
before=$(rows)
is "$(post "$T/d1.json" -)" 401 "no signature: 401"
is "$(post "$T/d1.json" 'sha256=0000000000000000000000000000000000000000000000000000000000000000')" 401 "wrong signature: 401"
is "$(post "$T/d1.json" 'sha1=abc')" 401 "sha1 header: 401"
sed 's/hello from serve/hello from evil/' "$T/d1.json" >"$T/tampered.json"
is "$(post "$T/tampered.json" "$(sig "$T/d1.json")")" 401 "tampered body, old signature: 401"
is "$(rows)" "$before" "nothing stored for a refused delivery"
is "$(sql "SELECT count(*) FROM messages")" 0 "no message derived"

# ---- a good delivery: 200 only after commit ----
is "$(post "$T/d1.json")" 200 "signed delivery: 200"
is "$(rows)" $((before + 1)) "stored by the time the 200 arrived"
is "$(sql "SELECT source || ' ' || state FROM deliveries ORDER BY id DESC LIMIT 1")" "http ok" "stored as source http"
is "$(sql "SELECT signature = '$(sig "$T/d1.json")' FROM deliveries ORDER BY id DESC LIMIT 1")" 1 "the signature is kept with the raw body"
is "$(sql "SELECT $BODY_TEXT FROM deliveries ORDER BY id DESC LIMIT 1")" "$(cat "$T/d1.json")" "the raw bytes are kept"
is "$(sql "SELECT text FROM messages WHERE wamid = 'wamid.SRV1'")" "hello from serve" "message derived"
is "$(post "$T/d1.json")" 200 "the same delivery again: 200"
is "$(sql "SELECT count(*) FROM messages WHERE wamid = 'wamid.SRV1'")" 1 "and no second message"

# ---- signed garbage: stored raw, 200, reported ----
printf 'this is not JSON {' >"$T/garbage"
is "$(post "$T/garbage")" 200 "signed garbage: 200"
is "$(sql "SELECT state FROM deliveries ORDER BY id DESC LIMIT 1")" error "signed garbage: stored with state error"
printf '{"object":"page","entry":[]}' >"$T/notwa"
is "$(post "$T/notwa")" 200 "signed JSON that is not a WhatsApp delivery: 200"

# ---- sizes ----
head -c 3300000 /dev/zero | tr '\0' 'x' >"$T/big"
is "$(post "$T/big")" 413 "over 3 MiB + 64 KiB: 413"
n=$(rows)
stop_serve
is "$srv_rc" 0 "SIGTERM: exit 0"
is "$(rows)" "$n" "413: nothing stored"
is_json 'select(.event == "message") | [.wamid, .channel, .wa_id, .new_ticket]' '["wamid.SRV1","111111111111111","15551234567",true]' "events on stdout" "$T/srv.out"
is "$(jf 'select(.event == "error") | .event' "$T/srv.out" | sort -u)" '"error"' "garbage reported on stdout"
like "$(cat "$T/srv.err")" "*wa-recv: invalid_input: body is not JSON*" "garbage reported on stderr"
like "$(cat "$T/srv.err")" "*HTTP 401: missing X-Hub-Signature-256*" "a 401 is logged on stderr"
like "$(cat "$T/srv.err")" "*HTTP 413*" "a 413 is logged on stderr"
like "$(cat "$T/srv.err")" "*wa-recv: stopped: 4 deliveries stored*" "summary on stop"
if grep -q "$WA_APP_SECRET" "$T/srv.err" "$T/srv.out" || sql "SELECT * FROM deliveries" | grep -q "$WA_APP_SECRET"; then
	ok 1 "the app secret appears nowhere"
else
	ok 0 "the app secret appears nowhere"
fi

# ---- --max-body, --path, SIGINT ----
start_serve --max-body 1000 --path /hooks/wa
head -c 1001 /dev/zero | tr '\0' 'y' >"$T/k1"
head -c 1000 /dev/zero | tr '\0' 'y' >"$T/k0"
is "$(curl -s -o /dev/null -w '%{http_code}' -H "X-Hub-Signature-256: $(sig "$T/k1")" --data-binary @"$T/k1" "$SRV/hooks/wa")" 413 "--max-body 1000: 1001 bytes 413"
is "$(curl -s -o /dev/null -w '%{http_code}' -H "X-Hub-Signature-256: $(sig "$T/k1")" -H 'Transfer-Encoding: chunked' --data-binary @"$T/k1" "$SRV/hooks/wa")" 413 "chunked, no length: 413 too"
is "$(curl -s -o /dev/null -w '%{http_code}' -H "X-Hub-Signature-256: $(sig "$T/k0")" --data-binary @"$T/k0" "$SRV/hooks/wa")" 200 "1000 bytes 200"
is "$(post "$T/k0")" 404 "--path: /webhook is 404 now"
stop_serve INT
is "$srv_rc" 0 "SIGINT: exit 0"

# ---- --no-verify-signature ----
start_serve --no-verify-signature
like "$(cat "$T/srv.err")" "*signatures NOT checked*" "says signatures are not checked"
n=$(rows)
wa-webhook image --wamid wamid.SRV3 >"$T/d3.json"
is "$(post "$T/d3.json" -)" 200 "--no-verify-signature: unsigned 200"
is "$(rows)" $((n + 1)) "--no-verify-signature: stored"
stop_serve
exits 0 "no WA_APP_SECRET is fine with --no-verify-signature" sh -c '
	unset WA_APP_SECRET
	wa-recv serve --listen 127.0.0.1:0 --no-verify-signature --port-file "$1" 2>/dev/null &
	p=$!; i=0; while [ ! -s "$1" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
	kill -TERM $p; wait $p' sh "$T/p2"

# ---- exit codes: address in use, stdout gone ----
start_serve
port=$(cat "$T/srv.port")
exits 75 "address in use" wa-recv serve --listen "127.0.0.1:$port"
like "$(cat "$T/err")" "wa-recv: busy: cannot listen on '127.0.0.1:$port': *" "says the address is in use"
stop_serve
rm -f "$T/srv.port"
wa-recv serve --listen 127.0.0.1:0 --port-file "$T/srv.port" >&- 2>"$T/srv.err" &
srv_pid=$!
i=0; while [ ! -s "$T/srv.port" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
SRV="http://127.0.0.1:$(cat "$T/srv.port")"
wa-webhook text --wamid wamid.SRV2 >"$T/d2.json"
is "$(post "$T/d2.json")" 200 "closed stdout: the delivery is still stored first"
wait "$srv_pid"
is "$?" 74 "closed stdout: stops with exit 74"
srv_pid=
is "$(sql "SELECT count(*) FROM messages WHERE wamid = 'wamid.SRV2'")" 1 "and the delivery is in the database"
done_testing

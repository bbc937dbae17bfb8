#!/bin/sh
# SPDX-License-Identifier: MIT
# Configuration errors say what is wrong and exit 78: *_FILE secrets, WA_GRAPH_URL, malformed numbers and codes.
. "$(dirname "$0")/../lib.sh"
start_fake
wa-connect add --waba 100200300400500 --phone-number-id 111111111111111 >/dev/null
fake_ctl reset >/dev/null

# ---- WA_TOKEN_FILE that is of no use names the file ----------------
WA_TOKEN= WA_TOKEN_FILE="$T/no-such-token" exits 78 "a token file that is not there" wa-template sync
like "$(cat "$T/err")" "wa-template: config: WA_TOKEN_FILE: cannot read '$T/no-such-token': No such file or directory" "names the variable and the file"
: >"$T/empty-token"
WA_TOKEN= WA_TOKEN_FILE="$T/empty-token" exits 78 "an empty token file" wa-connect profile 111111111111111
like "$(cat "$T/err")" "*WA_TOKEN_FILE: '$T/empty-token' is empty" "says it is empty"
WA_TOKEN= WA_TOKEN_FILE="$T" exits 78 "a directory as token file" wa-recv media --pending
like "$(cat "$T/err")" "*WA_TOKEN_FILE: cannot read '$T'*" "names it"
printf 'secret-token-text\n' >"$T/tok"
chmod 000 "$T/tok"
if [ "$(id -u)" -ne 0 ]; then
	WA_TOKEN= WA_TOKEN_FILE="$T/tok" exits 78 "an unreadable token file" wa-template sync
	like "$(cat "$T/err")" "*WA_TOKEN_FILE: cannot read '$T/tok': Permission denied" "says permission denied"
else
	ok 0 "# skip unreadable file: root reads everything"
	ok 0 "# skip"
fi
chmod 600 "$T/tok"
is "$(nrequests)" 0 "no request reached Meta"
WA_TOKEN= WA_TOKEN_FILE="$T/no-such-token" exits 0 "a command that needs no token is not held up" wa-connect list
WA_APP_SECRET_FILE="$T/no-such-secret" exits 78 "serve: an app secret file that is not there" \
	wa-recv serve --listen 127.0.0.1:0
like "$(cat "$T/err")" "wa-recv: config: WA_APP_SECRET_FILE: cannot read '$T/no-such-secret'*" "names it"
WA_APP_SECRET=s WA_VERIFY_TOKEN_FILE="$T/no-such-verify" exits 78 "serve: a verify token file that is not there" \
	wa-recv serve --listen 127.0.0.1:0
like "$(cat "$T/err")" "*WA_VERIFY_TOKEN_FILE: cannot read*" "names it"

# ---- WA_GRAPH_URL: malformed or plain http elsewhere is configuration
for u in "graph.facebook.com/v25.0" "htps://graph.facebook.com/v25.0" "https://" \
	"https://graph.facebook.com:99999/v25.0" "https://user@graph.facebook.com/v25.0" \
	"https://graph facebook.com/v25.0" "https://graph.facebook.com/v25.0?x=1"; do
	WA_GRAPH_URL="$u" exits 78 "WA_GRAPH_URL='$u'" wa-template sync
	like "$(cat "$T/err")" "wa-template: config: WA_GRAPH_URL: '$u' is not a URL like https://*" "says why"
done
WA_GRAPH_URL=http://graph.facebook.com/v25.0 exits 78 "plain http to another machine" wa-send --to 15551234567 --text hi
like "$(cat "$T/err")" "*WA_GRAPH_URL: 'http://graph.facebook.com/v25.0' is plain http to another machine*" "not 4 retries and 'network'"
grep -q . "$T/out"; ok $(( ! $? )) "no result record: nothing was tried"
WA_GRAPH_URL=http://localhost.example.com/v25.0 exits 78 "a name that starts like localhost is not loopback" wa-template sync
WA_GRAPH_URL=http://127.0.0.1.example.com/v25.0 exits 78 "nor one that starts like 127." wa-template sync
WA_GRAPH_URL="$FAKE/v25.0/" exits 0 "the fake on loopback, trailing slash" wa-template sync
WA_GRAPH_URL="http://localhost:$(cat "$T/fake.port")/v25.0" exits 0 "localhost by name" wa-template sync

# ---- malformed variables are refused naming the variable ------------
for v in "WA_NOW=yesterday" "WA_NOW=-5" "WA_GRAPH_RETRIES=four" "WA_GRAPH_RETRIES=0" \
	"WA_GRAPH_BACKOFF_MS=1s" "WA_GRAPH_TIMEOUT_MS=5" "WA_DEFAULT_CC=DE" \
	"WA_DEFAULT_CC=0049" "WA_DEFAULT_CC=+12345"; do
	name=${v%%=*}
	for c in "wa-quota" "wa-view list" "wa-send --to 15551234567 --text hi"; do
		exits 78 "$v: $c" env "$v" $c
	done
	like "$(cat "$T/err")" "wa-send: config: $name: '${v#*=}' is not *" "names $name"
done
WA_DEFAULT_CC=+49 exits 0 "WA_DEFAULT_CC=+49 is a code" wa-view contacts add --name Hans --phone "030 1234567"
is_json .phone '"49301234567"' "and is used"
WA_NOW= exits 0 "an empty variable is unset" wa-quota
done_testing

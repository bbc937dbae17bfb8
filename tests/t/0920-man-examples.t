#!/bin/sh
# SPDX-License-Identifier: MIT
# Every command of the EXAMPLES of every man page (man/*.1 *.5 *.7) runs as written, taken from the page by scripts/man-examples, in a sandbox of its page: a fake Graph API, a database and a home of its own.
#
# The sandbox of a page: a new database ($WA_DB), media directory, home
# ($HOME, with mail(1) and $EDITOR stand-ins that keep what they are given)
# and $TMPDIR; the fake Graph API (tests/fake-graph) with its seed, except for
# fake-graph(1), whose examples start their own; WA_APP_SECRET and WA_TOKEN
# set as for any test. The system directories an example names (/tmp, /srv,
# /var/log, /var/tmp, /var/backups) are directories of the sandbox, and
# 127.0.0.1:8080 a free port.
# A page's commands run in order in one shell, so that what one sets the
# next finds; a command ending in & is a server: the next one starts when it
# listens (and has written the --port-file it names), as a person typing it
# would. Each command must exit 0 with nothing on standard error, unless
# its page says otherwise below (exits_with, stderr_ok: what the page
# documents); what it must have done is checked after it
# (expect_PAGE). The PostgreSQL database of the examples
# (postgresql://wa@db1/wa) is a file of the sandbox. The data a page's examples talk about (threads, files) is
# made by prep_PAGE with the tools themselves.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/fixtures/view/seed.sh"

# ---- what each page's examples need, and what they must do ------------

# about FRAGMENT: the example checked is still the one the page shows.
about() {
	case $cmd in
	*"$1"*) ;;
	*) ok 1 "$name $i: the page's example $i no longer contains '$1': update its checks"
	   return 1 ;;
	esac
}
stderr_ok() { stderr_allowed=1; }
# exits_with N: the example's documented exit status is N, not 0.
exits_with() { want_rc=$1; }

prep_fake_graph_1() { :; }
expect_fake_graph_1() {
	case $i in
	5) about "wa-send --to +15551234567" &&
	   is "$(jq -c '[.ok, .wa_id]' "$OUT")" '[true,"15551234567"]' "$name: the reply went through the fake" ;;
	9) about "_fake/requests" &&
	   is "$(jq -c . "$OUT" | tr '\n' ' ')" '["/111111111111111/messages",400] ["/111111111111111/messages",400] ' \
		"$name: the two throttled sends are in the request log" ;;
	esac
}

prep_wa_config_5() {
	start_fake
	unset WA_TOKEN
	cat >"$SB/bin/editor" <<'EOF'
#!/bin/sh
# The person at the editor types the token.
printf 'test-token\n' >"$1"
EOF
	chmod +x "$SB/bin/editor"
	EDITOR=editor
	export EDITOR
}
expect_wa_config_5() {
	case $i in
	1) about "install" && is "$(stat -c %a "$HOME/.config/wa/token")" 600 "$name: the token file is mode 600" ;;
	3) about "wa-connect add" &&
	   is "$(jq -r .channel "$OUT")" 111111111111111 "$name: connected with the token from the file, on a new database"
	   [ ! -e "$WA_DB" ]; ok $? "$name: and not the usual one" ;;
	esac
}

prep_wa_connect_1() {
	start_fake
	# a number connected before it was registered
	unreg=$(wa-connect add-number --waba 100200300400500 --cc 1 --number '555 010 3333' --display-name Acme | jq -r .phone_number_id)
	wa-connect add --waba 100200300400500 --phone-number-id "$unreg" >/dev/null
}
expect_wa_connect_1() {
	case $i in
	1) about "--phone" &&
	   is "$(jq -r .phone "$OUT")" 15550100000 "$name: the business's number, normalised" ;;
	2) about "add-number" &&
	   like "$id" "1[0-9]*" "$name: the new phone-number id is kept" ;;
	3) about "request-code" &&
	   is "$(jq -c '[.ok, .phone_number_id]' "$OUT")" "[true,\"$id\"]" "$name: a code is on its way to the new number" ;;
	5) about "register" &&
	   is "$(jq -c '[.ok, .phone_number_id]' "$OUT")" "[true,\"$id\"]" "$name: registered before it is connected" ;;
	6) about "--phone-number-id \"\$id\"" &&
	   is "$(jq -c '[.channel, .phone, .status, .code_verification_status, .platform_type]' "$OUT")" \
		"[\"$id\",\"15550104444\",\"connected\",\"VERIFIED\",\"CLOUD_API\"]" "$name: connected, verified and registered" ;;
	7) about "profile" &&
	   is "$(jq -c '[.about, .websites]' "$OUT")" '["Support, 9-5",["https://acme.example"]]' "$name: profile set" ;;
	8) about "group_by(.waba_id)" &&
	   is "$(jq -c . "$OUT")" '[{"waba_id":"100200300400500","connected":2}]' "$name: connected numbers per WABA" ;;
	9) about "CLOUD_API" &&
	   is "$(cat "$OUT")" "$unreg" "$name: the number never registered" ;;
	esac
}

prep_wa_quota_1() {
	seed_day >/dev/null
	wa-quota set --limit 1 >/dev/null
	inbound_day 15553330001 600
	wa-send --to 15553330001 --text 'Hello' >/dev/null
}
expect_wa_quota_1() {
	case $i in
	1) about "--table" && like "$(cat "$OUT")" "*limit: *1*used: *remaining: *" "$name: key: value lines" ;;
	2) about "mail -s quota ops" &&
	   is "$(cat "$SB/mail.args" 2>&1)" "-s quota ops" "$name: over 90 %, the status is mailed" &&
	   like "$(cat "$SB/mail.body")" '*"used":*' "$name: the status is the mail" ;;
	4) about "--limit 2000" &&
	   is "$(wa-quota | jq -c '[.limit, .period_start]')" '[2000,"2024-03-31T00:00:00Z"]' "$name: the limit and the period from the 31st" ;;
	esac
}

prep_wa_records_5() {
	connected 1
	inbound_day 15551234567 600
	printf '%s\n' '{"to":"15551234567","text":"a"}' '{"to":"15550000000","text":"b"}' >replies.jsonl
	fake_ctl fault '{"method":"POST","path_suffix":"/messages","code":131056,"times":100}' >/dev/null
	WA_GRAPH_RETRIES=1
	export WA_GRAPH_RETRIES
}
expect_wa_records_5() {
	case $i in
	1) about "again.jsonl" && stderr_ok &&
	   is "$(cat again.jsonl)" '{"to":"15551234567","text":"a"}' "$name: the retryable input, ready to resend" ;;
	esac
}

prep_wa_recv_1() {
	connected 1
	t0=$((WA_NOW - 300))
	wa-webhook text --from 15551230001 --wamid wamid.X1 --timestamp $t0 --text first >webhook-dump.jsonl
	wa-webhook text --from 15551230001 --wamid wamid.X2 --timestamp $((t0 + 1)) --text second >>webhook-dump.jsonl
	mkdir saved
	wa-webhook text --from 15551230002 --wamid wamid.X3 --timestamp $t0 --text 'from Bea' >saved/a.json
	wa-webhook text --from 15551230002 --wamid wamid.X4 --timestamp $((t0 + 1)) --text 'Bea again' >saved/b.json
	echo '{"event":"message","wamid":"wamid.X1","seq":1}' >seen.jsonl
}
expect_wa_recv_1() {
	case $i in
	1) about "webhook-dump.jsonl" && is "$(jq -r .wamid "$OUT" | tr '\n' ' ')" "wamid.X1 wamid.X2 " "$name: both messages" ;;
	2) about "new_ticket" && is "$(jq -c '[.wamid, .new_ticket]' "$OUT")" '["wamid.X3",true]' "$name: only the new ticket" ;;
	3) about "seen.jsonl" && is "$(jq -r .seq seen.jsonl | tr '\n' ' ')" "1 2 3 4 " "$name: the consumer caught up from seq 1" ;;
	4) about "replay" && [ -f "$SB/var/log/wa-replay.jsonl" ]; ok $? "$name: the replay log is written" ;;
	esac
}

HBGL=wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQ=
prep_wa_send_1() {
	connected 2
	inbound_day 15551234567 600
	for n in 2 3 4 5 6; do inbound_day 1555100000$n 7200; done
	inbound_day 15557654321 $((86400 - 1800))
	inbound_day 15551234567 300 "$HBGL"
	printf '\377\330\377\340' >photo.jpg
	head -c 100 /dev/zero >>photo.jpg
	printf '%s\n' '{"to":"15551000002","text":"Your refund is on its way"}' \
		'{"to":"15550000000","text":"Hello?"}' >replies.jsonl
}
expect_wa_send_1() {
	case $i in
	1) about "--to '+1 555 123 4567'" && is "$(jq -c '[.ok, .thread_id]' "$OUT")" '[true,"1"]' "$name: sent in thread 1" ;;
	2) about "--thread 7" && about "$HBGL" &&
	   is "$(jq -c '[.ok, .thread_id, .type]' "$OUT")" '[true,"7","image"]' "$name: a picture in thread 7" &&
	   is "$(requests 'select(.path | endswith("/messages")) | .body.context.message_id' | tail -1)" "\"$HBGL\"" "$name: quoting the question" ;;
	3) about "closing:1h" && is "$(jq -c '[.ok, .wa_id]' "$OUT")" '[true,"15557654321"]' "$name: only the session closing within the hour" ;;
	4) about "failed.jsonl" && stderr_ok &&
	   is "$(jq -c '[.line, .error.code]' failed.jsonl)" '[2,"window_closed"]' "$name: the failures kept" ;;
	esac
}

prep_wa_template_1() {
	connected 1
	inbound_day 15552000001 84000
	inbound_day 15552000002 600
	mkdir -p "$SB/srv/crm" "$SB/var/log/wa"
	printf '%s\n' '{"to":"+15551000001","params":["Ann","#1"]}' '{"to":"+15551000002","params":["Bob","#2"]}' \
		>"$SB/srv/crm/shipped.jsonl"
	cp "$top/tests/fixtures/templates/spring_sale.json" .
	# The template files pulled here are the ones the server keeps in git.
	ln -s "$SB/work/templates" "$SB/srv/templates"
}
# meta_text ID: the body text of template ID at Meta.
meta_text() {
	curl -s -H "Authorization: Bearer $WA_TOKEN" "$WA_GRAPH_URL/$1" |
		jq -r '.components[] | select(.type == "BODY") | .text'
}
expect_wa_template_1() {
	case $i in
	2) about "show order_update" && is "$(jq -c .params.body "$OUT")" '["1","2"]' "$name: show says what to pass" ;;
	3) about "--param 1=Ann" && is "$(jq -c '[.ok, .wa_id]' "$OUT")" '[true,"15551234567"]' "$name: sent" ;;
	4) about "shipped.jsonl" &&
	   is "$(jq -c '[.ok, .wa_id]' "$SB/var/log/wa/shipped.jsonl" | tr '\n' ' ')" '[true,"15551000001"] [true,"15551000002"] ' \
		"$name: one result per customer in the log" ;;
	5) about "closing:1h" && is "$(jq -c '[.ok, .wa_id]' "$OUT")" '[true,"15552000001"]' "$name: only the thread closing within the hour" ;;
	7) about "--dry-run" && is "$(jq -r .request.path "$OUT")" /111111111111111/messages "$name: through /messages" ;;
	9) about "PENDING" && like "$(jq -r .name "$OUT" | tr '\n' ' ')" "*spring_sale*" "$name: the new template waits for review" ;;
	10) about "pull templates" &&
	    is "$(jq -r 'select(.name == "order_update") | .file' "$OUT" | tr '\n' ' ')" \
		"templates/order_update.en_US.json templates/order_update.es.json " "$name: a file per language" ;;
	11) about "s/is on its way/ships today/" &&
	    is "$(jq -r '.components[0].text' templates/order_update.en_US.json)" \
		"Hi {{1}}, order {{2}} ships today." "$name: the file edited" ;;
	12) about "lint templates/*.json && wa-template diff templates" && exits_with 1 &&
	    is "$(jq -c 'select(.change) | [.change, .name, .language, .fields]' "$OUT")" \
		'["changed","order_update","en_US",["components[0]"]]' "$name: diff shows the edit, and exits 1" ;;
	13) about "--dry-run" &&
	    is "$(meta_text 1000000000000001)" "Hi {{1}}, order {{2}} is on its way." "$name: nothing pushed" ;;
	14) about "push templates" &&
	    is "$(jq -c '[.ok, .op, .name]' "$OUT")" '[true,"edit","order_update"]' "$name: pushed" &&
	    is "$(meta_text 1000000000000001)" "Hi {{1}}, order {{2}} ships today." "$name: Meta has the edit" ;;
	15) about "lint templates/*.json" &&
	    is "$(jq -c .ok "$OUT" | sort | uniq -c | tr -s ' ')" " $(ls templates | wc -l) true" "$name: every file passes" ;;
	16) about "mail -s 'templates changed' ops" &&
	    is "$(cat "$SB/mail.args" 2>&1)" "-s templates changed ops" "$name: mailed" &&
	    is "$(jq -c '[.change, .name, .from, .to]' "$SB/mail.body")" '["status","order_update","APPROVED","PENDING"]' \
		"$name: that Meta reviews the edit" ;;
	esac
}

prep_wa_view_1() {
	seed_day >/dev/null
	wa-template sync >/dev/null
	inbound_day 15551230007 3600
	is "$(sql "SELECT count(*) FROM tickets WHERE id = 7")" 1 "$name: the sandbox has ticket 7"
	printf '{"name":"Ann","phone":"+15551230001"}\n{"name":"Zed","phone":"+15559999999"}\n' >crm.jsonl
	# ticket 8, bob's before there are agents; ann is at the desk
	inbound_day 15551230008 1800
	wa-view assign 8 bob >/dev/null
	WA_USER=ann
	export WA_USER
	# watch: ticket 8 changes hands (ann's, then bob's) while the
	# notifier runs; the desktop and the pager keep what they are given
	for b in notify-send page-oncall; do
		printf '#!/bin/sh\nprintf "%%s\\n" "$*" >>"%s/%s.calls"\n' "$SB" "$b" >"$SB/bin/$b"
		chmod +x "$SB/bin/$b"
	done
	echo '{"event":"message","seq":3}' >seen.jsonl
}
# hands_over: ticket 8 goes to the user and back to bob until $SB/handed exists.
hands_over() {
	while [ ! -e "$SB/handed" ]; do
		wa-view assign 8 "$WA_USER" && wa-view assign 8 bob && sleep 0.2
	done >/dev/null 2>&1
}
expect_wa_view_1() {
	case $i in
	1) about "--unassigned" && is "$(jq -r .thread_id "$OUT")" 2 "$name: Bob's session closes within the hour" ;;
	2) about "wa-send" && is "$(jq -c '[.ok, .wa_id]' "$OUT")" '[true,"15551230002"]' "$name: Bob is reminded" ;;
	3) about "--window closed" && is "$(jq -c '[.ok, .wa_id, .type]' "$OUT")" '[true,"15551230003","template"]' "$name: Cy gets the template" ;;
	5) about "assign 7" && is "$(sql "SELECT status || ' ' || owner FROM tickets WHERE id = 7")" "closed ann" "$name: taken and closed" ;;
	6) about "crm.jsonl" && is "$(jq -r .name "$OUT")" Ann "$name: only Ann wrote before" ;;
	7) about "--peek" && is "$(sql "SELECT unread FROM threads WHERE id = 1")" 2 "$name: thread 1 stays unread" ;;
	8) about "audit --subject ticket:7" && is "$(jq -c '[.action, .subject]' "$OUT")" '["ticket.close","ticket:7"]' "$name: the close is logged" ;;
	9) about "audit --anchor" && is "$(cat "$SB/var/backups/wa-audit.head")" "$(sql "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")" "$name: the head is kept" ;;
	10) about "--verify --anchor" && is "$(jq -c '[.ok, .anchor_id == .entries]' "$OUT")" '[true,true]' "$name: the chain holds up to the head" ;;
	12) about "agents add bob" && is "$(jq -c '[.teams, .skills]' "$OUT")" '[["support"],["billing","es"]]' "$name: bob's teams and skills" ;;
	14) about "least-open" && is "$(sql "SELECT group_concat(name, ' ') FROM (SELECT name FROM routes ORDER BY priority, name)")" \
		"refunds rest" "$name: two rules, in the order they are tried" ;;
	15) about "route test 8" && like "$(tail -1 "$OUT")" "*routed*ann*" "$name: ann would get ticket 8 (bob has one open)" ;;
	17) about "xargs -n1 wa-view unassign" &&
	    is "$(sql "SELECT coalesce(owner, 'none') FROM tickets WHERE id = 8")" none "$name: bob's ticket is back in the queue"
	   hands_over &
	   bgpids="$bgpids $!" ;;
	18) about "notify-send" && touch "$SB/handed" &&
	   is "$(wc -l <"$SB/notify-send.calls" | tr -d ' ')" 2 "$name: two notifications" &&
	   like "$(head -1 "$SB/notify-send.calls")" 'WhatsApp {"event":"ticket","action":"assign",*' "$name: each an event about the user's ticket" ;;
	19) about "page-oncall" && is "$(cat "$SB/page-oncall.calls")" "reply to 15551230002" "$name: Bob's window has 175 s left" ;;
	20) about "seen.jsonl" &&
	   is "$(jq .seq seen.jsonl | tail -1)" "$(wa-recv events | tail -1 | jq .seq)" "$name: up to the last event" &&
	   is "$(jq .seq seen.jsonl | sort -n | uniq -d)" "" "$name: none twice" ;;
	esac
}

prep_wa_webhook_1() {
	WA_NOW=$((WA_NOW - 86400)) wa-recv /dev/null
	sql "INSERT INTO channels (id, waba_id, phone, connected_at) VALUES ('$CH1', '100200300400500', '15550001111', 0)"
}
expect_wa_webhook_1() {
	case $i in
	1) about "Where is my order?" && is "$(jq -r .text "$OUT")" "Where is my order?" "$name: the message is on the desk" ;;
	3) about "image --post" && is "$(sql "SELECT type FROM messages ORDER BY id DESC LIMIT 1")" image "$name: the posted image is stored" ;;
	4) about "--unsigned" && stderr_ok && is "$(cat "$OUT")" refused "$name: the unsigned delivery is refused" ;;
	5) about "status --status read" && is "$(jq -r .event "$OUT")" status "$name: a status event" ;;
	esac
}

prep_wa_db_1() {
	seed_day >/dev/null
	cp "$WA_DB" wa.db
}
expect_wa_db_1() {
	case $i in
	2) about "backup" &&
	   is "$(sqlite3 "$SB/var/backups/wa.db" 'SELECT count(*) FROM messages')" \
		"$(sql 'SELECT count(*) FROM messages')" "$name: the backup has every message" ;;
	3) about "copy" &&
	   is "$(jq -c 'select(.same != true)' "$OUT" | wc -l)" 0 "$name: every table copied the same" ;;
	esac
}

prep_wa_deploy_7() {
	wa-db migrate >/dev/null
}
expect_wa_deploy_7() { :; }

prep_wa_7() {
	start_fake
	wa-webhook text --from 15552220000 --wamid wamid.EX1 --text 'hello?' >delivery.json
}
expect_wa_7() {
	case $i in
	3) about "list --unassigned" && is "$(jq -r .thread_id "$OUT")" 1 "$name: the new ticket" ;;
	4) about "On it!" &&
	   is "$(sql "SELECT owner FROM tickets WHERE id = 1")" ann "$name: assigned" &&
	   is "$(sql "SELECT direction || ':' || text FROM messages ORDER BY id" | tr '\n' ' ')" "in:hello? out:On it! " "$name: and answered" ;;
	esac
}

# connected DAYS: the fake Graph API, and channel 1 connected DAYS days ago.
connected() {
	start_fake
	WA_NOW=$((WA_NOW - 86400 * $1)) wa-connect add --waba 100200300400500 --phone-number-id $CH1 >/dev/null
}
# inbound_day WA_ID AGE [WAMID]: a text from WA_ID stamped AGE seconds ago.
inbound_day() {
	wa-webhook text --from "$1" --timestamp $((WA_NOW - $2)) ${3:+--wamid "$3"} | wa-recv >/dev/null
}

# ---- the runner --------------------------------------------------------

# listening PID: PID has a listening TCP socket.
listening() {
	for fd in /proc/"$1"/fd/*; do
		ino=$(readlink "$fd" 2>/dev/null) || continue
		case $ino in socket:*) ;; *) continue ;; esac
		ino=${ino#socket:[}
		ino=${ino%]}
		awk -v i="$ino" '$4 == "0A" && $10 == i { f = 1 } END { exit !f }' /proc/net/tcp /proc/net/tcp6 && return 0
	done
	return 1
}
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# run_example: example $i of the page, in this shell.
run_example() {
	cmd=$(cat "$SB/ex/EXAMPLES.$i")
	OUT="$SB/out.$i" ERR="$SB/err.$i"
	printf '%s\n' "$cmd" | sed -E \
		-e "s#(^|[[:space:]=<>\"'(])/(tmp|srv|var/log|var/tmp|var/backups)/#\\1$SB/\\2/#g" \
		-e "s#postgresql://wa@db1/wa#$SB/pg.db#g" \
		-e "s#127\\.0\\.0\\.1:8080#127.0.0.1:$PORT#g" >"$SB/run.$i"
	before=$!
	. "$SB/run.$i" <"$SB/empty" >"$OUT" 2>"$ERR"
	rc=$?
	stderr_allowed= want_rc=0
	case $cmd in
	*"&")
		# A server: what it logs on standard error is its log.
		stderr_allowed=1
		bg=$!
		bgpids="$bgpids $bg"
		[ "$bg" != "$before" ]; ok $? "$name $i: started in the background"
		n=0
		until listening "$bg" || [ $n -ge 100 ]; do sleep 0.05; n=$((n + 1)); done
		pf=$(sed -n 's/.*--port-file \([^ ]*\).*/\1/p' "$SB/run.$i")
		n=0
		while [ -n "$pf" ] && [ ! -s "$pf" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
		listening "$bg"; ok $? "$name $i: listens" ;;
	esac
	"expect_$fn"
	[ $rc -eq "$want_rc" ]; ok $? "$name $i: $(printf '%s' "$cmd" | tr -s '\n ' '  ')"
	[ $rc -eq "$want_rc" ] || { echo "#   exit $rc, not $want_rc; stderr:"; sed 's/^/#   /' "$ERR" | head -5; }
	if [ -z "$stderr_allowed" ]; then
		[ ! -s "$ERR" ]; ok $? "$name $i: nothing on standard error"
		[ -s "$ERR" ] && sed 's/^/#   /' "$ERR" | head -5
	fi
	return 0
}

# run_page PAGE: its examples in a sandbox of their own, in a subshell
# whose TAP lines ("R STATUS DESC") are counted here.
run_page() {
	name=${1##*/}
	fn=$(echo "$name" | tr '.-' '__')
	SB="$T/sb/$name"
	mkdir -p "$SB/work" "$SB/home" "$SB/tmp" "$SB/srv" "$SB/var/log" \
		"$SB/var/tmp" "$SB/var/backups" "$SB/bin"
	: >"$SB/empty"
	nex=$(man-examples "$1" "$SB/ex")
	(
		exec >"$T/results" 2>&1
		ok() { echo "R $1 $2"; return "$1"; }
		T=$SB HOME="$SB/home" TMPDIR="$SB/tmp" WA_DB="$SB/wa.db" WA_MEDIA_DIR="$SB/media"
		WA_APP_SECRET=test-app-secret PATH="$SB/bin:$PATH" PORT=$(free_port)
		export T HOME TMPDIR WA_DB WA_MEDIA_DIR WA_APP_SECRET PATH
		cat >"$SB/bin/mail" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >"$SB/mail.args"
cat >"$SB/mail.body"
EOF
		chmod +x "$SB/bin/mail"
		cd "$SB/work" || exit 1
		bgpids=
		"prep_$fn"
		i=1
		while [ "$i" -le "$nex" ]; do
			run_example
			i=$((i + 1))
		done
		echo "R 0 $name: all $nex examples ran"
		for p in $bgpids; do kill "$p" 2>/dev/null; done
		[ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null
		wait
	)
	while IFS= read -r line; do
		case $line in
		"R "*) line=${line#R }; ok "${line%% *}" "${line#* }" ;;
		*) printf '%s\n' "$line" ;;
		esac
	done <"$T/results"
	grep -q "^R 0 $name: all" "$T/results"; ok $? "$name: the sandbox ran to the end"
}

npages=0
for page in "$top"/man/*.1 "$top"/man/*.5 "$top"/man/*.7; do
	n=${page##*/}
	type "prep_$(echo "$n" | tr '.-' '__')" >/dev/null 2>&1; ok $? "$n: has a sandbox here"
	run_page "$page"
	npages=$((npages + 1))
done
[ "$npages" -ge 11 ]; ok $? "every page ($npages)"
done_testing

#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-recv serve over HTTPS with a certificate the test makes; SIGHUP reloads a renewed certificate and reopens the log, SIGTERM still drains; unusable certificates; wa-recv(1)'s Caddy recipe in front of plain serve.
. "$(dirname "$0")/../lib.sh"

WA_APP_SECRET=test-app-secret
export WA_APP_SECRET

exits 0 "database created" wa-recv /dev/null
sql "INSERT INTO channels (id, waba_id, phone, connected_at)
     VALUES ('111111111111111', '100200300400500', '15550001111', 1700000000)"

# cert NAME KEY-ARGS...: a self-signed certificate for localhost and
# 127.0.0.1 in $T/NAME.crt, its key in $T/NAME.key.
cert() {
	name=$1
	shift
	openssl req -x509 -newkey "$@" -nodes -days 2 -subj /CN=localhost \
		-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
		-keyout "$T/$name.key" -out "$T/$name.crt" 2>/dev/null
}
# serial [PORT]: the serial number of the certificate the server shows.
serial() {
	openssl s_client -connect "127.0.0.1:${1:-$PORT}" -servername localhost </dev/null 2>/dev/null |
		openssl x509 -noout -serial
}
# post FILE [CURL-ARGS...]: POSTs FILE signed over HTTPS; prints the status.
post() {
	f=$1
	shift
	curl -s -o /dev/null -w '%{http_code}' --cacert "$T/live.crt" \
		-H "X-Hub-Signature-256: $(sig "$f")" --data-binary @"$f" "$@" \
		"https://localhost:$PORT/webhook"
}
stored() { sql "SELECT count(*) FROM messages WHERE wamid = '$1'"; }

cert first ec -pkeyopt ec_paramgen_curve:prime256v1	# renewed below as RSA
cp "$T/first.crt" "$T/live.crt"
cp "$T/first.key" "$T/live.key"

# ---- usage and unusable certificates ----
exits 64 "--tls-cert without --tls-key" wa-recv serve --listen 127.0.0.1:0 --tls-cert "$T/live.crt"
exits 78 "a missing certificate" wa-recv serve --listen 127.0.0.1:0 --tls-cert "$T/none.crt" --tls-key "$T/live.key"
like "$(cat "$T/err")" "*cannot read '$T/none.crt'*" "the missing file is named"
cert other rsa:2048
exits 78 "a key that is not the certificate's" wa-recv serve --listen 127.0.0.1:0 --tls-cert "$T/live.crt" --tls-key "$T/other.key"
like "$(cat "$T/err")" "*certificate and key*" "says the two do not belong together"
echo "not PEM" >"$T/garbage.crt"
exits 78 "a certificate that is not PEM" wa-recv serve --listen 127.0.0.1:0 --tls-cert "$T/garbage.crt" --tls-key "$T/live.key"

# ---- HTTPS ----
start_serve --tls-cert "$T/live.crt" --tls-key "$T/live.key" --log "$T/serve.log"
PORT=$(cat "$T/srv.port")
like "$(cat "$T/serve.log")" "*listening on 127.0.0.1:0 (port $PORT, HTTPS)*" "--log: the start is in the log file"
wa-webhook text --wamid wamid.S1 --text "over https" >"$T/s1.json"
is "$(post "$T/s1.json")" 200 "a signed delivery over HTTPS: 200"
is "$(stored wamid.S1)" 1 "stored"
is "$(post "$T/s1.json" --tlsv1.3)" 200 "TLS 1.3"
is "$(post "$T/s1.json" --tlsv1.2 --tls-max 1.2)" 200 "TLS 1.2"
is "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$T/live.crt" "https://localhost:$PORT/webhook?hub.mode=subscribe&hub.challenge=42")" 403 "the handshake is answered over HTTPS too"
is "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/webhook")" 000 "plain HTTP gets no answer on the HTTPS port"
first=$(serial)
like "$first" "serial=*" "the server shows its certificate ($first)"

# ---- SIGHUP: a renewed certificate, a rotated log ----
cert renewed rsa:2048
cp "$T/renewed.crt" "$T/live.crt"
cp "$T/renewed.key" "$T/live.key"
mv "$T/serve.log" "$T/serve.log.1"
kill -HUP "$srv_pid"
i=0
while [ ! -s "$T/serve.log" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
kill -0 "$srv_pid"; ok $? "SIGHUP: still serving"
like "$(cat "$T/serve.log")" "*SIGHUP: log reopened*SIGHUP: certificate reloaded*" "SIGHUP: the log is reopened, the certificate reloaded"
is "$(serial)" "$(openssl x509 -noout -serial -in "$T/renewed.crt")" "new connections get the renewed certificate"
wa-webhook text --wamid wamid.S2 --text "after renewal" >"$T/s2.json"
is "$(post "$T/s2.json")" 200 "a delivery after the renewal: 200"
echo "half a certificate" >"$T/live.crt"
kill -HUP "$srv_pid"
i=0
while ! grep -q "stays" "$T/serve.log" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
like "$(cat "$T/serve.log")" "*SIGHUP: the certificate in use stays: *" "a broken renewal: a warning"
is "$(serial)" "$(openssl x509 -noout -serial -in "$T/renewed.crt")" "and the certificate in use stays"
cp "$T/renewed.crt" "$T/live.crt"

# ---- SIGTERM still drains ----
wa-webhook text --wamid wamid.S3 --text "slow one" >"$T/s3.json"
head -c 3000 /dev/zero | tr '\0' ' ' >>"$T/s3.json"
post "$T/s3.json" --limit-rate 2K >"$T/s3.status" &
curl_pid=$!
sleep 0.5
stop_serve
wait "$curl_pid"
is "$(cat "$T/s3.status")" 200 "SIGTERM: the request in flight still gets 200"
is "$srv_rc" 0 "SIGTERM: exit 0"
is "$(stored wamid.S3)" 1 "SIGTERM: the drained delivery is stored"
like "$(tail -1 "$T/serve.log")" "wa-recv: stopped: 5 deliveries stored*" "the summary goes to the log"
exits 74 "--log in a missing directory" wa-recv serve --listen 127.0.0.1:0 --log "$T/no/such/dir/log"

# ---- wa-recv(1)'s Caddy recipe, in front of plain HTTP ----
if command -v caddy >/dev/null; then
	start_serve --max-per-address 0
	# a port the kernel says is free (Caddy cannot report one it chose)
	CADDY_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	# The man page's Caddyfile, its global options and a test site:
	# localhost with Caddy's own CA instead of hooks.example.com with a
	# public one.
	sed -n '/wa-recv-caddyfile-begin/,/wa-recv-caddyfile-end/p' "$top/man/wa-recv.1" |
		sed -e '/^\.\\"/d' -e '/^\.Bd/d' -e '/^\.Ed/d' |
		awk -v st="$T/caddy" 'NR == 1 && $0 == "{" { print; print "\tadmin off\n\tskip_install_trust\n\tauto_https disable_redirects\n\tstorage file_system " st; next } { print }' |
		sed -e "s|^hooks.example.com {|https://localhost:$CADDY_PORT {|" \
		    -e "s|127.0.0.1:8080|127.0.0.1:$(cat "$T/srv.port")|" >"$T/Caddyfile"
	grep -q "reverse_proxy /webhook 127.0.0.1:$(cat "$T/srv.port")" "$T/Caddyfile"; ok $? "the recipe is taken from wa-recv(1)"
	HOME=$T XDG_DATA_HOME=$T/xdg XDG_CONFIG_HOME=$T/xdg caddy run --config "$T/Caddyfile" --adapter caddyfile >"$T/caddy.log" 2>&1 &
	caddy_pid=$!
	i=0
	while [ ! -s "$T/caddy/pki/authorities/local/root.crt" ] && [ $i -lt 600 ] &&
		kill -0 "$caddy_pid" 2>/dev/null; do sleep 0.05; i=$((i + 1)); done
	wa-webhook text --wamid wamid.C1 --text "through caddy" >"$T/c1.json"
	i=0
	until st=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$T/caddy/pki/authorities/local/root.crt" \
		-H "X-Hub-Signature-256: $(sig "$T/c1.json")" --data-binary @"$T/c1.json" \
		"https://localhost:$CADDY_PORT/webhook") && [ "$st" != 000 ] || [ $i -ge 200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	is "$st" 200 "through Caddy: 200"
	[ "$st" = 200 ] || sed 's/^/# caddy: /' "$T/caddy.log" | tail -5
	is "$(stored wamid.C1)" 1 "through Caddy: stored"
	is "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$T/caddy/pki/authorities/local/root.crt" \
		-H "X-Hub-Signature-256: sha256=00" --data-binary @"$T/c1.json" \
		"https://localhost:$CADDY_PORT/webhook")" 401 "through Caddy: a bad signature is still 401"
	kill "$caddy_pid" 2>/dev/null
	wait "$caddy_pid" 2>/dev/null
	stop_serve
else
	echo "# SKIP the Caddy recipe: no caddy (scripts/install-deps installs it)"
fi
done_testing

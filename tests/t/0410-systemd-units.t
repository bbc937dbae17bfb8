#!/bin/sh
# SPDX-License-Identifier: MIT
# contrib/*.service, *.timer as installed: systemd-analyze verify passes, the hardening is there, and the commands the units start work as systemd would start them (credentials, state directory, $$ and %%).
. "$(dirname "$0")/../lib.sh"
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "1..0 # SKIP systemd-analyze is not installed (scripts/install-deps installs systemd)"
	exit 0
fi
make -C "$top" -s install DESTDIR="$T/root" PREFIX=/opt/wa >/dev/null 2>&1; ok $? "make install"
r="$T/root/opt/wa"
units="wa-recv.service wa-checks.service wa-checks.timer"

# The units as they will be on the machine, their binaries where DESTDIR put
# them, so that verify can check that each command exists.
mkdir -p "$T/units"
for u in $units; do
	sed "s|/opt/wa/bin/|$r/bin/|g" "$r/lib/systemd/system/$u" >"$T/units/$u"
done
MANPATH="$r/share/man" exits 0 "systemd-analyze verify" \
	systemd-analyze verify "$T/units/wa-recv.service" "$T/units/wa-checks.service" "$T/units/wa-checks.timer"
is "$(cat "$T/err" "$T/out")" "" "no warnings (unknown keys, missing man pages or commands)"
sed 's/^NoNewPrivileges=yes/NoNewPrivileges=yes\nProtectSytem=strict/' "$T/units/wa-recv.service" >"$T/bad.service"
systemd-analyze verify "$T/bad.service" >"$T/out" 2>&1
like "$(cat "$T/out")" "*Unknown key*ProtectSytem*" "verify does see a misspelt key"

# The hardening systemd offers.
for kv in User=wa NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes \
    StateDirectory=wa PrivateTmp=yes PrivateDevices=yes CapabilityBoundingSet= \
    RestrictAddressFamilies='AF_INET AF_INET6 AF_UNIX' SystemCallFilter=@system-service \
    MemoryDenyWriteExecute=yes UMask=0077; do
	for u in wa-recv.service wa-checks.service; do
		grep -qx "$kv" "$T/units/$u"; ok $? "$u: $kv"
	done
done
grep -q '^LoadCredential=app-secret:' "$T/units/wa-recv.service" &&
	grep -q 'WA_APP_SECRET_FILE=%d/app-secret' "$T/units/wa-recv.service"
ok $? "wa-recv.service: the app secret is a credential read through WA_APP_SECRET_FILE"
grep -q '^LoadCredential=token:' "$T/units/wa-checks.service" &&
	grep -q 'WA_TOKEN_FILE=%d/token' "$T/units/wa-checks.service"
ok $? "wa-checks.service: the token is a credential read through WA_TOKEN_FILE"
grep -q 'WA_APP_SECRET=\|WA_TOKEN=' "$T/units/wa-recv.service" "$T/units/wa-checks.service"
ok $((!$?)) "no secret in the units' environment"
systemd-analyze security --offline=yes "$T/units/wa-recv.service" >"$T/sec" 2>&1
level=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$T/sec")
echo "# systemd-analyze security: exposure $level"
[ -n "$level" ] && awk -v l="$level" 'BEGIN { exit !(l <= 2.0) }'; ok $? "wa-recv.service exposure $level <= 2.0 (systemd's OK)"
grep -q '^OnCalendar=hourly$' "$T/units/wa-checks.timer" && grep -q '^Persistent=yes$' "$T/units/wa-checks.timer"
ok $? "the timer runs hourly and catches up after downtime"

# unit_sh UNIT: writes $T/run.sh, which starts UNIT's ExecStart= as systemd
# would: its Environment= (then /etc/wa/wa.env, here $T/wa.env), credentials
# in $T/creds (%d), the state directory in $T/state (%S), ${VAR} and $$
# expanded, continuation lines joined.
mkdir -p "$T/creds" "$T/state"
unit_text() {	# unit_text UNIT KEY: KEY's values, one a line, specifiers expanded
	sed -e ':a' -e '/\\$/N; s/\\\n[[:space:]]*/ /; ta' "$T/units/$1" |
		sed -n "s/^$2=//p" |
		STATE="$T/state" CREDS="$T/creds" perl -pe '
			s/%%/\x01/g; s/%S/$ENV{STATE}/g; s/%d/$ENV{CREDS}/g; s/\x01/%/g'
}
unit_sh() {
	{
		echo "unset WA_TOKEN WA_APP_SECRET WA_DB WA_MEDIA_DIR"
		unit_text "$1" Environment | sed 's/^/export /'
		[ -f "$T/wa.env" ] && sed 's/^/export /' "$T/wa.env"
	} >"$T/env.sh"
	{
		echo ". '$T/env.sh'"
		printf 'exec '
		(. "$T/env.sh"; unit_text "$1" ExecStart |
			perl -pe 's/\$\$/\x02/g; s/\$\{(\w+)\}/$ENV{$1}/g; s/\x02/\$/g')
	} >"$T/run.sh"
}
printf 'app-secret-from-credential\n' >"$T/creds/app-secret"
printf 'verify-from-credential\n' >"$T/creds/verify-token"
printf 'test-token\n' >"$T/creds/token"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "WA_LISTEN=127.0.0.1:$port" >"$T/wa.env"
# The database the units share, with a connected channel.
WA_DB="$T/state/wa/wa.db" wa-recv /dev/null >/dev/null
sqlite3 "$T/state/wa/wa.db" "INSERT INTO channels (id, waba_id, phone, connected_at) VALUES ('111111111111111', '100200300400500', '15550001111', 0)"
unit_sh wa-recv.service
sh "$T/run.sh" >"$T/srv.out" 2>"$T/srv.err" &
srv_pid=$!
i=0
until curl -s -o /dev/null "http://127.0.0.1:$port/webhook" || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
is "$(curl -s "http://127.0.0.1:$port/webhook?hub.mode=subscribe&hub.verify_token=verify-from-credential&hub.challenge=42")" 42 \
	"wa-recv.service: the handshake takes the verify token from its credential"
jpeg=$(printf 'jpeg bytes' | openssl dgst -sha256 -binary | openssl base64 -A)
WA_APP_SECRET=app-secret-from-credential exits 0 "a delivery signed with the credential's secret is taken" \
	wa-webhook image --wamid wamid.UNIT1 --media-id 5000000000000009 --sha256 "$jpeg" --post "http://127.0.0.1:$port/webhook"
WA_APP_SECRET=other exits 1 "one signed with another secret is refused" \
	wa-webhook text --post "http://127.0.0.1:$port/webhook"
stop_serve
is "$srv_rc" 0 "SIGTERM (systemctl stop) ends it cleanly"
is "$(sqlite3 "$T/state/wa/wa.db" "SELECT count(*) FROM messages WHERE wamid = 'wamid.UNIT1'")" 1 "stored in the state directory's database"

start_fake
fake_ctl state '{"media":[{"id":"5000000000000009","mime_type":"image/jpeg","content":"jpeg bytes"}]}' >/dev/null
echo "WA_GRAPH_URL=$WA_GRAPH_URL" >"$T/wa.env"
unit_sh wa-checks.service
exits 0 "wa-checks.service: media, replay and quota below the warning" sh "$T/run.sh"
is "$(sqlite3 "$T/state/wa/wa.db" "SELECT media_state FROM messages WHERE wamid = 'wamid.UNIT1'")" done \
	"the pending media was fetched with the token from its credential"
ls "$T/state/wa/media" >/dev/null 2>&1; ok $? "into the state directory"
WA_DB="$T/state/wa/wa.db" wa-send --to 15551234567 --text 'On it' >/dev/null
WA_DB="$T/state/wa/wa.db" wa-quota set --limit 1 >/dev/null
exits 1 "the unit fails once the quota passes the warning level" sh "$T/run.sh"
like "$(cat "$T/out")" '*"used":1*' "and its journal has the status"
done_testing

#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-recv: unsupported (rule 9) and quarantined (rule 10) messages, quarantine rules.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/t/1000-recv-lib.sh"
start_fake
exits 0 "connect a channel" wa-connect add --waba 100200300400500 --phone-number-id $CH
T0=1713290300
flags='[.type, .unsupported, .quarantined, .quarantine_rule, .text]'

typed 15551230001 wamid.R1 $T0 reaction '{"message_id":"wamid.X","emoji":"\ud83d\udc4d"}' >"$T/d"
typed 15551230001 wamid.R2 $T0 poll '{"question":"?"}' >>"$T/d"
typed 15551230001 wamid.R3 $T0 hologram '{"x":1}' >>"$T/d"
typed 15551230001 wamid.R4 $T0 revoke '{"original_message_id":"wamid.X"}' >>"$T/d"
typed 15551230001 wamid.R5 $T0 image '"not an object"' >>"$T/d"
exits 0 "unsupported kinds" wa-recv "$T/d"
is "$(jf "$flags" | tr '\n' ' ')" \
	'["reaction","reaction",false,null,null] ["poll","poll",false,null,null] ["hologram","unknown",false,null,null] ["revoke","deleted",false,null,null] ["image","unknown",false,null,null] ' \
	"flagged with a reason, content hidden"
is_json 'select(.type == "reaction") | [.thread_id, .reaction]' '["1",null]' "in the thread, reaction object not shown"
is "$(sql "SELECT count(*) FROM messages WHERE unsupported IS NOT NULL AND raw IS NOT NULL AND text IS NULL")" "5" \
	"stored with the raw object"
is "$(sql "SELECT raw FROM messages WHERE wamid = 'wamid.R1'" | jq -r .reaction.message_id)" "wamid.X" "raw keeps everything"

# Rule 10: the default rules.
msg 15551230001 wamid.Q1 $T0 "click http://192.168.10.7/login now" >"$T/d"
typed 15551230001 wamid.Q2 $T0 document '{"id":"77","mime_type":"application/pdf","sha256":"x","filename":"invoice.PDF.exe"}' >>"$T/d"
typed 15551230001 wamid.Q3 $T0 document '{"id":"78","mime_type":"application/vnd.android.package-archive","sha256":"x","filename":"game"}' >>"$T/d"
msg 15551230001 wamid.Q4 $T0 "see https://example.com/10.0.0.1 ok" >>"$T/d"
exits 0 "default quarantine rules" wa-recv "$T/d"
is "$(jf "$flags" | tr '\n' ' ')" \
	'["text",null,true,"ip_link",null] ["document",null,true,"executable_attachment",null] ["document",null,true,"executable_mime",null] ["text",null,false,null,"see https://example.com/10.0.0.1 ok"] ' \
	"bare-IP link and executables quarantined, an IP in a path is not"
is "$(sql "SELECT quarantined, quarantine_rule, text FROM messages WHERE wamid = 'wamid.Q1'")" \
	"1|ip_link|click http://192.168.10.7/login now" "flagged; raw text kept for an admin"
is "$(fts_ids login | wc -l)" "0" "hidden from search"
is "$(sql "SELECT media_state IS NULL FROM messages WHERE wamid = 'wamid.Q2'")" "1" "quarantined media is not queued for download"
# executable types as file(1) names them, in any case, with parameters
: >"$T/d"
i=0
for m in application/x-pie-executable text/x-shellscript APPLICATION/X-MSDOWNLOAD \
	"application/x-msdownload; charset=binary" application/x-sharedlib "text/plain; x=application/x-sh"; do
	i=$((i + 1))
	typed 15551230001 "wamid.QM$i" $T0 document '{"id":"9'$i'","mime_type":"'"$m"'","sha256":"x","filename":"tool"}' >>"$T/d"
done
exits 0 "executable mime types" wa-recv "$T/d"
is "$(jf '[.quarantined, .quarantine_rule]' | tr '\n' ' ')" \
	'[true,"executable_mime"] [true,"executable_mime"] [true,"executable_mime"] [true,"executable_mime"] [true,"executable_mime"] [false,null] ' \
	"Linux executables and scripts too, the type in any case and without its parameters; a parameter is no type"

# Rule 10: the user's rules, from a file and from the table.
cat >"$T/rules" <<'EOF'
# my rules
crypto  .text // "" | test("bitcoin"; "i")
!ip_link
EOF
WA_QUARANTINE_RULES="$T/rules"
export WA_QUARANTINE_RULES
msg 15551230001 wamid.U1 $T0 "Send BITCOIN here" >"$T/d"
msg 15551230001 wamid.U2 $T0 "http://10.1.1.1/ is fine today" >>"$T/d"
exits 0 "rules from WA_QUARANTINE_RULES" wa-recv "$T/d"
is "$(jf '[.quarantined, .quarantine_rule]' | tr '\n' ' ')" '[true,"crypto"] [false,null] ' "a rule added, a default dropped"
# A default rule redefined under its own name is the user's rule: it runs
# on every message, not only where the default one could hold.
cp "$T/rules" "$T/rules.keep"
printf 'ip_link  .text // "" | test("evil")\n' >"$T/rules"
msg 15551230001 wamid.U4 $T0 "an evil plan without links" >"$T/d"
exits 0 "a default rule redefined" wa-recv "$T/d"
is_json '[.quarantined, .quarantine_rule]' '[true,"ip_link"]' "the redefined rule holds on plain text"
printf '# the defaults alone\n' >"$T/rules"
msg 15551230001 wamid.U5 $T0 "evil but harmless" >"$T/d"
msg 15551230001 wamid.U6 $T0 "HTTPS://[10.0.0.7]:8443/pay" >>"$T/d"
exits 0 "the default rules alone" wa-recv "$T/d"
is "$(jf '[.quarantined, .quarantine_rule]' | tr '\n' ' ')" '[false,null] [true,"ip_link"] ' \
	"plain text passes, an IP link in capitals with a bracket is caught"
cp "$T/rules.keep" "$T/rules"
sql "INSERT INTO quarantine_rules (name, predicate, created_at) VALUES ('long', '(.text // \"\" | length) > 20', 0)"
msg 15551230001 wamid.U3 $T0 "a message longer than twenty" >"$T/d"
exits 0 "rules from the quarantine_rules table" wa-recv "$T/d"
is_json '[.quarantined, .quarantine_rule]' '[true,"long"]' "table rule applied"
sql "UPDATE quarantine_rules SET enabled = 0"
printf 'broken  .text | test(\n' >"$T/rules"
exits 78 "a rule that does not compile" wa-recv "$T/d"
like "$(cat "$T/err")" "wa-recv: config: quarantine rule 'broken' does not compile: *" "names the rule"
printf '\n  # comment\nnever\t  false  \n' >"$T/rules"
exits 0 "blank lines, comments, tabs" wa-recv /dev/null
printf 'b@d .text\n' >"$T/rules"
exits 78 "an invalid rule name" wa-recv /dev/null
like "$(cat "$T/err")" "*line 1*b@d*" "names the line"
WA_QUARANTINE_RULES="$T/missing"
exits 78 "a missing rules file" wa-recv /dev/null
like "$(cat "$T/err")" "wa-recv: config: quarantine rules '*missing': *" "says which file"
unset WA_QUARANTINE_RULES

done_testing

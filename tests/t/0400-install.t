#!/bin/sh
# SPDX-License-Identifier: MIT
# make install / uninstall honour PREFIX and DESTDIR, install the tools, the CI tools, every page, the systemd units and the completion, and leave nothing behind.
. "$(dirname "$0")/../lib.sh"
exits 0 "make install into DESTDIR" make -C "$top" -s install DESTDIR="$T/root" PREFIX=/opt/wa
r="$T/root/opt/wa"
for t in wa-connect wa-recv wa-send wa-template wa-view wa-quota wa-webhook fake-graph; do
	[ -x "$r/bin/$t" ]; ok $? "$t installed, executable"
done
for m in "$top"/man/*.[157]; do
	m=${m##*/}
	[ -f "$r/share/man/man${m##*.}/$m" ]; ok $? "man${m##*.}/$m installed"
done
[ -f "$r/share/man/man1/fake-graph.1" ] && [ -f "$r/share/man/man1/wa-webhook.1" ]
ok $? "fake-graph(1) and wa-webhook(1) among them"
is "$(stat -c %a "$r/share/man/man7/wa.7")" 644 "man pages mode 0644"
for u in wa-recv.service wa-checks.service wa-checks.timer; do
	[ -f "$r/lib/systemd/system/$u" ]; ok $? "systemd unit $u installed"
done
is "$(sed -n 's/^ExecStart=\([^ ]*\) .*/\1/p' "$r/lib/systemd/system/wa-recv.service")" \
	/opt/wa/bin/wa-recv "the unit runs the wa-recv of PREFIX"
grep -q /usr/local "$r/lib/systemd/system/wa-checks.service"; ok $((!$?)) "no /usr/local left in the timer's service"
[ -f "$r/lib/sysusers.d/wa.conf" ]; ok $? "sysusers.d entry for the wa user"
[ -f "$r/share/bash-completion/completions/wa" ]; ok $? "bash completion installed"
for t in wa-connect wa-recv wa-send wa-template wa-view wa-quota wa-webhook; do
	is "$(readlink "$r/share/bash-completion/completions/$t")" wa "completion found under $t"
done
exits 0 "the installed wa-view runs" "$r/bin/wa-view" --version
exits 0 "the installed fake-graph runs" "$r/bin/fake-graph" --help
exits 0 "the installed wa-webhook runs" "$r/bin/wa-webhook" text
exits 0 "make uninstall" make -C "$top" -s uninstall DESTDIR="$T/root" PREFIX=/opt/wa
is "$(find "$T/root" ! -type d | wc -l)" 0 "nothing left behind"
done_testing

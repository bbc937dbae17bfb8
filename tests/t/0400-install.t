#!/bin/sh
# SPDX-License-Identifier: MIT
# make install / uninstall honour PREFIX and DESTDIR and leave nothing behind.
. "$(dirname "$0")/../lib.sh"
exits 0 "make install into DESTDIR" make -C "$top" -s install DESTDIR="$T/root" PREFIX=/opt/wa
for t in wa-connect wa-recv wa-send wa-template wa-view wa-quota wa-webhook; do
	[ -x "$T/root/opt/wa/bin/$t" ]; ok $? "$t installed, executable"
done
for m in man1/wa-connect.1 man1/wa-recv.1 man1/wa-send.1 man1/wa-template.1 \
	man1/wa-view.1 man1/wa-quota.1 man1/wa-webhook.1 man5/wa-records.5 \
	man5/wa-config.5 man7/wa.7; do
	[ -f "$T/root/opt/wa/share/man/$m" ]; ok $? "$m installed"
done
is "$(stat -c %a "$T/root/opt/wa/share/man/man7/wa.7")" 644 "man pages mode 0644"
exits 0 "the installed wa-view runs" "$T/root/opt/wa/bin/wa-view" --version
exits 0 "make uninstall" make -C "$top" -s uninstall DESTDIR="$T/root" PREFIX=/opt/wa
is "$(find "$T/root" -type f | wc -l)" 0 "nothing left behind"
done_testing

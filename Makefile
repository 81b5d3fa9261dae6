# The two commands: `make run` (the app with demo data, SQLite, no Redis) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export FLASK_APP := wsgi
# The development configuration (outbox, simulated payments, a per-machine key) for `make run` and its
# flask commands only; an unset VGK_ENV means production, which refuses to start without real keys.
run: export VGK_ENV := development

.PHONY: run test lint install install-dev translations messages system-deps bench bench-chat bench-notifications bench-recommendations bench-lighthouse bench-throughput bench-load up down clean bench-websocket

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: install
	$(BIN)/pybabel compile -d vgk/translations

run: install translations
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	PORT=$(PORT) $(BIN)/python wsgi.py

# Debian packages the tests start on loopback: PostgreSQL, Redis, nginx (make up), Chromium for the browser tests;
# Node's npm installs axe-core (the accessibility checks) and Lighthouse (make bench-lighthouse).
system-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v curl >/dev/null 2>&1 || missing="$$missing curl"; \
	command -v jq >/dev/null 2>&1 || missing="$$missing jq"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	command -v wrk >/dev/null 2>&1 || missing="$$missing wrk"; \
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing fonts-dejavu-core >/dev/null; \
	fi

# Lint (ruff) and types (mypy on vgk/services and vgk/integrations) first: both configured in pyproject.toml.
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/mypy

# axe-core for the accessibility browser tests, pinned by tests/axe/package-lock.json.
tests/axe/node_modules/axe-core/axe.min.js: tests/axe/package-lock.json | system-deps
	npm ci --prefix tests/axe --no-audit --no-fund
	touch $@

test: lint translations system-deps tests/axe/node_modules/axe-core/axe.min.js
	$(BIN)/python -m pytest

bench: install-dev translations system-deps
	$(BIN)/python bench/catalog_queries.py
	$(BIN)/python bench/page_weight.py
	$(BIN)/python bench/admin_pages.py
	$(BIN)/python bench/search.py

# Conversations at scale: two gunicorn processes over PostgreSQL and Redis, 200 WebSocket clients (bench/chat.py).
bench-chat: install-dev translations system-deps
	$(BIN)/python bench/chat.py

# The plain WebSocket chat next to Socket.IO on two gunicorn processes (bench/websocket_chat.py).
bench-websocket: install-dev translations system-deps
	$(BIN)/python bench/websocket_chat.py

# Notifications through a worker crash: 10 000 SMS, the RQ worker killed halfway (bench/notifications.py).
bench-notifications: install-dev translations system-deps
	$(BIN)/python bench/notifications.py

# Recommendations: quality against popularity (10 000 products, 2 000 people), serving at 100 000 products.
bench-recommendations: install-dev translations system-deps
	$(BIN)/python bench/recommendations.py --postgresql

# Lighthouse (mobile) on a demo app's home, catalogue, product, cart and checkout; home LCP on a slow network.
bench/lighthouse-cli/node_modules/.bin/lighthouse: bench/lighthouse-cli/package-lock.json | system-deps
	npm ci --prefix bench/lighthouse-cli --no-audit --no-fund
	touch $@

bench-lighthouse: install-dev translations system-deps bench/lighthouse-cli/node_modules/.bin/lighthouse
	$(BIN)/python bench/lighthouse.py

# Throughput: the public pages under the production gunicorn settings against a bare route (bench/throughput.py).
bench-throughput: install-dev translations system-deps
	$(BIN)/python bench/throughput.py

# The production shape on one machine (README, "Running the production shape"): nginx on 127.0.0.1:$(UP_PORT) in
# front of gunicorn processes, the RQ worker, PostgreSQL and Redis (throwaway ones unless DATABASE_URL/REDIS_URL).
UP_PORT ?= 8080
up: install-dev translations system-deps
	$(BIN)/python -m vgk.ops.up start --port $(UP_PORT)

down:
	$(BIN)/python -m vgk.ops.up stop

# Mixed load (locust) on the production shape against an nginx static file and a bare route (bench/load.py).
bench-load: install-dev translations system-deps
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) instance/test-media .pytest_cache tests/axe/node_modules bench/lighthouse-cli/node_modules

# Refresh the message catalogue after changing translatable strings, then fill vgk/translations/en.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o /tmp/vgk-messages.pot vgk templates
	$(BIN)/pybabel update --no-fuzzy-matching -i /tmp/vgk-messages.pot -d vgk/translations

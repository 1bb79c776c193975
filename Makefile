# Two commands: `make run` starts the app with demo data; `make test` runs every test.
# Both set everything up on a fresh Debian/Ubuntu machine with Python 3.11+ and Node.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.9

.PHONY: run test setup deps assets lint audit clean oidc-provider

# A secret key of this machine's own, made once, so the web server, worker and beat can
# start without DJANGO_SECRET_KEY set by hand (production sets it in the environment).
var/secret-key:
	mkdir -p var
	umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

run: export DJANGO_SECRET_KEY ?= $(shell cat var/secret-key 2>/dev/null)
# On this machine emails (invitation links) are printed to the terminal.
run: export DJANGO_EMAIL_BACKEND ?= django.core.mail.backends.console.EmailBackend
run: setup var/secret-key
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_data
	@echo ""
	@echo "Open http://127.0.0.1:$${PORT:-8000}/ and sign in with a demo account above. Ctrl-C stops everything."
	@echo ""
	@# Ctrl-C is how everything is stopped: honcho's exit status 130 then means "stopped".
	@$(VENV)/bin/honcho --procfile Procfile.dev start --port $${PORT:-8000} || [ $$? -eq 130 ]

# A local OpenID Connect provider for trying sign-in with a council or NHS account (see
# the README); run the app with DEMO_OIDC_ISSUER=http://127.0.0.1:8001/o to use it.
oidc-provider: deps
	$(PY) scripts/oidc_provider.py

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

setup: deps assets

deps: $(VENV)/.synced
$(VENV)/.synced: pyproject.toml uv.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	# --inexact keeps uv itself in the environment it installs into.
	$(VENV)/bin/uv sync --frozen --inexact --python $(PY)
	touch $@

assets: static/build/.built
static/build/.built: package.json package-lock.json $(shell find static templates -type f -not -path 'static/build/*' 2>/dev/null)
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	$(PY) manage.py collectstatic --noinput -v0
	touch $@

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Known vulnerabilities in the locked dependencies. Needs the advisory databases (PyPI's
# and npm's), so it is for pipelines with that access, not part of `.ci/run`.
audit: deps
	mkdir -p var
	$(VENV)/bin/uv export --frozen --no-emit-project --format requirements-txt > var/requirements-audit.txt
	$(VENV)/bin/pip-audit --strict --disable-pip -r var/requirements-audit.txt
	npm audit --omit=dev

clean:
	rm -rf $(VENV) node_modules static/build staticfiles var

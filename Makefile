# Portail de l'alternance — the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_ENV := DEMO_MODE=1
HOST ?= 127.0.0.1:8000

.PHONY: bench demo test run worker beat fmt lint messages compilemessages check-system install clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ").")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

check-system: $(STAMP)
	@$(PY) -c 'import weasyprint' 2>/dev/null || { \
	  echo "WeasyPrint needs the Pango library, which is missing. Install it with:"; \
	  echo "    sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0   (Debian/Ubuntu)"; \
	  echo "    brew install pango                                          (macOS)"; \
	  exit 1; }
	@command -v msgfmt >/dev/null || { \
	  echo "Compiling the translations needs gettext. Install it with:"; \
	  echo "    sudo apt-get install -y gettext   (Debian/Ubuntu)   or   brew install gettext (macOS)"; \
	  exit 1; }

compilemessages: check-system
	$(DEMO_ENV) $(PY) manage.py compilemessages --ignore=.venv -v0

demo: check-system compilemessages
	$(DEMO_ENV) $(PY) manage.py migrate --noinput -v0
	$(DEMO_ENV) $(PY) manage.py createcachetable
	$(DEMO_ENV) $(PY) manage.py load_demo
	@echo "Portail : http://$(HOST)/   (Ctrl+C pour arrêter)"
	$(DEMO_ENV) $(PY) manage.py runserver $(HOST)

run: check-system compilemessages
	$(DEMO_ENV) $(PY) manage.py runserver $(HOST)

test: check-system compilemessages
	$(PY) -m ruff check .
	$(PY) manage.py makemigrations --check --dry-run --settings=apprentissage.test_settings
	$(PY) -m pytest $(PYTEST_ARGS)

# Every page at demo size and at school size (600 apprentices) on PostgreSQL, through gunicorn:
# writes bench-results.md; fails when a page's query count grows with data. See README.
bench: check-system compilemessages
	$(PY) scripts/bench.py $(BENCH_ARGS)

worker: $(STAMP)
	$(VENV)/bin/celery -A apprentissage worker --loglevel=INFO

beat: $(STAMP)
	$(VENV)/bin/celery -A apprentissage beat --loglevel=INFO

fmt: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

messages: $(STAMP)
	$(DEMO_ENV) $(PY) manage.py makemessages -l fr --ignore=.venv --ignore=staticfiles --no-obsolete
	$(PY) scripts/french_typography.py locale/fr/LC_MESSAGES/django.po

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles

# Production image: gunicorn serving Django, static files through whitenoise.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=apprentissage.settings

# Pango for WeasyPrint's PDFs, gettext to compile translations, fonts for the PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 gettext fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY apprentissage apprentissage
COPY recruitment recruitment
COPY lea lea
COPY planning planning
COPY evaluation evaluation
RUN pip install -c constraints.txt .
COPY . .

# Build-time only values: collectstatic and compilemessages need settings to import.
RUN SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput -v0 \
    && SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py compilemessages -v0 \
    && useradd --system --uid 1000 portail && mkdir -p /app/media && chown portail /app/media

USER portail
EXPOSE 8000
# Workers, timeouts and max-requests: gunicorn_config.py, each overridable by a GUNICORN_*
# environment variable (see README, Configuration).
CMD ["gunicorn", "--config", "gunicorn_config.py", "apprentissage.wsgi:application"]

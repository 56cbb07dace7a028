# Production image, three stages: NL Design System CSS (node), locked Python dependencies in a virtualenv
# (builder), and a slim runtime without compilers or npm that runs as a non-root user.
FROM node:20-bookworm-slim AS static
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY scripts/build-static.mjs scripts/
RUN mkdir -p static && npm run build

FROM python:3.11-slim-bookworm AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /venv
COPY requirements.lock /tmp/requirements.lock
RUN /venv/bin/pip install --require-hashes -r /tmp/requirements.lock

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings.production XDG_CACHE_HOME=/tmp/cache
# Runtime libraries of WeasyPrint (Pango, HarfBuzz), a font, gettext for the catalogues, pg client for backups.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz-subset0 fonts-dejavu-core postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 app
COPY --from=builder /venv /venv
WORKDIR /app
COPY --chown=app:app . .
COPY --from=static --chown=app:app /build/static/vendor static/vendor
# Compiled translations and collected static files are part of the image; the build needs no real secrets.
RUN python manage.py compilemessages --ignore=.venv --ignore=node_modules -v0 \
 && SECRET_KEY="$(python -c "import secrets; print(secrets.token_urlsafe(50))")" AUDITLOG_SLEUTEL="$(python -c "import secrets; print(secrets.token_urlsafe(40))")" DJANGO_ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.db \
    CELERY_BROKER_URL=redis://build:6379/0 python manage.py collectstatic --no-input -v0 \
 && mkdir -p /app/var/private && chown -R app:app /app/var
USER app
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --retries=5 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/gezondheid/', timeout=4)"]
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

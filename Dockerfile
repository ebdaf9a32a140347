# copgirls: the web application and the Celery worker share this image.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    COPGIRLS_VAR_DIR=/app/var

# WeasyPrint's libraries and fonts for the six UN languages (Arabic, Chinese, Cyrillic, Latin).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fonts-noto-core fonts-noto-cjk fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY copgirls ./copgirls
COPY events ./events
COPY assessments ./assessments
COPY reports ./reports
COPY api ./api
COPY demo ./demo
RUN pip install -c constraints.txt .
COPY . .

RUN useradd --system --uid 1000 --home /app copgirls \
 && mkdir -p /app/var /data/media \
 && DJANGO_ENV=production ALLOWED_HOSTS=build DATABASE_URL=sqlite:///:memory: \
    SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    PARTICIPANT_KEY_PEPPER="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    python manage.py collectstatic --noinput \
 && chown -R copgirls /app/var /data/media
USER copgirls

EXPOSE 8000
CMD ["gunicorn", "copgirls.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4"]

# The Overworld API: gunicorn serving overworld.wsgi on port 8000. Configured by the environment
# (see .env.example); docker-compose.yml runs it with PostgreSQL and Redis.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --system --create-home --uid 10001 overworld
WORKDIR /app

# Dependencies first, so that a code change reuses this layer.
COPY requirements.txt ./
RUN pip install -r requirements.txt

# Only what the app runs: no virtualenv, database or .env from the build context.
COPY manage.py ./
COPY overworld ./overworld
COPY users ./users
COPY games ./games

# The settings refuse to load without a strong key when DEBUG is off; this one exists only for the build.
RUN DJANGO_SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime-0123456789abcdef \
    python manage.py collectstatic --no-input

USER overworld
EXPOSE 8000
CMD ["gunicorn", "overworld.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

# The Overworld API: gunicorn serving overworld.wsgi on port 8000, configured by gunicorn.conf.py and the
# environment (see .env.example); docker-compose.yml runs it with PostgreSQL and Redis, and the same image
# runs the one-shot `python manage.py migrate` and the expired-token sweep.
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
COPY manage.py gunicorn.conf.py ./
COPY overworld ./overworld
COPY users ./users
COPY games ./games

# The settings refuse to load without a strong key when DEBUG is off; this one exists only for the build.
RUN DJANGO_SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime-0123456789abcdef \
    python manage.py collectstatic --no-input

# Profile pictures, when stored in files (docker-compose.yml mounts its media volume here, which takes
# this folder's owner).
RUN mkdir -p /app/media && chown overworld:overworld /app/media

USER overworld
ENV GUNICORN_BIND=0.0.0.0:8000
EXPOSE 8000
# Exec form: gunicorn is PID 1 and gets SIGTERM itself, for a graceful shutdown (gunicorn.conf.py).
CMD ["gunicorn", "--config", "gunicorn.conf.py", "overworld.wsgi"]

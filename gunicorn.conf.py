"""
gunicorn's settings for Overworld (`gunicorn --config gunicorn.conf.py overworld.wsgi`; gunicorn also
reads this file by itself when started from this folder). Each is tuned by an environment variable,
listed in .env.example; a command-line flag overrides both.
"""

import gc
import os


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Every worker keeps a database connection open (DATABASE_CONN_MAX_AGE): the cap keeps many-core machines
# from exhausting PostgreSQL's connections. Scale past it with more instances behind the load balancer.
MAX_DEFAULT_WORKERS = 12

# 0.0.0.0 in the container (the Dockerfile sets it); loopback for anyone trying it on a laptop.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Synchronous workers, each serving one request at a time; 2 per core + 1 keeps the cores busy while
# some workers wait on PostgreSQL or Redis.
workers = _env_int("WEB_CONCURRENCY", min(2 * (os.cpu_count() or 1) + 1, MAX_DEFAULT_WORKERS))

# A worker silent this long (a request stuck) is killed and replaced; the database and Redis time out
# well before (5 s and 2 s, overworld/settings.py), so a dependency that is down gets a 503 instead.
timeout = _env_int("GUNICORN_TIMEOUT", 30)
# On SIGTERM (a deploy, `docker compose stop`) workers finish the requests in flight for at most this
# long before they are killed; the container's stop grace period must be longer.
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 25)
# Seconds an idle keep-alive connection from the load balancer stays open (ignored by sync workers).
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)

# The app logs one structured line per request (overworld.middleware.RequestLogMiddleware), with the
# user and request id gunicorn cannot know: no access log. gunicorn's own messages go to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Proxies allowed to say the request came over HTTPS (X-Forwarded-Proto). Django trusts that header
# itself (SECURE_PROXY_SSL_HEADER); the client's address is TRUSTED_PROXIES' business.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The workers' heartbeat files: in memory where there is /dev/shm (Docker's overlay disk can stall them).
# gunicorn makes them with mkstemp, so a shared folder is safe.
SHARED_MEMORY = "/dev/shm"  # noqa: S108
if os.path.isdir(SHARED_MEMORY):
    worker_tmp_dir = SHARED_MEMORY

# Workers are counted at start and instances are added to scale; no runtime control socket, whose
# default path several servers on one machine would share.
control_socket_disable = True


def post_worker_init(worker):
    """
    The cyclic garbage collector, tuned for requests that allocate much (a profile of thousands of
    games builds tens of thousands of dicts and tuples, all alive until the answer is sent): the
    objects of the loaded app (Django, DRF, the URL configuration, ...), which live as long as the
    worker, are frozen out of its collections, and a young collection runs every 10,000 allocations
    instead of 700. Measured with the benchmark (bench/RESULTS.md): the heavy profile built per request
    went from ~51-55 to ~40-41 ms of CPU; answers that allocate little do not change.
    """
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)

"""
Real app servers for the tests that need more than one process: gunicorn (with gunicorn.conf.py and
production settings) on a free port of 127.0.0.1, over the test database, and a TCP proxy that can cut a
dependency's connections and let them through again.

The servers see only committed data: the tests using them run with `transaction=True`.
"""

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent.parent
START_TIMEOUT_SECONDS = 30
REQUEST_TIMEOUT_SECONDS = 15
# Where the recovery test finds Redis when the suite itself runs without it (as CI's PostgreSQL run does not).
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(*, host: str | None = None, port: int | None = None) -> str:
    """The URL of the test database (the one pytest-django created), optionally through another address."""
    database = connection.settings_dict
    credentials = quote(database["USER"] or "", safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    address = f"{host or database['HOST'] or '127.0.0.1'}:{port or database['PORT'] or 5432}"
    return f"postgres://{credentials}@{address}/{quote(database['NAME'], safe='')}"


def server_environment(cache_dir: Path, **overrides: str) -> dict[str, str]:
    """
    Production settings over the test database, sharing the test run's cache (Redis, or a folder) under
    a key prefix of their own, with JSON logs.
    """
    environment = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_LOG_FORMAT": "json",
        "DJANGO_LOG_LEVEL": "INFO",
        "DATABASE_URL": database_url(),
        "CACHE_KEY_PREFIX": f"live-{uuid.uuid4().hex}",
    }
    cache = settings.CACHES["default"]
    if cache["BACKEND"].endswith("RedisCache"):
        environment["REDIS_URL"] = cache["LOCATION"]
    else:
        environment.pop("REDIS_URL", None)
        environment["DJANGO_CACHE_DIR"] = str(cache_dir)
    environment.update(overrides)
    return environment


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: dict | list | None


class AppServer:
    """gunicorn with one worker, as deployed (gunicorn.conf.py), on a port of its own."""

    def __init__(self, environment: dict[str, str], log_path: Path):
        self.port = free_port()
        self.log_path = log_path
        self._environment = environment
        self._process: subprocess.Popen | None = None

    def start(self) -> "AppServer":
        command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", "1", "overworld.wsgi"]
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                command, cwd=BASE_DIR, env=self._environment, stdout=log, stderr=subprocess.STDOUT
            )
        return self

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            assert self._process.poll() is None, f"the server exited:\n{self.log()}"
            try:
                if self.request("GET", "/healthz").status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"the server did not answer within {START_TIMEOUT_SECONDS} s:\n{self.log()}")

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()  # SIGTERM: gunicorn's graceful stop
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=5)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def request_log(self) -> list[dict]:
        """The `overworld.request` lines the server wrote (it logs JSON)."""
        lines = []
        for line in self.log().splitlines():
            if line.startswith("{"):
                entry = json.loads(line)
                if entry.get("logger") == "overworld.request":
                    lines.append(entry)
        return lines

    def request(
        self,
        method: str,
        path: str,
        body: dict | None = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "Content-Type": "application/json",
                **({"Authorization": f"Token {token}"} if token else {}),
                **(headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:  # noqa: S310
                status, answer_headers, content = response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            status, answer_headers, content = error.code, dict(error.headers), error.read()
        return Answer(status, answer_headers, json.loads(content) if content else None)


class TcpProxy:
    """
    Forwards a port of 127.0.0.1 to `target`. `cut()` drops every open connection and closes new ones
    at once, as when the server behind it goes down; `restore()` lets traffic through again.
    """

    def __init__(self, target_host: str, target_port: int):
        self._target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._up = True
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            if not self._up:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self._target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets.update((client, upstream))
            for source, destination in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, destination), daemon=True).start()

    def _pump(self, source: socket.socket, destination: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                destination.sendall(data)
        except OSError:
            pass
        finally:
            self._drop(source, destination)

    def _drop(self, *sockets: socket.socket) -> None:
        with self._lock:
            self._sockets.difference_update(sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def cut(self) -> None:
        self._up = False
        with self._lock:
            sockets = list(self._sockets)
        self._drop(*sockets)

    def restore(self) -> None:
        self._up = True

    def close(self) -> None:
        self.cut()
        self._listener.close()

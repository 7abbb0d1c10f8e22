"""
A fake IGDB and Twitch on loopback: a real HTTP server, in a thread, that plays the recorded answers
of `igdb_recordings/` in the order a test queues them. Nothing here reaches the internet.
"""

import json
import threading
import time
from dataclasses import dataclass
from fnmatch import fnmatchcase
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

RECORDINGS = Path(__file__).parent / "igdb_recordings"


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: str
    at: float


class FakeIgdb:
    """The loopback server's script: exchanges to play, and the requests it received."""

    def __init__(self):
        self.exchanges: list[dict] = []
        self.requests: list[ReceivedRequest] = []
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.url = ""

    def play(self, *names: str) -> "FakeIgdb":
        """Queues the exchanges of these recordings (file names without `.json`), in order."""
        for name in names:
            recording = json.loads((RECORDINGS / f"{name}.json").read_text())
            self.exchanges.extend(recording["exchanges"])
        return self

    def next_exchange(self, request: ReceivedRequest) -> dict | None:
        with self.lock:
            self.requests.append(request)
            if not self.exchanges:
                self.errors.append(f"Unexpected request: {request.method} {request.path} {request.body!r}")
                return None
            exchange = self.exchanges.pop(0)
            expected = exchange["request"]
            if expected["method"] != request.method or not fnmatchcase(request.path, expected["path"]):
                self.errors.append(
                    f"Expected {expected['method']} {expected['path']}, got {request.method} {request.path}"
                )
                return None
            return exchange

    @property
    def igdb_requests(self) -> list[ReceivedRequest]:
        return [request for request in self.requests if request.path.startswith("/v4/")]

    @property
    def token_requests(self) -> list[ReceivedRequest]:
        return [request for request in self.requests if request.path == "/oauth2/token"]


def _handler(fake: FakeIgdb):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode()
            received = ReceivedRequest("POST", self.path, dict(self.headers.items()), body, time.monotonic())
            exchange = fake.next_exchange(received)
            if exchange is None:
                # A 4xx the client does not retry: the test fails on fake.errors, not on a retry loop.
                self._answer(418, {}, b'{"message": "not in the script"}')
                return
            time.sleep(exchange.get("delay", 0))
            response = exchange["response"]
            raw = response.get("raw_body")
            payload = raw.encode() if raw is not None else json.dumps(response.get("body")).encode()
            self._answer(response["status"], response.get("headers", {}), payload)

        def _answer(self, status: int, headers: dict, payload: bytes) -> None:
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                # The client gave up (its timeout) and closed the connection.
                pass

        def log_message(self, format, *args):
            pass

    return Handler


@pytest.fixture
def igdb_server():
    """The fake IGDB and Twitch, on a free loopback port; every queued exchange must be played."""
    fake = FakeIgdb()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    # shutdown() waits for the loop's next poll: a short one ends each test within 5 ms, not 50.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.005}, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield fake
    server.shutdown()
    server.server_close()
    assert not fake.errors, fake.errors
    assert not fake.exchanges, f"Exchanges never played: {fake.exchanges}"


@pytest.fixture
def fake_igdb(settings, igdb_server):
    """
    IGDB configured, pointed at the loopback server, with fast retries and a generous rate limit. The
    timeout is generous too, so that a busy machine never times out by accident; tests of timeouts
    shorten it.
    """
    settings.IGDB_CLIENT_ID = "test-client-id"
    settings.IGDB_CLIENT_SECRET = "test-client-secret"
    settings.IGDB_API_URL = f"{igdb_server.url}/v4"
    settings.TWITCH_TOKEN_URL = f"{igdb_server.url}/oauth2/token"
    settings.IGDB_TIMEOUT_SECONDS = 5.0
    settings.IGDB_REQUEST_BUDGET_SECONDS = 15
    settings.IGDB_MAX_RETRIES = 2
    settings.IGDB_RETRY_BACKOFF_SECONDS = 0.01
    settings.IGDB_REQUESTS_PER_SECOND = 1000
    return igdb_server

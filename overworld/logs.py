"""
The two log formats, chosen by DJANGO_LOG_FORMAT: `text` (the default), one readable line per record
ending in key=value pairs, or `json`, one JSON object per line for a log pipeline.

A record's structured fields travel in `extra={"fields": {...}}` (the request log of
`overworld.middleware.RequestLogMiddleware` does so); both formats print them after the usual time,
level, logger and message.

Every line written while a request is handled (the security log, e-mails, `django.request`, ...)
also carries that request's `request_id`: the middleware sets `current_request_id` for the request,
and `RequestIdFilter`, on the handler, copies it onto each record.
"""

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

# The id of the request being handled in this context, if any (overworld.middleware sets it).
current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)


class RequestIdFilter(logging.Filter):
    """Gives each record the `request_id` of the request it was written for (None outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id.get()
        return True


# Characters that would make a key=value line ambiguous: a value holding one of these is quoted.
_NEEDS_QUOTES = frozenset(' "=\\')


def _timestamp(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _fields(record: logging.LogRecord) -> dict:
    fields = getattr(record, "fields", None)
    fields = dict(fields) if isinstance(fields, dict) else {}
    request_id = getattr(record, "request_id", None)
    if request_id is not None:
        fields.setdefault("request_id", request_id)
    return fields


def _key_value(value) -> str:
    if value is None:
        return "-"
    text = str(value)
    # A path is user input: quoting (with JSON's escapes) keeps a crafted one from forging a line.
    if text and text.isascii() and text.isprintable() and not _NEEDS_QUOTES.intersection(text):
        return text
    return json.dumps(text)


class KeyValueFormatter(logging.Formatter):
    """`2026-01-31T12:00:00.000Z INFO overworld.request request method=GET path=/healthz status=200 ...`"""

    def format(self, record: logging.LogRecord) -> str:
        pairs = "".join(f" {key}={_key_value(value)}" for key, value in _fields(record).items())
        line = f"{_timestamp(record)} {record.levelname} {record.name} {record.getMessage()}{pairs}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        if record.stack_info:
            line += "\n" + self.formatStack(record.stack_info)
        return line


class JsonFormatter(logging.Formatter):
    """`{"time": ..., "level": ..., "logger": ..., "message": ..., <fields>}`, a traceback as "exception"."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)

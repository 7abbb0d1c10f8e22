"""
Django's e-mail settings from the environment: `EMAIL_URL`, or the usual `EMAIL_*` variables.

`EMAIL_URL` says it in one line, like `DATABASE_URL`:

    smtp://user:password@mail.example.com:587?tls=1    SMTP with STARTTLS (port 587 by default with tls)
    smtps://user:password@mail.example.com             SMTP over TLS (port 465 by default)
    console://                                          print every message on standard output
    file:///var/mail/overworld                          one file per message in that folder
    locmem:// , dummy://                                kept in memory / dropped

The user and password are percent-encoded (`@` is `%40`). Query parameters: `tls`, `ssl` (booleans) and
`timeout` (seconds). With `EMAIL_URL` set, the other `EMAIL_*` connection variables are ignored.

Without it, Django's own variables apply (`EMAIL_BACKEND`, `EMAIL_HOST`, `EMAIL_PORT`, `EMAIL_HOST_USER`,
`EMAIL_HOST_PASSWORD`, `EMAIL_USE_TLS`, `EMAIL_USE_SSL`, `EMAIL_TIMEOUT`); when none of them is set and
DEBUG is on, messages go to the console, so that a newcomer sees them.
"""

from collections.abc import Mapping
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from overworld.config_values import boolean, positive, url_query

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
BACKENDS_BY_SCHEME = {
    "smtp": SMTP_BACKEND,
    "smtps": SMTP_BACKEND,
    "console": CONSOLE_BACKEND,
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}
# Seconds to wait for the mail server before giving up (Django's default is to wait forever).
DEFAULT_TIMEOUT = 10
_CONNECTION_VARIABLES = (
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
)


def _checked(config: dict) -> dict:
    if config["EMAIL_USE_TLS"] and config["EMAIL_USE_SSL"]:
        raise ImproperlyConfigured("E-mail: use TLS (STARTTLS) or SSL, not both.")
    return config


def parse_email_url(url: str) -> dict:
    """The e-mail settings that `url` describes (see the module's docstring)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in BACKENDS_BY_SCHEME:
        raise ImproperlyConfigured(
            f"EMAIL_URL: unknown scheme {parts.scheme!r}; use one of {', '.join(BACKENDS_BY_SCHEME)}."
        )
    query = url_query("EMAIL_URL", parts, {"tls", "ssl", "timeout"})
    use_tls = boolean("EMAIL_URL's tls", query.get("tls", "false"))
    use_ssl = scheme == "smtps" or boolean("EMAIL_URL's ssl", query.get("ssl", "false"))
    try:
        port = parts.port
    except ValueError as error:
        raise ImproperlyConfigured(f"EMAIL_URL: invalid port in {url!r}.") from error
    config = {
        "EMAIL_BACKEND": BACKENDS_BY_SCHEME[scheme],
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": port or (465 if use_ssl else 587 if use_tls else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_TIMEOUT": positive("EMAIL_URL's timeout", query["timeout"])
        if "timeout" in query
        else DEFAULT_TIMEOUT,
    }
    if scheme == "file":
        if not parts.path:
            raise ImproperlyConfigured("EMAIL_URL: file:// needs a folder, e.g. file:///var/mail/overworld.")
        config["EMAIL_FILE_PATH"] = unquote(parts.path)
    return _checked(config)


def email_settings(environ: Mapping[str, str], *, debug: bool) -> dict:
    """Django's EMAIL_* settings from `environ`: EMAIL_URL, else the EMAIL_* variables."""
    if environ.get("EMAIL_URL"):
        return parse_email_url(environ["EMAIL_URL"])
    configured = any(environ.get(name) for name in _CONNECTION_VARIABLES)
    return _checked(
        {
            "EMAIL_BACKEND": environ.get("EMAIL_BACKEND")
            or (SMTP_BACKEND if configured or not debug else CONSOLE_BACKEND),
            "EMAIL_HOST": environ.get("EMAIL_HOST") or "localhost",
            "EMAIL_PORT": positive("EMAIL_PORT", environ["EMAIL_PORT"]) if environ.get("EMAIL_PORT") else 25,
            "EMAIL_HOST_USER": environ.get("EMAIL_HOST_USER", ""),
            "EMAIL_HOST_PASSWORD": environ.get("EMAIL_HOST_PASSWORD", ""),
            "EMAIL_USE_TLS": boolean("EMAIL_USE_TLS", environ.get("EMAIL_USE_TLS", "false")),
            "EMAIL_USE_SSL": boolean("EMAIL_USE_SSL", environ.get("EMAIL_USE_SSL", "false")),
            "EMAIL_TIMEOUT": positive("EMAIL_TIMEOUT", environ["EMAIL_TIMEOUT"])
            if environ.get("EMAIL_TIMEOUT")
            else DEFAULT_TIMEOUT,
        }
    )

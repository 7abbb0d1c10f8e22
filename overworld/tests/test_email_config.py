"""E-mail settings from the environment (overworld/email_config.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from overworld.email_config import CONSOLE_BACKEND, SMTP_BACKEND, email_settings, parse_email_url
from overworld.tests.fresh_settings import run_with_settings


def test_smtp_url_with_starttls():
    config = parse_email_url("smtp://mailer:p%40ss%3Aword@mail.example.com:2525?tls=1&timeout=5")

    assert config == {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": "mail.example.com",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "p@ss:word",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 5,
    }


@pytest.mark.parametrize(
    ("url", "port", "tls", "ssl"),
    [
        ("smtp://mail.example.com", 25, False, False),
        ("smtp://mail.example.com?tls=true", 587, True, False),
        ("smtps://mail.example.com", 465, False, True),
        ("smtp://mail.example.com?ssl=1", 465, False, True),
    ],
)
def test_smtp_default_ports(url, port, tls, ssl):
    config = parse_email_url(url)

    assert (config["EMAIL_PORT"], config["EMAIL_USE_TLS"], config["EMAIL_USE_SSL"]) == (port, tls, ssl)
    assert config["EMAIL_TIMEOUT"] == 10


def test_console_and_file_urls():
    assert parse_email_url("console://")["EMAIL_BACKEND"] == CONSOLE_BACKEND
    config = parse_email_url("file:///var/mail/overworld")
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert config["EMAIL_FILE_PATH"] == "/var/mail/overworld"


@pytest.mark.parametrize(
    "url",
    [
        "smpt://mail.example.com",  # a typo in the scheme
        "smtp://mail.example.com?tsl=1",  # a typo in a parameter
        "smtp://mail.example.com?tls=maybe",
        "smtp://mail.example.com?tls=1&ssl=1",
        "smtp://mail.example.com:notaport",
        "smtp://mail.example.com?timeout=0",
        "file://",
    ],
)
def test_a_wrong_url_stops_the_start(url):
    with pytest.raises(ImproperlyConfigured):
        parse_email_url(url)


def test_nothing_configured_is_the_console_with_debug_and_local_smtp_without():
    assert email_settings({}, debug=True)["EMAIL_BACKEND"] == CONSOLE_BACKEND
    production = email_settings({}, debug=False)
    assert (production["EMAIL_BACKEND"], production["EMAIL_HOST"], production["EMAIL_PORT"]) == (
        SMTP_BACKEND,
        "localhost",
        25,
    )


def test_the_usual_email_variables():
    config = email_settings(
        {
            "EMAIL_HOST": "mail.example.com",
            "EMAIL_PORT": "587",
            "EMAIL_HOST_USER": "mailer",
            "EMAIL_HOST_PASSWORD": "secret",
            "EMAIL_USE_TLS": "true",
            "EMAIL_TIMEOUT": "3",
        },
        debug=True,
    )

    # A configured server is used even with DEBUG on.
    assert config == {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": "mail.example.com",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "secret",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 3,
    }


def test_email_url_wins_over_the_variables():
    config = email_settings({"EMAIL_URL": "console://", "EMAIL_HOST": "mail.example.com"}, debug=False)

    assert config["EMAIL_BACKEND"] == CONSOLE_BACKEND


def test_an_explicit_backend_is_kept():
    backend = "django.core.mail.backends.locmem.EmailBackend"

    assert email_settings({"EMAIL_BACKEND": backend}, debug=False)["EMAIL_BACKEND"] == backend


@pytest.mark.parametrize(
    "environ",
    [{"EMAIL_PORT": "twenty-five"}, {"EMAIL_USE_TLS": "sure"}, {"EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}],
)
def test_wrong_variables_stop_the_start(environ):
    with pytest.raises(ImproperlyConfigured):
        email_settings(environ, debug=False)


# The settings module, imported in a fresh interpreter with exactly this environment.

PRINT_EMAIL_SETTINGS = (
    "from django.conf import settings as s; "
    "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.FRONTEND_URL, "
    "s.PASSWORD_RESET_TIMEOUT, s.EMAIL_VERIFICATION_TIMEOUT, s.EMAIL_VERIFICATION_REQUIRED, "
    "s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['email_address'])"
)


def load_settings(**environment):
    return run_with_settings(PRINT_EMAIL_SETTINGS, **environment)


def test_the_settings_read_the_email_environment():
    result = load_settings(
        DJANGO_DEBUG="true",
        EMAIL_URL="smtp://u:p@mail.example.com?tls=1",
        FRONTEND_URL="https://overworld.example.com/",
        PASSWORD_RESET_TIMEOUT="900",
        EMAIL_VERIFICATION_TIMEOUT="3600",
        EMAIL_VERIFICATION_REQUIRED="true",
        THROTTLE_EMAIL_ADDRESS="3/hour",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        SMTP_BACKEND,
        "mail.example.com",
        "587",
        "True",
        "https://overworld.example.com",
        "900",
        "3600",
        "True",
        "3/hour",
    ]


def test_the_defaults_print_to_the_console_in_development():
    result = load_settings(DJANGO_DEBUG="true")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        CONSOLE_BACKEND,
        "localhost",
        "25",
        "False",
        "http://localhost:3000",
        "3600",
        "259200",
        "False",
        "5/hour",
    ]


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"FRONTEND_URL": "overworld.example.com"}, "FRONTEND_URL must start with http"),
        ({"FRONTEND_PASSWORD_RESET_PATH": "/reset/{token}"}, "FRONTEND_PASSWORD_RESET_PATH must"),
        ({"FRONTEND_EMAIL_VERIFICATION_PATH": "verify/{key}"}, "FRONTEND_EMAIL_VERIFICATION_PATH must"),
        ({"EMAIL_URL": "smtp://mail.example.com?tls=1&ssl=1"}, "not both"),
    ],
)
def test_wrong_email_settings_stop_the_start(environment, message):
    result = load_settings(DJANGO_DEBUG="true", **environment)

    assert result.returncode != 0
    assert message in result.stderr

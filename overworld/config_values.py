"""
Reading the values of settings from their text (an environment variable, a URL's parameter), with an
ImproperlyConfigured that names the setting when one is malformed. Shared by overworld/settings.py,
overworld/email_config.py and overworld/storage_config.py.
"""

from urllib.parse import SplitResult, parse_qs

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def boolean(name: str, value: str) -> bool:
    if value.strip().lower() in TRUE:
        return True
    if value.strip().lower() in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {value!r}.")


def integer(name: str, value: str) -> int:
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from error


def positive(name: str, value: str) -> int:
    number = integer(name, value)
    if number <= 0:
        raise ImproperlyConfigured(f"{name} must be positive, not {value!r}.")
    return number


def url_query(name: str, parts: SplitResult, allowed: set[str]) -> dict[str, str]:
    """The parameters of the URL of setting `name` (the last of a repeated one); refuses unknown ones."""
    query = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
    unknown = set(query) - allowed
    if unknown:
        raise ImproperlyConfigured(f"{name}: unknown parameter(s) {', '.join(sorted(unknown))}.")
    return query

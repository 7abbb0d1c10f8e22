"""
Where profile pictures are stored: the `avatars` entry of Django's STORAGES, from the environment.

By default, files on this machine: `MEDIA_ROOT/avatars/`, at `MEDIA_URL` + `avatars/`. Several web
processes on several machines must share an S3-compatible store instead, named in one line:

    AVATAR_STORAGE_URL=s3://bucket/prefix?endpoint_url=https://s3.example.com&region_name=eu-west-1

The user and password of the URL, when present, are the access key and its secret (percent-encoded);
without them the usual AWS credentials apply (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, an instance
role, ...). Query parameters: `endpoint_url` (any S3-compatible server), `region_name`, `custom_domain`
(a CDN's host name, serving the bucket), `addressing_style` (`path` or `virtual`), `querystring_auth`
(true: signed URLs that expire after `querystring_expire` seconds, for a private bucket; default false:
the bucket, or the prefix, is publicly readable). The prefix defaults to `avatars`.

Without AVATAR_STORAGE_URL, setting AWS_STORAGE_BUCKET_NAME selects S3 too, with the same settings read
from django-storages' usual variables (AWS_S3_ENDPOINT_URL, AWS_S3_REGION_NAME, AWS_S3_CUSTOM_DOMAIN,
AWS_S3_ADDRESSING_STYLE, AWS_QUERYSTRING_AUTH, AWS_QUERYSTRING_EXPIRE, AWS_LOCATION).
"""

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from overworld.config_values import boolean, positive, url_query

FILE_SYSTEM_BACKEND = "django.core.files.storage.FileSystemStorage"
S3_BACKEND = "storages.backends.s3.S3Storage"
DEFAULT_PREFIX = "avatars"
# A file's name is random and never reused: every cache may keep it for good.
CACHE_CONTROL = "public, max-age=31536000, immutable"

# URL parameter -> S3Storage option, and the same option's usual environment variable.
_TEXT_OPTIONS = {
    "endpoint_url": "AWS_S3_ENDPOINT_URL",
    "region_name": "AWS_S3_REGION_NAME",
    "custom_domain": "AWS_S3_CUSTOM_DOMAIN",
    "addressing_style": "AWS_S3_ADDRESSING_STYLE",
}


def _s3(options: dict) -> dict:
    if options.get("addressing_style") not in (None, "path", "virtual", "auto"):
        raise ImproperlyConfigured("The S3 addressing style must be path, virtual or auto.")
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "querystring_auth": False,
            "object_parameters": {"CacheControl": CACHE_CONTROL},
            **options,
        },
    }


def parse_avatar_storage_url(url: str) -> dict:
    """The STORAGES entry that AVATAR_STORAGE_URL describes (see the module's docstring)."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "s3" or not parts.hostname:
        raise ImproperlyConfigured(f"AVATAR_STORAGE_URL must look like s3://bucket/prefix?..., not {url!r}.")
    query = url_query("AVATAR_STORAGE_URL", parts, {*_TEXT_OPTIONS, "querystring_auth", "querystring_expire"})
    # The bucket is the URL's host as written (urlsplit's hostname would lowercase it).
    bucket = parts.netloc.rpartition("@")[2]
    options = {
        "bucket_name": bucket,
        "location": unquote(parts.path).strip("/") or DEFAULT_PREFIX,
        **{name: query[name] for name in _TEXT_OPTIONS if query.get(name)},
    }
    if "querystring_auth" in query:
        options["querystring_auth"] = boolean(
            "AVATAR_STORAGE_URL's querystring_auth", query["querystring_auth"]
        )
    if "querystring_expire" in query:
        options["querystring_expire"] = positive(
            "AVATAR_STORAGE_URL's querystring_expire", query["querystring_expire"]
        )
    if parts.username:
        options["access_key"] = unquote(parts.username)
        options["secret_key"] = unquote(parts.password or "")
    return _s3(options)


def avatar_storage(environ: Mapping[str, str], *, media_root: Path, media_url: str) -> dict:
    """The `avatars` entry of STORAGES: AVATAR_STORAGE_URL, else AWS_STORAGE_BUCKET_NAME, else files."""
    if environ.get("AVATAR_STORAGE_URL"):
        return parse_avatar_storage_url(environ["AVATAR_STORAGE_URL"])
    if environ.get("AWS_STORAGE_BUCKET_NAME"):
        options = {
            "bucket_name": environ["AWS_STORAGE_BUCKET_NAME"],
            "location": environ.get("AWS_LOCATION", "").strip("/") or DEFAULT_PREFIX,
            **{name: environ[variable] for name, variable in _TEXT_OPTIONS.items() if environ.get(variable)},
        }
        if environ.get("AWS_QUERYSTRING_AUTH"):
            options["querystring_auth"] = boolean("AWS_QUERYSTRING_AUTH", environ["AWS_QUERYSTRING_AUTH"])
        if environ.get("AWS_QUERYSTRING_EXPIRE"):
            options["querystring_expire"] = positive(
                "AWS_QUERYSTRING_EXPIRE", environ["AWS_QUERYSTRING_EXPIRE"]
            )
        return _s3(options)
    return {
        "BACKEND": FILE_SYSTEM_BACKEND,
        "OPTIONS": {
            "location": str(Path(media_root) / DEFAULT_PREFIX),
            "base_url": f"{media_url}{DEFAULT_PREFIX}/",
        },
    }

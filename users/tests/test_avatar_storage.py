"""
Where pictures are stored: the settings of the `avatars` storage, and the S3 path end to end against an
S3-compatible server (moto's) started here on loopback.
"""

import logging

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from moto.server import ThreadedMotoServer

from overworld.storage_config import (
    CACHE_CONTROL,
    FILE_SYSTEM_BACKEND,
    S3_BACKEND,
    avatar_storage,
    parse_avatar_storage_url,
)
from users.tests.images import image_file

BUCKET = "overworld-avatars"
ACCESS_KEY, SECRET_KEY = "test-access-key", "test-secret-key"


def test_files_under_media_root_by_default(tmp_path):
    config = avatar_storage({}, media_root=tmp_path, media_url="/media/")

    assert config == {
        "BACKEND": FILE_SYSTEM_BACKEND,
        "OPTIONS": {"location": str(tmp_path / "avatars"), "base_url": "/media/avatars/"},
    }


def test_avatar_storage_url_names_an_s3_compatible_store(tmp_path):
    config = avatar_storage(
        {
            "AVATAR_STORAGE_URL": (
                "s3://key%2Fid:se%40cret@My-Bucket/pictures/?endpoint_url=https://s3.example.com"
                "&region_name=eu-west-1&custom_domain=cdn.example.com&addressing_style=path"
            )
        },
        media_root=tmp_path,
        media_url="/media/",
    )

    assert config == {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "querystring_auth": False,
            "object_parameters": {"CacheControl": CACHE_CONTROL},
            "bucket_name": "My-Bucket",
            "location": "pictures",
            "endpoint_url": "https://s3.example.com",
            "region_name": "eu-west-1",
            "custom_domain": "cdn.example.com",
            "addressing_style": "path",
            "access_key": "key/id",
            "secret_key": "se@cret",
        },
    }


def test_a_private_bucket_gets_signed_urls():
    options = parse_avatar_storage_url("s3://bucket?querystring_auth=true&querystring_expire=7200")["OPTIONS"]

    assert options["querystring_auth"] is True
    assert options["querystring_expire"] == 7200
    assert options["location"] == "avatars"
    assert "access_key" not in options  # boto3's own credentials chain


def test_the_usual_aws_variables_select_s3_too(tmp_path):
    config = avatar_storage(
        {
            "AWS_STORAGE_BUCKET_NAME": "bucket",
            "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_QUERYSTRING_AUTH": "false",
        },
        media_root=tmp_path,
        media_url="/media/",
    )

    assert config["BACKEND"] == S3_BACKEND
    assert config["OPTIONS"] | {"bucket_name": "bucket"} == config["OPTIONS"]
    assert config["OPTIONS"]["endpoint_url"] == "http://127.0.0.1:9000"
    assert config["OPTIONS"]["location"] == "avatars"


@pytest.mark.parametrize(
    "url",
    [
        "http://bucket/",
        "s3://",
        "s3://bucket?unknown=1",
        "s3://bucket?querystring_auth=maybe",
        "s3://b?addressing_style=x",
    ],
)
def test_a_wrong_storage_url_stops_the_start(url):
    with pytest.raises(ImproperlyConfigured):
        parse_avatar_storage_url(url)


def test_the_settings_module_reads_the_storage_from_the_environment():
    from overworld.tests.fresh_settings import STRONG_KEY, run_with_settings

    result = run_with_settings(
        "from django.conf import settings as s; print(s.STORAGES['avatars']['BACKEND'], s.MEDIA_URL)",
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="example.com",
        AVATAR_STORAGE_URL="s3://bucket",
        DJANGO_MEDIA_URL="https://api.example.com/media/",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [S3_BACKEND, "https://api.example.com/media/"]


# --- End to end against an S3-compatible server on loopback ---


@pytest.fixture(scope="module")
def s3_server():
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(s3_server, settings):
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "avatars": parse_avatar_storage_url(
            f"s3://{ACCESS_KEY}:{SECRET_KEY}@{BUCKET}/avatars?endpoint_url={s3_server}&region_name=us-east-1"
        ),
    }
    yield client
    for stored in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=stored["Key"])
    client.delete_bucket(Bucket=BUCKET)


def stored_keys(client) -> set[str]:
    return {stored["Key"] for stored in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


@pytest.mark.django_db
def test_pictures_live_in_the_bucket_from_upload_to_account_deletion(
    s3_bucket, s3_server, auth_client, user, password, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = auth_client.put(
            "/api/users/madeline/avatar/", data=image_file("PNG"), content_type="image/png"
        )
    assert first.status_code == 200, first.content
    first_keys = stored_keys(s3_bucket)
    assert len(first_keys) == 2 and all(key.startswith("avatars/") for key in first_keys)
    large = first.json()["avatar"]["large"]
    assert large.startswith(f"{s3_server}/{BUCKET}/avatars/") and "Signature" not in large
    key = large.removeprefix(f"{s3_server}/{BUCKET}/")
    stored = s3_bucket.get_object(Bucket=BUCKET, Key=key)
    assert stored["ContentType"] == "image/webp"
    assert stored["CacheControl"] == CACHE_CONTROL
    assert stored["Body"].read()[8:12] == b"WEBP"

    with django_capture_on_commit_callbacks(execute=True):
        second = auth_client.put(
            "/api/users/madeline/avatar/", data=image_file("GIF"), content_type="image/gif"
        )
    assert second.status_code == 200
    assert stored_keys(s3_bucket).isdisjoint(first_keys)
    assert len(stored_keys(s3_bucket)) == 2

    with django_capture_on_commit_callbacks(execute=True):
        assert auth_client.delete("/api/users/user/", {"password": password}).status_code == 204
    assert stored_keys(s3_bucket) == set()


def test_compose_keeps_file_pictures_in_a_volume_the_image_prepares():
    import yaml

    from overworld.tests.live import BASE_DIR

    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    assert "media:/app/media" in compose["services"]["web"]["volumes"]
    assert "media" in compose["volumes"]
    assert "chown overworld:overworld /app/media" in (BASE_DIR / "Dockerfile").read_text()
    environment = (BASE_DIR / ".env.example").read_text()
    for variable in (
        "DJANGO_MEDIA_ROOT",
        "DJANGO_MEDIA_URL",
        "DJANGO_SERVE_MEDIA",
        "AVATAR_STORAGE_URL",
        "THROTTLE_AVATAR",
    ):
        assert f"{variable}=" in environment

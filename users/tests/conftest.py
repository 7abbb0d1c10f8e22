import pytest

# The loopback IGDB, for the original web client's catalogue (test_legacy_client.py).
from games.tests.conftest import fake_igdb, igdb_server  # noqa: F401
from users.tests.mailbox import FRONTEND_URL


@pytest.fixture(autouse=True)
def _frontend_url(settings):
    settings.FRONTEND_URL = FRONTEND_URL


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """
    Calls `call(*args, **kwargs)` (a request, a service), then the on-commit hooks it left, as the end
    of a real transaction would: e-mails leave on commit, and a test's transaction never commits.
    """

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


@pytest.fixture
def avatar_storage(settings, tmp_path):
    """Profile pictures in files under a temporary MEDIA_ROOT, served by the app (SERVE_MEDIA)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SERVE_MEDIA = True
    settings.STORAGES = {
        **settings.STORAGES,
        "avatars": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media" / "avatars"), "base_url": "/media/avatars/"},
        },
    }
    return tmp_path / "media" / "avatars"

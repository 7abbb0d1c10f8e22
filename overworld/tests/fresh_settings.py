"""The settings module imported in a fresh interpreter, with exactly the environment a test gives."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Long and random enough for the production checks of the settings.
STRONG_KEY = "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz!@#$%"


def run_with_settings(code: str, **environment) -> subprocess.CompletedProcess:
    """Runs `code` after django.setup() in a new Python process whose environment is `environment`."""
    env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "overworld.settings", **environment}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

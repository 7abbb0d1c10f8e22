"""The settings module imported in a fresh interpreter, with exactly the environment a test gives."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Long and random enough for the production checks of the settings.
STRONG_KEY = "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz!@#$%"


def run_with_settings(code: str, *, setup: bool = False, **environment) -> subprocess.CompletedProcess:
    """
    Runs `code` in a new Python process whose environment is `environment`, once the settings module
    is loaded (the start refuses a wrong value there); with `setup`, after django.setup() (the apps
    and the logging too), which costs that process about a second instead of a tenth.
    """
    env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "overworld.settings", **environment}
    start = "import django; django.setup()" if setup else "from django.conf import settings; settings.DEBUG"
    return subprocess.run(
        [sys.executable, "-c", f"{start}; {code}"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

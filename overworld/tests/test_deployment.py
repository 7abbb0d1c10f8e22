"""
What the deployment files mean, beyond the Compose Specification's schema (checked in CI): the
processes and their order in docker-compose.yml, gunicorn.conf.py, the Dockerfile, and .env.example.
"""

import gc
import re
import runpy
import subprocess
import sys
import types

import gunicorn.config
import pytest
import yaml

from overworld.tests.live import BASE_DIR, AppServer, server_environment

COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
ENV_EXAMPLE = (BASE_DIR / ".env.example").read_text()
GUNICORN_CONF = BASE_DIR / "gunicorn.conf.py"


def documented_variables() -> set[str]:
    """Every NAME of a `NAME=value` line of .env.example, commented out or not."""
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE, flags=re.MULTILINE))


def test_compose_runs_the_database_redis_a_one_shot_migrate_the_app_and_the_cron_job():
    assert set(SERVICES) == {"db", "redis", "migrate", "web", "clearexpiredtokens"}
    assert SERVICES["migrate"]["command"] == ["python", "manage.py", "migrate", "--no-input"]
    assert SERVICES["migrate"]["restart"] == "no"
    assert SERVICES["clearexpiredtokens"]["command"][-1].count("manage.py clearexpiredtokens") == 1


def test_the_app_starts_once_migrations_succeeded_and_its_dependencies_are_healthy():
    assert SERVICES["web"]["depends_on"] == {
        "migrate": {"condition": "service_completed_successfully"},
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    assert SERVICES["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert "healthcheck" in SERVICES["db"]
    assert "healthcheck" in SERVICES["redis"]


def test_every_container_of_the_app_shares_one_image_and_one_configuration():
    app = {"build", "image", "env_file", "environment"}
    for name in ("migrate", "web", "clearexpiredtokens"):
        assert {key: SERVICES[name][key] for key in app} == {key: SERVICES["web"][key] for key in app}
    assert set(SERVICES["web"]["environment"]) == {"DATABASE_URL", "REDIS_URL"}


def test_the_app_health_check_asks_readyz():
    probe = SERVICES["web"]["healthcheck"]["test"]

    assert probe[:3] == ["CMD", "python", "-c"]
    assert "http://127.0.0.1:8000/readyz" in probe[3]


def test_the_container_stops_later_than_gunicorn_finishes_its_requests(monkeypatch):
    monkeypatch.delenv("GUNICORN_GRACEFUL_TIMEOUT", raising=False)
    grace = int(SERVICES["web"]["stop_grace_period"].removesuffix("s"))

    assert runpy.run_path(str(GUNICORN_CONF))["graceful_timeout"] < grace


def test_every_variable_compose_and_gunicorn_read_is_in_env_example():
    compose_variables = set(re.findall(r"\$\{([A-Z0-9_]+)", (BASE_DIR / "docker-compose.yml").read_text()))
    gunicorn_variables = set(re.findall(r'"([A-Z][A-Z0-9_]+)"', GUNICORN_CONF.read_text()))

    assert compose_variables == {"POSTGRES_PASSWORD"}
    assert gunicorn_variables >= {"WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS", "GUNICORN_TIMEOUT"}
    assert (compose_variables | gunicorn_variables | {"DJANGO_LOG_FORMAT"}) <= documented_variables()


@pytest.mark.parametrize(("cores", "workers"), [(1, 3), (2, 5), (4, 9), (64, 12)])
def test_workers_follow_the_cpu_count_with_a_cap(monkeypatch, cores, workers):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: cores)

    assert runpy.run_path(str(GUNICORN_CONF))["workers"] == workers


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_TIMEOUT", "60")
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.0/8")

    config = runpy.run_path(str(GUNICORN_CONF))

    assert config["workers"] == 3
    assert config["timeout"] == 60
    assert config["forwarded_allow_ips"] == "10.0.0.0/8"
    assert config["accesslog"] is None  # the app logs each request itself


def test_gunicorn_knows_every_setting_of_the_config_file():
    # gunicorn silently ignores a name it does not know: a misspelt setting would never apply.
    names = {
        name
        for name, value in runpy.run_path(str(GUNICORN_CONF)).items()
        if name.islower() and not name.startswith("_") and not isinstance(value, types.ModuleType)
    }

    assert names
    assert names <= set(gunicorn.config.Config().settings)


def test_workers_tune_the_garbage_collector_once_the_app_is_loaded():
    hook = runpy.run_path(str(GUNICORN_CONF))["post_worker_init"]
    threshold = gc.get_threshold()
    try:
        hook(worker=None)

        assert gc.get_freeze_count() > 0  # the app's objects, out of the collections
        assert gc.get_threshold()[0] == 10_000
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


def test_the_image_runs_gunicorn_with_the_config_file():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()

    assert 'CMD ["gunicorn", "--config", "gunicorn.conf.py", "overworld.wsgi"]' in dockerfile
    assert re.search(r"^COPY .*gunicorn\.conf\.py", dockerfile, flags=re.MULTILINE)
    assert "ENV GUNICORN_BIND=0.0.0.0:8000" in dockerfile


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_the_compose_health_check_passes_against_a_server_with_production_hosts(tmp_path):
    # The probe runs in the container: it asks 127.0.0.1, which production's ALLOWED_HOSTS does not name.
    environment = server_environment(tmp_path / "cache", DJANGO_ALLOWED_HOSTS=".example.com,127.0.0.1")
    server = AppServer(environment, tmp_path / "server.log").start()
    try:
        server.wait_until_serving()
        probe = SERVICES["web"]["healthcheck"]["test"][3].replace(
            "127.0.0.1:8000", f"127.0.0.1:{server.port}"
        )

        def run_probe(allowed_hosts: str) -> int:
            return subprocess.run(
                [sys.executable, "-c", probe],
                env={"DJANGO_ALLOWED_HOSTS": allowed_hosts},
                capture_output=True,
                check=False,
                timeout=30,
            ).returncode

        assert run_probe("api.example.com,www.example.com") == 0
        assert run_probe(".example.com") == 0
        # The probe asks for the first host the app serves; one it refuses (400) would be unhealthy.
        assert run_probe("elsewhere.example.org") != 0
    finally:
        server.stop()

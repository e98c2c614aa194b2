"""Production shape: gunicorn's settings from the environment, the compose services."""

import runpy
from pathlib import Path

import pytest
from django.conf import settings
from gunicorn.config import Config

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "gunicorn_config.py"


def _load(monkeypatch, **env) -> dict:
    for name in list(__import__("os").environ):
        if name.startswith("GUNICORN_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    values = runpy.run_path(str(CONFIG))
    config = Config()
    for name in ("workers", "timeout", "graceful_timeout", "max_requests", "max_requests_jitter", "bind"):
        config.set(name, values[name])  # gunicorn validates each value
    return values


def test_gunicorn_has_explicit_defaults(monkeypatch):
    values = _load(monkeypatch)
    assert values["workers"] >= 2
    assert 10 <= values["timeout"] <= 120
    assert 0 < values["graceful_timeout"] <= values["timeout"]
    assert values["max_requests"] >= 100
    assert 0 < values["max_requests_jitter"] < values["max_requests"]
    assert values["bind"] == "0.0.0.0:8000"


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    values = _load(
        monkeypatch,
        GUNICORN_WORKERS="7",
        GUNICORN_TIMEOUT="45",
        GUNICORN_GRACEFUL_TIMEOUT="20",
        GUNICORN_MAX_REQUESTS="500",
        GUNICORN_MAX_REQUESTS_JITTER="50",
    )
    assert [values[k] for k in ("workers", "timeout", "graceful_timeout", "max_requests")] == [7, 45, 20, 500]
    assert values["max_requests_jitter"] == 50


@pytest.mark.parametrize("path", ["Dockerfile", "docker-compose.yml"])
def test_the_image_and_the_compose_use_the_gunicorn_config(path):
    assert "gunicorn_config.py" in (ROOT / path).read_text()


def test_the_compose_runs_beat_and_creates_the_cache_table():
    compose = (ROOT / "docker-compose.yml").read_text()
    assert '"celery", "-A", "apprentissage", "beat"' in compose
    assert "createcachetable" in compose
    for name in ("GUNICORN_WORKERS", "GUNICORN_TIMEOUT", "GUNICORN_MAX_REQUESTS"):
        assert name in compose


def test_beat_runs_the_sweep_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["sweep"]
    assert entry["task"] == "apprentissage.sweep"
    assert entry["schedule"] <= 60

"""With REDIS_URL set, a task really travels through Redis to a worker (not eager mode)."""

import os

import pytest
from celery.contrib.testing.worker import start_worker

from apprentissage.celery import app
from apprentissage.tasks import ping

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_worker():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set: the real-broker test needs Redis (CI sets it).")
    previous = (app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend)
    app.conf.update(task_always_eager=False, broker_url=url, result_backend=url)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
            yield worker
    finally:
        app.conf.update(task_always_eager=previous[0], broker_url=previous[1], result_backend=previous[2])


def test_task_goes_through_redis_to_a_worker(redis_worker):
    result = ping.delay()
    assert result.__class__.__name__ == "AsyncResult"  # eager mode would give an EagerResult
    payload = result.get(timeout=20)
    assert payload["pong"] is True
    assert payload["eager"] is False
    assert payload["routing_key"] == "celery"  # it came off the broker's default queue
    assert app.backend.__class__.__name__ == "RedisBackend"

"""gunicorn's settings for the image and the compose (`gunicorn -c gunicorn_config.py`).

Each is read from the environment, with production's defaults. Not named gunicorn.conf.py,
so gunicorn started elsewhere from the repository (`make bench`) does not pick it up.
"""

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Synchronous workers: each serves one request at a time (PDF and XLSX renders are CPU-bound).
workers = _int("GUNICORN_WORKERS", 3)
# A request taking longer is killed (its worker restarted): heavy work belongs in a job.
timeout = _int("GUNICORN_TIMEOUT", 60)
# On restart or deploy, requests in flight get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# A worker is replaced after this many requests (plus up to the jitter, so that they do not
# all restart at once): memory growth is bounded.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

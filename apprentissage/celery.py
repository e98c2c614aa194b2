"""The Celery app. Broker and results on Redis (REDIS_URL); eager when it is unset."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "apprentissage.settings")

app = Celery("apprentissage")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

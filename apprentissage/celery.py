"""The Celery app. Broker and results on Redis (REDIS_URL); eager when it is unset.

Publishing a task never blocks a request nor raises to the person: `publish()` tries the
broker once with short timeouts (settings `CELERY_BROKER_*`, `CELERY_TASK_PUBLISH_RETRY`)
and logs a failure; what the broker never took is in the database (the e-mail outbox, the
job rows) and the sweep (`apprentissage.sweep`, Celery beat) takes it up.
"""

import logging
import os
from functools import partial

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "apprentissage.settings")

app = Celery("apprentissage")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


def publish(task, *args, **kwargs) -> bool:
    """Send `task(*args, **kwargs)` to the broker (run it at once when eager). Never raises:
    returns False, and logs, when the broker is unreachable or the eager run failed."""
    try:
        task.apply_async(args, kwargs, retry=False)
    except Exception:
        logger.warning(
            "Task %s(%s) not published (the broker is unreachable?): the sweep will take it up.",
            task.name,
            ", ".join(map(repr, args)),
            exc_info=True,
        )
        return False
    return True


def publish_on_commit(task, *args, **kwargs) -> None:
    """`publish` once the current transaction commits (at once when there is none)."""
    from django.db import transaction

    transaction.on_commit(partial(publish, task, *args, **kwargs))

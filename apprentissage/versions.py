"""What changed last in some tables, in one query: the version a server cache keys on; and
the cache of a page's costly fragment keyed on it (`cached_fragment`).

Every write to an audited model leaves a history row (simple-history records saves, bulk
creations made with `bulk_create_with_history`, and deletions), so the latest history row of
its table says whether anything changed since a cached page or feed was built. A model without
history counts when it is append-only (its rows are never updated): its latest id says the
same. A model updated without history (`QuerySet.update`) must not be listed: its changes
would go unseen.
"""

import functools
import hashlib
from collections.abc import Callable, Iterable

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language


def _columns(label: str) -> str:
    model = apps.get_model(label)
    history = getattr(model, "history", None)
    if history is not None:
        # The latest row's id and date: one index read (ids alone could repeat after a
        # database is rebuilt; MAX(history_date) would read a second index).
        table = connection.ops.quote_name(history.model._meta.db_table)
        return f"(SELECT history_id || '@' || history_date FROM {table} ORDER BY history_id DESC LIMIT 1)"
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    return f"(SELECT MAX({pk}) FROM {table})"


# What a cached fragment's forms hold instead of a CSRF token (valid for one browser only).
CSRF_PLACEHOLDER = "csrf-token-of-this-request-0b6f1c"


@functools.cache
def _version_sql(labels: tuple[str, ...]) -> str:
    # Built once per list of models: `Model.history` makes a new manager on each access.
    return "SELECT " + ", ".join(_columns(label) for label in labels)


def data_version(labels: Iterable[str]) -> tuple[str, ...]:
    """The latest history row (id and date) of each model of `labels` ("app.Model"), or the
    latest id of an append-only model without history, in one query (each MAX reads an
    index). Equal versions: nothing of these tables changed in between."""
    labels = tuple(sorted(set(labels)))
    if not labels:
        return ()
    with connection.cursor() as cursor:
        cursor.execute(_version_sql(labels))
        return tuple(str(value) for value in cursor.fetchone())


def cached_fragment(
    request,
    name: str,
    *,
    depends_on: Iterable[str],
    build: Callable[[], str],
    vary: Iterable = (),
    with_csrf: bool = False,
) -> str:
    """The HTML of a page's costly part (a board's table), from the server cache when it was
    built for the same person, language, day, `vary` (filters, sort, page) and version of the
    models it `depends_on`; else `build()`, kept for `settings.FRAGMENT_CACHE_SECONDS` (0:
    never cached, as in most tests). A write to one of those models gives a new version, so
    nobody sees a board older than their last change. `with_csrf`: the fragment holds forms,
    built with `CSRF_PLACEHOLDER` as their `csrf_token`: each answer puts this browser's own
    token in its place."""
    seconds = settings.FRAGMENT_CACHE_SECONDS
    if not seconds:
        html = build()
        return mark_safe(html.replace(CSRF_PLACEHOLDER, get_token(request)) if with_csrf else html)
    parts = [
        name,
        request.user.pk,
        get_language(),
        timezone.localdate().isoformat(),
        [str(part) for part in vary],
        data_version(depends_on),
    ]
    key = "fragment:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = build()
        cache.set(key, html, seconds)
    if with_csrf:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return mark_safe(html)  # built from a template, escaped there

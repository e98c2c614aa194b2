from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from apprentissage.models import OutboxEmail


def accessibility(request):
    return render(request, "apprentissage/accessibility.html")


def personal_data(request):
    return render(request, "apprentissage/personal_data.html")


def demo_outbox(request):
    """Demo mode only: the e-mails the portal sent, so invitation links can be followed."""
    if not settings.DEMO_MODE:
        raise Http404
    page = Paginator(OutboxEmail.objects.all(), 20).get_page(request.GET.get("page"))
    return render(request, "apprentissage/demo_outbox.html", {"page": page})


@never_cache
@transaction.non_atomic_requests  # ATOMIC_REQUESTS would connect first: a 500 page when it fails
def healthz(request):
    """Database and broker status, for the load balancer and monitoring: 200 or 503, always
    JSON (with the database unreachable or its connections exhausted too)."""
    checks = {"database": _check_database(), "broker": _check_broker()}
    healthy = all(value in ("ok", "eager") for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return "error"
    return "ok"


def _check_broker() -> str:
    from apprentissage.celery import app

    if app.conf.task_always_eager:
        return "eager"
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        return "error"
    return "ok"

"""The portal's URLs plus `/bench/ping/`: "ok" for a signed-in user, through every middleware
(session, authentication, CSRF, locale, history, MFA) but no template, menu nor query of its
own. The yardstick of `make bench` (see bench_settings.py)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from apprentissage.urls import urlpatterns as portal


@login_required
def ping(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ping/", ping, name="bench_ping"), *portal]

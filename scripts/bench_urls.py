"""The portal's URLs plus two yardsticks of `make bench`, which only bench_settings serves:

* `/bench/ping/`: "ok" for a signed-in user, through every middleware (session,
  authentication, CSRF, locale, history, MFA) but no template, menu nor query of its own;
  every page is compared with it.
* `/bench/layout/`: an empty page of the portal's layout (`layouts/app.html`: menu, account
  buttons, language switcher, footer), what every page costs before its own content."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from apprentissage.urls import urlpatterns as portal

_layout_only = engines["django"].from_string(
    '{% extends "layouts/app.html" %}{% block title %}Bench{% endblock %}'
)


@login_required
def ping(request):
    return HttpResponse("ok", content_type="text/plain")


@login_required
def layout(request):
    return HttpResponse(_layout_only.render({}, request))


urlpatterns = [
    path("bench/ping/", ping, name="bench_ping"),
    path("bench/layout/", layout, name="bench_layout"),
    *portal,
]

import time

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from apprentissage import rules as access

# Pages a staff member without a second factor may still reach: enrolment, logout, i18n.
_ALLOWED_PREFIXES = (
    "/accounts/",
    "/i18n/",
    "/static/",
    "/healthz",
    "/accessibilite/",
    "/donnees-personnelles/",
)


class RequireMFAMiddleware:
    """Scolarité and administrators must enrol TOTP before using the portal (production)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.MFA_REQUIRED_FOR_STAFF
            and request.user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and (access.is_scolarite(request.user) or access.is_admin(request.user))
            and not self._has_mfa(request)
        ):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _has_mfa(request) -> bool:
        from allauth.mfa.models import Authenticator

        return Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()


SESSION_REFRESHED_AT = "_refreshed_at"  # seconds since the epoch, in the session itself


class SessionRefreshMiddleware:
    """Sessions expire after SESSION_COOKIE_AGE of inactivity without a write per request.

    Django's SESSION_SAVE_EVERY_REQUEST writes the session row (and resends the cookie) on
    every request; here a signed-in session is saved again only when its last save is older
    than SESSION_REFRESH_SECONDS, so the inactivity expiry counts from the last request
    give or take that interval. Placed after SessionMiddleware, whose response phase then
    saves what this one marks modified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():  # anonymous without a session, or logged out
            return response
        now = int(time.time())
        refreshed_at = session.get(SESSION_REFRESHED_AT)
        if (
            session.modified
            or not isinstance(refreshed_at, int)
            or not 0 <= now - refreshed_at < settings.SESSION_REFRESH_SECONDS
        ):
            session[SESSION_REFRESHED_AT] = now
        return response

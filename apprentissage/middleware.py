import time

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from apprentissage import rules as access

# The roles whose holders read many people's personal data: the default of
# settings.MFA_REQUIRED_ROLES (`Role` values).
MFA_STAFF_ROLES = ("scolarite", "midisup", "school_tutor", "option_lead", "admin")

# What a staff member without a second factor may still reach (URL names): the enrolment
# pages (allauth asks to confirm the password first), logout, the language switch, the
# health check and the public legal pages every page links to.
MFA_OPEN_VIEWS = frozenset(
    {
        "mfa_activate_totp",
        "mfa_index",
        "mfa_reauthenticate",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "account_reauthenticate",
        "account_logout",
        "set_language",
        "healthz",
        "accessibility",
        "personal_data",
    }
)


def mfa_roles_of(user) -> frozenset[str]:
    """The staff roles of `user` that may call for a second factor, from the user's facts
    (the one facts query of the request)."""
    roles = {role.value for role in access.staff_roles(user)}
    if access.leads_an_option(user):
        roles.add("option_lead")
    if user.is_superuser:
        roles.add("admin")
    return frozenset(roles)


def required_mfa_roles() -> frozenset[str]:
    if settings.DEMO_MODE or not settings.MFA_REQUIRED_FOR_STAFF:
        return frozenset()
    roles = frozenset(settings.MFA_REQUIRED_ROLES)
    if unknown := roles - set(MFA_STAFF_ROLES):
        raise ImproperlyConfigured(
            f"MFA_REQUIRED_ROLES: unknown roles {sorted(unknown)}; choose among {', '.join(MFA_STAFF_ROLES)}"
        )
    return roles


def must_enrol_mfa(user) -> bool:
    """`user` holds a role of settings.MFA_REQUIRED_ROLES and has no TOTP device yet."""
    required = required_mfa_roles()
    return bool(
        required
        and user.is_authenticated
        and required & mfa_roles_of(user)
        and not access.has_totp_device(user)
    )


class RequireMFAMiddleware:
    """Staff roles (settings.MFA_REQUIRED_ROLES, none in demo mode) enrol a TOTP device
    before reaching anything but `MFA_OPEN_VIEWS`: every other page redirects to the
    enrolment page with a message (htmx requests get an HX-Redirect). Costs no query
    beyond the user's facts, which the page's menu asks anyway."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (match and match.view_name in MFA_OPEN_VIEWS) or not must_enrol_mfa(request.user):
            return None
        target = reverse("mfa_activate_totp")
        messages.warning(
            request,
            _(
                "Your role gives access to many people's personal data: set up two-factor "
                "authentication (an authenticator app) before continuing."
            ),
        )
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return redirect(target)


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

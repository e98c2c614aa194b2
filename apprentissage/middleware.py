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

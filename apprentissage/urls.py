from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from apprentissage.views import account, apprenticeships, home, imports, pages, people

admin.site.site_header = _("Apprenticeship portal — administration")
admin.site.site_title = _("Apprenticeship portal")

urlpatterns = [
    path("", home.home, name="home"),
    path("apprentissages/", apprenticeships.apprenticeship_list, name="apprenticeship_list"),
    path("apprentissages/<int:pk>/", apprenticeships.apprenticeship_detail, name="apprenticeship_detail"),
    path(
        "apprentissages/<int:pk>/tuteurs/",
        apprenticeships.apprenticeship_assign_tutors,
        name="apprenticeship_assign_tutors",
    ),
    path("personnes/", people.person_list, name="person_list"),
    path("personnes/inviter/", people.person_invite, name="person_invite"),
    path(
        "personnes/<int:pk>/renvoyer-invitation/",
        people.person_resend_invitation,
        name="person_resend_invitation",
    ),
    path("invitation/<str:uidb36>/<str:key>/", people.invitation_accept, name="invitation_accept"),
    path("compte/notifications/", account.preferences, name="account_preferences"),
    path("notifications/<int:pk>/", account.notification_open, name="notification_open"),
    path("taches/<int:pk>/", account.job_detail, name="job_detail"),
    path("importations/<int:pk>/", imports.import_preview, name="import_preview"),
    path("importations/<int:pk>/confirmer/", imports.import_confirm, name="import_confirm"),
    path("verifier-signature/", account.signature_verification, name="signature_verification"),
    path("accessibilite/", pages.accessibility, name="accessibility"),
    path("donnees-personnelles/", pages.personal_data, name="personal_data"),
    path("demo/boite-mail/", pages.demo_outbox, name="demo_outbox"),
    path("healthz", pages.healthz, name="healthz"),
    path("recrutement/", include("recruitment.urls")),
    path("planning/", include("planning.urls")),
    path("livret/", include("lea.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
# Uploaded files (signed scans) are never served from MEDIA_URL, not even in demo mode:
# each goes through a view that checks who asks (e.g. `recruitment:accord_scan`).

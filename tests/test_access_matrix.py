"""Every URL × every persona: anonymous → login, others' objects → 404, allowed → 200."""

import pytest
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse

from apprentissage.models import ImportBatch, Job, Notification, User

from .access import CASES, LOGIN, Case, expect, project_url_names, staff_only
from .conftest import PERSONAS

LINKED = dict(apprentice=200, company_tutor=200, company_contact=200, school_tutor=200, option_lead=200)
PROGRAM_STAFF = dict(scolarite=200, midisup=200, admin=200)


def _job_of(user):
    return Job.objects.create(kind="recruitment.import_candidates", label="Import", created_by=user)


def _batch_of(user):
    """A checked import file of `user`'s with one bad line (confirming it imports nothing)."""
    return ImportBatch.objects.create(
        kind="recruitment.import_candidates",
        created_by=user,
        file_name="candidats.csv",
        status=ImportBatch.Status.HAS_ERRORS,
        rows=[{"line": 2, "raw": {"email": "x"}, "errors": ["E-mail invalide"], "data": {}}],
        line_count=1,
        error_count=1,
    )


def _notification_for(user):
    return Notification.objects.create(recipient=user, title="Fiche à signer", url="/")


def _invitation_url(world):
    person = User.objects.create_user(email="invite@example.com", first_name="Nina", last_name="Invitée")
    token = default_token_generator.make_token(person)
    return reverse("invitation_accept", args=[user_pk_to_url_str(person), token])


CASES.add(
    Case("home", "", lambda w: reverse("home"), expect(200)),
    Case("apprenticeship_list", "", lambda w: reverse("apprenticeship_list"), expect(200)),
    Case(
        "apprenticeship_detail",
        "own",
        lambda w: reverse("apprenticeship_detail", args=[w.own.pk]),
        expect(404, **LINKED, **PROGRAM_STAFF),
    ),
    Case(
        "apprenticeship_detail",
        "other",
        lambda w: reverse("apprenticeship_detail", args=[w.other.pk]),
        expect(404, **PROGRAM_STAFF),
    ),
    Case(
        "apprenticeship_assign_tutors",
        "own",
        lambda w: reverse("apprenticeship_assign_tutors", args=[w.own.pk]),
        staff_only(),
    ),
    Case(
        "apprenticeship_assign_tutors",
        "post",
        lambda w: reverse("apprenticeship_assign_tutors", args=[w.own.pk]),
        staff_only(302),
        method="post",
        data=lambda w: {"company_tutor": "", "school_tutor": ""},
        unchanged=lambda w: type(w.own).objects.values_list("company_tutor", "school_tutor").get(pk=w.own.pk),
    ),
    Case("person_list", "", lambda w: reverse("person_list"), staff_only()),
    Case("person_invite", "", lambda w: reverse("person_invite"), staff_only()),
    Case(
        "person_invite",
        "post",
        lambda w: reverse("person_invite"),
        staff_only(302),
        method="post",
        data=lambda w: {
            "email": "nouveau@example.com",
            "first_name": "Noé",
            "last_name": "Neuf",
            "role": "midisup",
        },
        unchanged=lambda w: User.objects.count(),
    ),
    Case(
        "person_resend_invitation",
        "post",
        lambda w: reverse("person_resend_invitation", args=[w.own.apprentice.pk]),
        staff_only(302),
        method="post",
        unchanged=lambda w: User.objects.values_list("invited_at", flat=True).get(pk=w.own.apprentice.pk),
    ),
    Case("invitation_accept", "valid link", _invitation_url, expect(200, anonymous=200)),
    Case("account_preferences", "", lambda w: reverse("account_preferences"), expect(200)),
    Case(
        "account_preferences",
        "post",
        lambda w: reverse("account_preferences"),
        expect(302),
        method="post",
        data=lambda w: {"email_frequency": "daily"},
    ),
    Case(
        "notification_open",
        "the apprentice's own",
        lambda w: reverse("notification_open", args=[_notification_for(w["apprentice"]).pk]),
        expect(404, apprentice=302),
        unchanged=lambda w: list(Notification.objects.values_list("read_at", flat=True)),
    ),
    Case(
        "signature_verification",
        "",
        lambda w: reverse("signature_verification") + "?code=ABCDEFGHJKMN",
        expect(200, anonymous=200),
    ),
    Case(
        "job_detail",
        "scolarité's job",
        lambda w: reverse("job_detail", args=[_job_of(w["scolarite"]).pk]),
        expect(404, scolarite=200),
    ),
    # An import belongs to its uploader: anyone else (even an admin) gets 404.
    Case(
        "import_preview",
        "scolarité's file",
        lambda w: reverse("import_preview", args=[_batch_of(w["scolarite"]).pk]),
        expect(404, scolarite=200),
    ),
    Case(
        "import_confirm",
        "scolarité's file",
        lambda w: reverse("import_confirm", args=[_batch_of(w["scolarite"]).pk]),
        # Allowed: back to the preview, the bad line is not imported.
        expect(404, scolarite=302),
        method="post",
        data=lambda w: {"confirm": "1", "only_valid_rows": "on"},
        unchanged=lambda w: list(ImportBatch.objects.values_list("status", "apply_job")),
    ),
    Case("accessibility", "", lambda w: reverse("accessibility"), expect(200, anonymous=200)),
    Case("personal_data", "", lambda w: reverse("personal_data"), expect(200, anonymous=200)),
    Case("demo_outbox", "outside demo mode", lambda w: reverse("demo_outbox"), expect(404, anonymous=404)),
    Case("healthz", "", lambda w: reverse("healthz"), expect(200, anonymous=200)),
)


def _import_app_cases():
    """Each app's access cases live beside its tests; importing them registers them."""
    import importlib
    import pkgutil

    import tests

    for module in pkgutil.walk_packages(tests.__path__, "tests."):
        if module.name.endswith("access_cases"):
            importlib.import_module(module.name)


_import_app_cases()


def test_every_project_url_is_in_the_matrix():
    covered = {case.url_name for case in CASES.cases}
    missing = project_url_names() - covered
    assert not missing, f"URL patterns missing from the access matrix: {sorted(missing)}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", CASES.cases, ids=lambda c: c.id)
def test_access(case: Case, persona: str, world, login):
    client = login(world[persona])
    url = case.url(world)
    before = case.unchanged(world) if case.unchanged else None
    data = case.data(world) if case.data else {}
    response = getattr(client, case.method)(url, data)
    expected = case.expected[persona]
    if expected == LOGIN:
        assert response.status_code == 302, response
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected, f"{case.id} as {persona}: {response.status_code}"
    if case.unchanged and (expected in (LOGIN, 403, 404)):
        assert case.unchanged(world) == before, "a denied request changed data"

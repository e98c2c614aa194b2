"""The boards' and exports' URLs in the access matrix (registered by tests/test_access_matrix.py)."""

from django.urls import reverse

from ..access import CASES, Case, expect, staff_only

# The follow-up evidence of one apprentice: its school tutor, its option lead, scolarité.
EVIDENCE = dict(school_tutor=200, option_lead=200, scolarite=200, admin=200)

CASES.add(
    Case(
        "lea:school_tutor_board",
        "",
        lambda w: reverse("lea:school_tutor_board"),
        # The option lead of `world` tutors nobody at school: no board of their own.
        expect(403, school_tutor=200, scolarite=200, admin=200),
    ),
    Case(
        "lea:option_board",
        "",
        lambda w: reverse("lea:option_board"),
        expect(403, option_lead=200, scolarite=200, admin=200),
    ),
    Case("lea:completion", "", lambda w: reverse("lea:completion"), staff_only()),
    Case("lea:completion_xlsx", "", lambda w: reverse("lea:completion_xlsx"), staff_only()),
    Case("lea:late_items", "", lambda w: reverse("lea:late_items"), staff_only()),
    Case(
        "lea:evidence_export",
        "own",
        lambda w: reverse("lea:evidence_export", args=[w.own.pk]),
        expect(404, **EVIDENCE),
    ),
    Case(
        "lea:evidence_export",
        "other",
        lambda w: reverse("lea:evidence_export", args=[w.other.pk]),
        expect(404, scolarite=200, admin=200),
    ),
)

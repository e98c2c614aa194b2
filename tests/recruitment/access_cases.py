"""Recruitment's URLs in the access matrix (registered by tests/test_access_matrix.py)."""

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import reverse

from apprentissage.models import Signature
from recruitment.models import Dossier, OptionCapacity

from .. import pdfs
from ..access import CASES, Case, expect, staff_only

VIEWERS = dict(candidate=200, company_contact=200, option_lead=200, scolarite=200, admin=200)


def _dossier_url(name, *args):
    return lambda w: reverse(f"recruitment:{name}", args=[w.dossier.pk, *args])


def _scan_url(w, dossier=None):
    """The download of a paper signature's scan of the dossier's accord (recorded here)."""
    accord = (dossier or w.dossier).accord
    signature = Signature(
        content_type=ContentType.objects.get_for_model(accord),
        object_id=accord.pk,
        purpose="accord",
        method=Signature.Method.PAPER,
        signer_name="Hélène Ressources",
        content_sha256="0" * 64,
    )
    signature.scan.save("scan.pdf", ContentFile(pdfs.plain()), save=False)
    signature.save()
    return reverse("recruitment:accord_scan", args=[accord.dossier_id, signature.pk])


def _state(w):
    return Dossier.objects.values_list("state", "mission_sheet__state").get(pk=w.dossier.pk)


CASES.add(
    Case("recruitment:board", "", lambda w: reverse("recruitment:board"), staff_only()),
    Case("recruitment:board_export", "", lambda w: reverse("recruitment:board_export"), staff_only()),
    Case("recruitment:candidate_list", "", lambda w: reverse("recruitment:candidate_list"), staff_only()),
    Case("recruitment:candidate_create", "", lambda w: reverse("recruitment:candidate_create"), staff_only()),
    Case("recruitment:candidate_import", "", lambda w: reverse("recruitment:candidate_import"), staff_only()),
    Case(
        "recruitment:candidate_import_template",
        "",
        lambda w: reverse("recruitment:candidate_import_template"),
        staff_only(),
    ),
    Case("recruitment:capacity_list", "", lambda w: reverse("recruitment:capacity_list"), staff_only()),
    Case(
        "recruitment:capacity_list",
        "post",
        lambda w: reverse("recruitment:capacity_list"),
        staff_only(302),
        method="post",
        data=lambda w: {"option": w.dossier.option_id, "cohort": w.dossier.cohort_id, "places": 3},
        unchanged=lambda w: OptionCapacity.objects.count(),
    ),
    # The candidate persona has an open dossier: their page leads to it.
    Case(
        "recruitment:my_recruitment",
        "",
        lambda w: reverse("recruitment:my_recruitment"),
        expect(403, candidate=302),
    ),
    Case(
        "recruitment:review_list",
        "",
        lambda w: reverse("recruitment:review_list"),
        expect(403, option_lead=200),
    ),
    Case(
        "recruitment:midisup_queue",
        "",
        lambda w: reverse("recruitment:midisup_queue"),
        expect(403, midisup=200, admin=200),
    ),
    Case(
        "recruitment:midisup_export",
        "",
        lambda w: reverse("recruitment:midisup_export"),
        expect(403, midisup=200, admin=200),
    ),
    Case(
        "recruitment:dossier_list",
        "",
        lambda w: reverse("recruitment:dossier_list"),
        expect(403, company_contact=200, option_lead=200),
    ),
    Case("recruitment:dossier_detail", "own", _dossier_url("dossier_detail"), expect(404, **VIEWERS)),
    Case(
        "recruitment:dossier_detail",
        "other",
        lambda w: reverse("recruitment:dossier_detail", args=[w.other_dossier.pk]),
        expect(404, scolarite=200, admin=200),
    ),
    # Only the company contact edits; other viewers (an IT administrator too) are sent back
    # to the dossier.
    Case(
        "recruitment:accord_edit",
        "own",
        _dossier_url("accord_edit"),
        expect(404, **{**VIEWERS, "candidate": 302, "option_lead": 302, "scolarite": 302, "admin": 302}),
    ),
    Case(
        "recruitment:missions_edit",
        "own",
        _dossier_url("missions_edit"),
        expect(404, **{**VIEWERS, "candidate": 302, "option_lead": 302, "scolarite": 302, "admin": 302}),
    ),
    Case(
        "recruitment:mission_review",
        "own",
        _dossier_url("mission_review"),
        expect(404, candidate=403, company_contact=403, scolarite=403, admin=403, option_lead=200),
    ),
    # A draft dossier: receipt cannot be confirmed yet (409) by scolarité; others may not.
    Case(
        "recruitment:confirm_receipt",
        "draft dossier",
        _dossier_url("confirm_receipt"),
        expect(404, candidate=403, company_contact=403, option_lead=403, scolarite=409, admin=409),
        method="post",
        unchanged=_state,
    ),
    # Cancelling needs a reason: refused with 409 to those allowed, 403 to other viewers.
    Case(
        "recruitment:dossier_transition",
        "cancel without reason",
        _dossier_url("dossier_transition", "cancel"),
        expect(404, candidate=403, company_contact=409, option_lead=403, scolarite=409, admin=409),
        method="post",
        unchanged=_state,
    ),
    # Validating a sheet still in draft: the state is wrong for everyone who can see it.
    Case(
        "recruitment:sheet_transition",
        "validate a draft",
        _dossier_url("sheet_transition", "validate"),
        expect(404, **{k: 409 for k in VIEWERS}),
        method="post",
        unchanged=_state,
    ),
    Case("recruitment:dossier_pdf", "accord", _dossier_url("dossier_pdf", "accord"), expect(404, **VIEWERS)),
    # A signed scan: whoever sees the dossier, nobody else (never from /media/).
    Case("recruitment:accord_scan", "own", _scan_url, expect(404, **VIEWERS)),
    Case(
        "recruitment:accord_scan",
        "other",
        lambda w: _scan_url(w, w.other_dossier),
        expect(404, scolarite=200, admin=200),
    ),
)

"""The booklet's URLs in the access matrix (registered by tests/test_access_matrix.py)."""

from django.core.files.base import ContentFile
from django.urls import reverse

from apprentissage.models import Job
from lea.models import BookletExport

from ..access import CASES, Case, expect

# Who reads the booklet of `world.own`: everyone linked to it, and scolarité (and IT admins).
LINKED = dict(apprentice=200, company_tutor=200, company_contact=200, school_tutor=200, option_lead=200)
MANAGERS = dict(scolarite=200, admin=200)
# Who may export it: the follow-up parties (not the company contact) and the managers.
EXPORTERS = ("apprentice", "company_tutor", "school_tutor", "option_lead", "scolarite", "admin")


def _export_of(apprenticeship, world) -> BookletExport:
    job = Job.objects.create(kind="lea.booklet_pdf", label="Livret", created_by=world["scolarite"])
    export = BookletExport(apprenticeship=apprenticeship, job=job, requested_by=world["scolarite"])
    export.file.save("livret.pdf", ContentFile(b"%PDF-1.7 livret"), save=True)
    return export


def _exports(world):
    return sorted(BookletExport.objects.values_list("pk", "apprenticeship_id")), Job.objects.count()


CASES.add(
    Case("lea:my_booklet", "", lambda w: reverse("lea:my_booklet"), expect(404, apprentice=302)),
    Case(
        "lea:booklet",
        "own",
        lambda w: reverse("lea:booklet", args=[w.own.pk]),
        expect(404, **LINKED, **MANAGERS),
    ),
    Case(
        "lea:booklet", "other", lambda w: reverse("lea:booklet", args=[w.other.pk]), expect(404, **MANAGERS)
    ),
    Case(
        "lea:booklet_export",
        "own",
        lambda w: reverse("lea:booklet_export", args=[w.own.pk]),
        expect(404, **{persona: 302 for persona in EXPORTERS}),
        method="post",
        unchanged=_exports,
    ),
    Case(
        "lea:booklet_export",
        "other",
        lambda w: reverse("lea:booklet_export", args=[w.other.pk]),
        expect(404, scolarite=302, admin=302),
        method="post",
        unchanged=_exports,
    ),
    Case(
        "lea:booklet_export",
        "get",
        lambda w: reverse("lea:booklet_export", args=[w.own.pk]),
        expect(405),
    ),
    Case(
        "lea:booklet_export_download",
        "own",
        lambda w: reverse("lea:booklet_export_download", args=[_export_of(w.own, w).pk]),
        expect(404, **{persona: 200 for persona in EXPORTERS}),
    ),
    Case(
        "lea:booklet_export_download",
        "other",
        lambda w: reverse("lea:booklet_export_download", args=[_export_of(w.other, w).pk]),
        expect(404, scolarite=200, admin=200),
    ),
)

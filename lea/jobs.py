"""The LEA's background jobs (apprentissage.jobs)."""

import hashlib

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apprentissage.jobs import job_handler, start_job
from apprentissage.models import Apprenticeship, Signature

BOOKLET_PDF = "lea.booklet_pdf"


def start_booklet_export(*, apprenticeship, requested_by):
    """Record a booklet export and start its job (the PDF is made after commit)."""
    from lea.models import BookletExport

    with transaction.atomic():
        job = start_job(
            kind=BOOKLET_PDF,
            label=_("Booklet PDF of %(person)s") % {"person": apprenticeship.apprentice},
            created_by=requested_by,
            payload={"apprenticeship": apprenticeship.pk},
            # a section per school year, then the rendering and the storing
            total=apprenticeship.enrolments.count() + 2,
        )
        export = BookletExport.objects.create(
            apprenticeship=apprenticeship, job=job, requested_by=requested_by
        )
        job.next_url = reverse("lea:booklet_export_download", args=[export.pk])
        job.save(update_fields=["next_url"])
    return export


def _signatures(documents) -> dict[tuple[int, int], list]:
    """(content type id, object id) → valid signatures, in one query for every document."""
    keys = {(ContentType.objects.get_for_model(d).pk, d.pk) for d in documents}
    if not keys:
        return {}
    found: dict[tuple[int, int], list] = {}
    for signature in (
        Signature.objects.filter(
            content_type_id__in={ct for ct, _pk in keys},
            object_id__in={pk for _ct, pk in keys},
            voided_at__isnull=True,
        )
        .select_related("signer", "uploaded_by")
        .order_by("signed_at")
    ):
        key = (signature.content_type_id, signature.object_id)
        if key in keys:
            found.setdefault(key, []).append(signature)
    return found


def booklet_sections(apprenticeship) -> list[dict]:
    """The booklet's documents in order, grouped by school year: [{school_year, study_year,
    documents: [{kind, title, obj, signatures}]}] (constant number of queries)."""
    from lea.booklet import documents_by_year

    by_year = documents_by_year(apprenticeship)
    enrolments = {e.school_year_id: e for e in apprenticeship.enrolments.select_related("school_year")}
    years = {e.school_year_id: (e.school_year, e.study_year) for e in enrolments.values()}
    for kinds in by_year.values():
        for docs in kinds.values():
            for doc in docs:
                years.setdefault(doc.school_year_id, (doc.school_year, getattr(doc, "study_year", None)))
    everything = [doc for kinds in by_year.values() for docs in kinds.values() for doc in docs]
    signatures = _signatures(everything)
    sections = []
    for school_year_id, (school_year, study_year) in sorted(
        years.items(), key=lambda kv: kv[1][0].start_year
    ):
        kinds = by_year.get(school_year_id, {})
        documents = []
        for kind, key, title in (
            ("plan", "plans", _("Yearly missions and project description")),
            ("project", "projects", _("Project subject and dossier de validation")),
            ("fiche", "fiches", None),
            ("visit", "visits", None),
        ):
            for doc in sorted(kinds.get(key, []), key=_position):
                documents.append(
                    {
                        "kind": kind,
                        "title": title or str(_document_title(kind, doc)),
                        "obj": doc,
                        "anchor": f"{kind}-{doc.pk}",
                        "signatures": signatures.get((ContentType.objects.get_for_model(doc).pk, doc.pk), []),
                        "ratings": _ratings(doc) if kind == "fiche" else [],
                    }
                )
        sections.append({"school_year": school_year, "study_year": study_year, "documents": documents})
    return sections


def _ratings(fiche) -> list[tuple]:
    """(competency, the apprentice's level, the tutor's level) of the fiche's own framework."""
    return [
        (c.get("label", ""), fiche.self_ratings.get(c.get("code")), fiche.tutor_ratings.get(c.get("code")))
        for c in fiche.framework
    ]


def _position(doc):
    return getattr(doc, "return_on", None) or getattr(doc, "starts_at", None) or doc.pk


def _document_title(kind, doc) -> str:
    if kind == "fiche":
        return _("Fiche de liaison no. %(number)s") % {"number": doc.number}
    return _("Company visit of %(date)s") % {"date": timezone.localtime(doc.starts_at).strftime("%d/%m/%Y")}


def _recruitment(apprenticeship) -> dict:
    """The recruitment mission sheet the booklet starts from (none: no dossier)."""
    from recruitment.models import Dossier

    dossier = (
        Dossier.objects.filter(apprenticeship=apprenticeship)
        .select_related("candidate__user", "company", "option", "mission_sheet")
        .first()
    )
    sheet = getattr(dossier, "mission_sheet", None) if dossier else None
    if sheet is None:
        return {}
    validated = sheet.versions.filter(decision="validated").select_related("decided_by").first()
    return {"dossier": dossier, "sheet": sheet, "validated_version": validated}


@job_handler(BOOKLET_PDF)
def make_booklet_pdf(job, progress) -> dict:
    """One PDF of the whole booklet: cover, table of contents, each document with its content
    and its signatures' verification codes. Idempotent: a file already made is kept."""
    from apprentissage.pdf import render_pdf
    from lea.models import BookletExport

    export = BookletExport.objects.select_related("apprenticeship").get(job=job)
    if export.file:
        return {"message": _("The booklet PDF is ready.")}
    apprenticeship = (
        Apprenticeship.objects.with_people().select_related("company").get(pk=export.apprenticeship_id)
    )
    with translation.override(settings.LANGUAGE_CODE):
        sections = booklet_sections(apprenticeship)
        total = len(sections) + 2  # the sections (read above), the rendering, the storing
        progress(len(sections), total)
        data = render_pdf(
            "pdf/lea/booklet.html",
            {
                "apprenticeship": apprenticeship,
                "sections": sections,
                **_recruitment(apprenticeship),
                "verification_url": settings.SITE_URL + reverse("signature_verification"),
            },
        )
        progress(total - 1, total)
        export.sha256 = hashlib.sha256(data).hexdigest()
        export.file.save(f"livret-{apprenticeship.pk}-{export.pk}.pdf", ContentFile(data), save=False)
        export.save(update_fields=["file", "sha256"])
        progress(total, total)
        return {"message": _("The booklet PDF is ready.")}

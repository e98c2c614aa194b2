"""Results: the apprentice's own (published; before that, the grades entered so far, marked
provisional), one year's results for those who follow the apprentice, and the transcript."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import path

from apprentissage.models import Enrolment
from apprentissage.permissions import get_object_for_user_or_404
from evaluation import computation, juries, transcripts
from evaluation.models import Programme
from evaluation.results import ProgrammeShape, year_results


def _enrolments():
    return Enrolment.objects.select_related(
        "school_year", "apprenticeship__apprentice", "apprenticeship__option", "apprenticeship__company"
    )


def _year(enrolment, result, published: bool, *, company_unit_only: bool = False) -> dict:
    """What a results page shows of one year: each UE (the Unité Entreprise alone for the
    company tutor) with its modules' averages; codes and the decision once published."""
    ues = []
    for ue in result.ues if result else ():
        if company_unit_only and ue.code != "UW":
            continue
        ues.append(
            {
                "code": ue.code,
                "title": ue.label,
                "average": computation.display(ue.average),
                "decision": ue.decision.value if published and ue.decision else "",
                "ects": computation.display_credits_of(ue.ects_awarded, ue.ects)
                if published
                else computation.display_credits(ue.ects),
                "capitalised": ue.capitalised,
                "modules": [
                    {
                        "code": m.code,
                        "title": m.label,
                        "average": computation.display(m.average),
                        "status": m.status,
                    }
                    for m in ue.modules
                ],
            }
        )
    return {
        "enrolment": enrolment,
        "published": published,
        "ues": ues,
        "average": computation.display(result.average) if result and not company_unit_only else "",
        "ects": computation.display_credits_of(result.ects_earned, result.ects_total)
        if result and published
        else "",
    }


def _years(enrolments, *, company_unit_only=False) -> list[dict]:
    """Each enrolment's year, in a constant number of queries per school year."""
    enrolments = list(enrolments)
    published = juries.published_enrolment_ids(enrolments)
    decisions = {
        d.enrolment_id: d
        for d in juries.JuryDecision.objects.filter(enrolment__in=enrolments, enrolment_id__in=published)
    }
    programmes = {
        p.school_year_id: ProgrammeShape.of(p)
        for p in Programme.objects.filter(school_year_id__in={e.school_year_id for e in enrolments})
    }
    years = []
    for enrolment in enrolments:
        shape = programmes.get(enrolment.school_year_id)
        result = year_results([enrolment], shape)[enrolment.pk] if shape else None
        year = _year(enrolment, result, enrolment.pk in published, company_unit_only=company_unit_only)
        year["decision"] = decisions.get(enrolment.pk)
        years.append(year)
    return years


@login_required
def my_results(request):
    enrolments = (
        _enrolments().filter(apprenticeship__apprentice=request.user).order_by("-school_year__start_year")
    )
    years = [year for year in _years(enrolments) if year["ues"]]  # the years with results
    if not enrolments.exists():
        raise Http404
    return render(request, "evaluation/results/mine.html", {"years": years})


@login_required
def enrolment_results(request, pk: int):
    """One year's results of an apprentice, for the people who follow them; the company
    tutor sees the Unité Entreprise once published."""
    enrolment = _enrolments().filter(pk=pk).first()
    if enrolment is None:
        raise Http404
    if request.user.has_perm("evaluation.view_results", enrolment):
        company_unit_only = False
    elif request.user.has_perm("evaluation.view_company_unit_results", enrolment):
        company_unit_only = True
    else:
        raise Http404
    year = _years([enrolment], company_unit_only=company_unit_only)[0]
    if company_unit_only and not year["published"]:
        year["ues"] = []
    return render(
        request,
        "evaluation/results/enrolment.html",
        {"year": year, "enrolment": enrolment, "company_unit_only": company_unit_only},
    )


@login_required
def transcript(request, pk: int):
    """The transcript's PDF: issued (certified) on the first download after publication,
    again only when the results changed since."""
    enrolment = get_object_for_user_or_404(
        request.user, "evaluation.download_transcript", _enrolments(), pk=pk
    )
    try:
        issued = transcripts.issue_transcript(enrolment, issued_by=request.user)
    except transcripts.NotPublished:
        raise Http404 from None
    if not issued.file:
        raise PermissionDenied
    name = f"releve-{enrolment.school_year.start_year}-{enrolment.apprenticeship.apprentice.last_name}.pdf"
    return FileResponse(
        issued.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )


urlpatterns = [
    path("mes-resultats/", my_results, name="my_results"),
    path("resultats/<int:pk>/", enrolment_results, name="results"),
    path("resultats/<int:pk>/releve.pdf", transcript, name="transcript"),
]

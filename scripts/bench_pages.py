"""The pages `make bench` measures: each role's home page and every list, grid, feed and
export. A later app adds its own with `page(...)` at the end of this file (or in a module
imported here); a URL that depends on data takes a function of `Data`.

    page("lea:fiche_list", APPRENTICE)                      # a URL name without arguments
    page("lea:fiche_detail", TUTOR, lambda d: [d.a_fiche()])  # arguments found in the data
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

APPRENTICE = "apprenti@example.com"
COMPANY_TUTOR = "tuteur.entreprise@example.com"
SCHOOL_TUTOR = "tuteur.ecole@example.com"
OPTION_LEAD = "responsable.option@example.com"
SCOLARITE = "scolarite@example.com"
MIDISUP = "midisup@example.com"
ADMIN = "admin@example.com"
CANDIDATE = "candidat@example.com"
COMPANY_CONTACT = "entreprise@example.com"

SHORT = {
    APPRENTICE: "apprentice",
    COMPANY_TUTOR: "company tutor",
    SCHOOL_TUTOR: "school tutor",
    OPTION_LEAD: "option lead",
    SCOLARITE: "scolarité",
    MIDISUP: "MidiSup",
    ADMIN: "admin",
    CANDIDATE: "candidate",
    COMPANY_CONTACT: "company contact",
    None: "(token)",
}


class Data:
    """What a URL may need, looked up in the database being measured (same answer at demo
    size and at school size: the demo's own records)."""

    @cached_property
    def demo_apprenticeship(self) -> int:
        from apprentissage.models import Apprenticeship

        return Apprenticeship.objects.get(apprentice__email=APPRENTICE).pk

    @cached_property
    def start_year(self) -> int:
        from apprentissage.models import SchoolYear

        return SchoolYear.objects.current().start_year

    @cached_property
    def contact_dossier(self) -> int:
        from recruitment.models import Dossier

        return Dossier.objects.filter(contact__email=COMPANY_CONTACT).order_by("pk").first().pk

    @cached_property
    def midisup_dossier(self) -> int:
        from recruitment.enums import DossierState
        from recruitment.models import Dossier

        return Dossier.objects.filter(state__in=DossierState.with_midisup()).order_by("pk").first().pk

    def lea_document(self, model_name: str, **filters) -> int:
        """The demo apprentice's latest LEA document of a kind (fiche, visit, plan, project)."""
        from django.apps import apps

        model = apps.get_model("lea", model_name)
        rows = model.objects.filter(apprenticeship__apprentice__email=APPRENTICE, **filters)
        return rows.order_by("-pk").values_list("pk", flat=True).first()

    def feed_token(self, email: str) -> str:
        """The person's calendar feed (created the first time, as the feeds page does)."""
        from apprentissage.models import User
        from planning.models import CalendarFeed

        user = User.objects.get(email=email)
        feed = CalendarFeed.objects.filter(user=user, revoked_at=None).first()
        return (feed or CalendarFeed.objects.create(user=user)).token


@dataclass
class Page:
    url_name: str
    persona: str | None  # None: no sign-in (a feed's token is its credential)
    args: Callable[[Data], list] = field(default=lambda d: [])
    query: str = ""
    label: str = ""
    timed: str = ""  # "pdf" or "xlsx": also timed alone, in-process, against its target

    @property
    def name(self) -> str:
        return self.label or self.url_name + (f"?{self.query}" if self.query else "")

    @property
    def key(self) -> str:
        """Unique in PAGES: the page and who asks for it."""
        return f"{self.name} · {SHORT[self.persona]}"

    def url(self, data: Data) -> str:
        from django.urls import reverse

        return reverse(self.url_name, args=self.args(data)) + (f"?{self.query}" if self.query else "")


PAGES: list[Page] = []


def page(url_name: str, persona: str | None, args=lambda d: [], **kwargs) -> Page:
    PAGES.append(Page(url_name, persona, args, **kwargs))
    return PAGES[-1]


# Every role's home page.
for persona in (
    APPRENTICE,
    COMPANY_TUTOR,
    SCHOOL_TUTOR,
    OPTION_LEAD,
    SCOLARITE,
    MIDISUP,
    ADMIN,
    CANDIDATE,
    COMPANY_CONTACT,
):
    page("home", persona)

# The core.
page("apprenticeship_list", SCOLARITE)
page("apprenticeship_list", OPTION_LEAD)
page("apprenticeship_list", SCHOOL_TUTOR)
page("apprenticeship_detail", OPTION_LEAD, lambda d: [d.demo_apprenticeship])
page("person_list", SCOLARITE)
page("account_preferences", APPRENTICE)
page("bench_layout", APPRENTICE, label="layout only (bench)")

# Recruitment.
page("recruitment:board", SCOLARITE)
page("recruitment:board_export", SCOLARITE, timed="xlsx")
page("recruitment:candidate_list", SCOLARITE)
page("recruitment:capacity_list", SCOLARITE)
page("recruitment:review_list", OPTION_LEAD)
page("recruitment:midisup_queue", MIDISUP)
page("recruitment:midisup_export", MIDISUP, timed="xlsx")
page("recruitment:dossier_list", COMPANY_CONTACT)
page("recruitment:dossier_list", OPTION_LEAD)
page("recruitment:my_recruitment", CANDIDATE)
page("recruitment:dossier_detail", COMPANY_CONTACT, lambda d: [d.contact_dossier])
page("recruitment:dossier_pdf", MIDISUP, lambda d: [d.midisup_dossier, "dossier"], timed="pdf")

# Planning.
page("planning:grid", SCOLARITE, lambda d: [d.start_year])
page("planning:grid", SCOLARITE, lambda d: [d.start_year], query="option=materiaux")
page("planning:export_xlsx", SCOLARITE, lambda d: [d.start_year], timed="xlsx")
page("planning:export_pdf", SCOLARITE, lambda d: [d.start_year], timed="pdf")
page("planning:tape_schedule", SCOLARITE, lambda d: [d.start_year])
page("planning:tape_missed", SCOLARITE)
page("planning:tape_followup", SCOLARITE, lambda d: [d.demo_apprenticeship])
page("planning:my_tape", APPRENTICE)
page("planning:my_calendar", APPRENTICE)
page("planning:apprentice_calendar", OPTION_LEAD, lambda d: [d.demo_apprenticeship])
page("planning:company_calendar", COMPANY_TUTOR)
page("planning:company_calendar", COMPANY_CONTACT, query="annee=1")
page("planning:feeds", OPTION_LEAD)
page("planning:feed", None, lambda d: [d.feed_token(OPTION_LEAD)], label="planning:feed (option lead)")
page("planning:feed", None, lambda d: [d.feed_token(COMPANY_TUTOR)], label="planning:feed (company tutor)")


# The LEA: the booklet, its boards and exports (the demo's own apprentice; at school size the
# school tutor follows 15 apprentices, the option lead 150, scolarité 600).
page("lea:booklet", APPRENTICE, lambda d: [d.demo_apprenticeship])
page("lea:booklet", SCHOOL_TUTOR, lambda d: [d.demo_apprenticeship])
page("lea:booklet", COMPANY_CONTACT, lambda d: [d.demo_apprenticeship])
page("lea:school_tutor_board", SCHOOL_TUTOR)
page("lea:school_tutor_board", SCOLARITE, label="lea:school_tutor_board (all, 600)")
page("lea:option_board", OPTION_LEAD)
page("lea:completion", SCOLARITE)
page("lea:completion_xlsx", SCOLARITE, timed="xlsx")
page("lea:late_items", SCOLARITE)
page("lea:evidence_export", SCHOOL_TUTOR, lambda d: [d.demo_apprenticeship], timed="xlsx")

# Each LEA document's page (the demo apprentice's), and the PDFs a jury or an audit reads.
page("lea:fiche_detail", COMPANY_TUTOR, lambda d: [d.lea_document("Fiche", state="acknowledged")])
page("lea:fiche_edit", APPRENTICE, lambda d: [d.lea_document("Fiche", state="draft")])
page("lea:fiche_pdf", SCHOOL_TUTOR, lambda d: [d.lea_document("Fiche", state="acknowledged")], timed="pdf")
page("lea:visit_detail", SCHOOL_TUTOR, lambda d: [d.lea_document("Visit", state="reported")])
page("lea:visit_pdf", SCHOOL_TUTOR, lambda d: [d.lea_document("Visit", state="reported")], timed="pdf")
page("lea:plan_detail", OPTION_LEAD, lambda d: [d.lea_document("YearlyPlan")])
page("lea:project_detail", SCHOOL_TUTOR, lambda d: [d.lea_document("ProjectDossier")])
page("lea:project_pdf", SCHOOL_TUTOR, lambda d: [d.lea_document("ProjectDossier")], timed="pdf")
page("lea:plans_to_review", OPTION_LEAD)
page("lea:missing_visits", SCHOOL_TUTOR)
page("lea:missing_visits", SCOLARITE, label="lea:missing_visits (all)")
page("lea:framework", SCOLARITE)


# Evaluation: juries, results, the grade audit (the demo's sessions: last year's published,
# this year's 2A being prepared — at school size, every 2A apprentice of the bench school).
def _jury_session(d: Data) -> list:
    from evaluation.models import JurySession

    return [JurySession.objects.get(school_year__start_year=d.start_year, study_year=2, option=None).pk]


def _demo_enrolment(d: Data, years_back: int) -> list:
    from apprentissage.models import Enrolment

    enrolment = Enrolment.objects.get(
        apprenticeship_id=d.demo_apprenticeship, school_year__start_year=d.start_year - years_back
    )
    return [enrolment.pk]


page("evaluation:jury_list", SCOLARITE)
page("evaluation:jury_detail", SCOLARITE, _jury_session)
page("evaluation:jury_grid", SCOLARITE, _jury_session)
page("evaluation:my_results", APPRENTICE)
page(
    "evaluation:results",
    SCHOOL_TUTOR,
    lambda d: _demo_enrolment(d, 1),
    label="evaluation:results (last year)",
)
page("evaluation:grade_audit", SCOLARITE)


# Evaluation: the programme (the current school year's; loaded from the seed when the
# database has none yet, as scolarité's "start from the seed" does).
def _programme_of_the_year(d: Data) -> int:
    from apprentissage.models import SchoolYear
    from evaluation.models import Programme
    from evaluation.programmes import load_seed

    school_year = SchoolYear.objects.current()
    if not Programme.objects.filter(school_year=school_year).exists():
        load_seed(school_year)
    return school_year.start_year


def company_unit_ready(d: Data) -> list:
    """The Unité Entreprise pages need the current school year's programme."""
    _programme_of_the_year(d)
    return []


page("evaluation:programme", SCOLARITE, lambda d: _programme_of_the_year(d) and [])
page("evaluation:programme_xlsx", SCOLARITE, lambda d: [_programme_of_the_year(d)], timed="xlsx")
# Evaluation: a module's grade grid and the grade grids' list (scolarité: every module of the
# year). The demo has no programme yet: the current school year's is loaded from the seed when
# missing, and a common 2A module (about 200 apprentices at school size) gets its grades.
import functools  # noqa: E402


@functools.cache
def grade_module() -> int:
    from decimal import Decimal

    from apprentissage.models import SchoolYear, User
    from evaluation.grades import graded_enrolments, ordered_assessments
    from evaluation.models import Grade, Module, Programme
    from evaluation.programmes import load_seed

    year = SchoolYear.objects.current()
    if not Programme.objects.filter(school_year=year).exists():
        load_seed(year)
    module = (
        Module.objects.filter(unit__programme__school_year=year, unit__study_year=2, option=None)
        .select_related("unit__programme")
        .order_by("unit__position", "code")
        .first()
    )
    if not Grade.objects.filter(assessment__module=module).exists():
        scolarite = User.objects.get(email=SCOLARITE)
        assessments = [a for a in ordered_assessments(module.assessments.all()) if not a.is_resit]
        Grade.objects.bulk_create(
            Grade(
                assessment=assessment,
                enrolment=enrolment,
                value=None if n % 17 == 0 else Decimal(6 + (n * 7 + index * 3) % 14),
                special="ABS" if n % 17 == 0 else "",
                updated_by=scolarite,
            )
            for n, enrolment in enumerate(graded_enrolments(module))
            for index, assessment in enumerate(assessments)
        )
    return module.pk


page("evaluation:grade_grid", SCOLARITE, lambda d: [grade_module()], label="evaluation:grade_grid (2A, 200)")
page("evaluation:my_modules", SCOLARITE, lambda d: grade_module() and [])
page("evaluation:grade_template", SCOLARITE, lambda d: [grade_module()], timed="xlsx")


# Evaluation: the Unité Entreprise graded online.
page("evaluation:my_company_unit", APPRENTICE, company_unit_ready)
page("evaluation:to_grade", COMPANY_TUTOR, company_unit_ready)
page("evaluation:to_grade", SCHOOL_TUTOR, company_unit_ready)
page("evaluation:to_grade", OPTION_LEAD, company_unit_ready)
page("evaluation:defence_list", SCOLARITE, company_unit_ready)
page("evaluation:defence_list", SCOLARITE, company_unit_ready, query="etude=3")
page("evaluation:report_deadlines", SCOLARITE, company_unit_ready)

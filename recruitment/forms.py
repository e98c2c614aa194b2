import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apprentissage.drafts import VersionedForm
from apprentissage.forms import CHOOSE, SignatureForm, filter_bar, name_empty_choices
from apprentissage.models import Cohort, Option
from apprentissage.models.academics import school_year_start
from apprentissage.signatures import MAX_SCAN_BYTES, validate_scan
from apprentissage.tabular import Column

from .enums import DossierState
from .models import AccordPrealable, Candidate, MissionSheet


def _row(*fields, cols=6):
    return Div(*[Div(f, css_class=f"col-md-{cols}") for f in fields], css_class="row")


class SecondarySubmit(Submit):
    field_classes = "btn btn-outline-secondary"


def _draft_buttons():
    """Save and stay on the form, or save and go back to the dossier (see `edit_draft`)."""
    return Div(
        Submit("save", _("Save the draft")),
        SecondarySubmit("save_and_return", _("Save and go back to the dossier")),
        css_class="d-flex flex-wrap gap-2",
    )


def _mark_needed(form, names, marker) -> None:
    """Mark in words (not by colour only) the fields a draft needs before it can be signed
    or submitted; they stay optional for a draft (the page's legend says so)."""
    for name in names:
        field = form.fields[name]
        field.label = format_html(
            '{} <span class="required-to-sign small fw-normal text-body-secondary">({})</span>',
            field.label,
            marker,
        )
        field.widget.attrs["aria-required"] = "true"


class ScoreField(forms.DecimalField):
    """A mark out of 20; a French decimal comma ("13,5", as in the import template) reads as 13.5."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class CandidateForm(forms.Form):
    """An admitted candidate, typed by scolarité or read from one line of an import."""

    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    option = forms.ModelChoiceField(
        label=_("Option applied for"), queryset=Option.objects.all(), to_field_name="name", empty_label=CHOOSE
    )
    entry_year = forms.IntegerField(
        label=_("Entry year (cohort)"),
        min_value=2000,
        max_value=2100,
        help_text=_("The year of the rentrée in 1st year, e.g. 2027."),
    )
    diploma = forms.ChoiceField(
        label=_("Highest diploma"), choices=Candidate._meta.get_field("diploma").choices
    )
    diploma_title = forms.CharField(label=_("Diploma title"), max_length=200, required=False)
    file_score = ScoreField(label=_("File review (/20)"), min_value=0, max_value=20, required=False)
    interview_score = ScoreField(
        label=_("Motivation interview (/20)"), min_value=0, max_value=20, required=False
    )
    test_score = ScoreField(label=_("Maths and French test (/20)"), min_value=0, max_value=20, required=False)
    english_score = ScoreField(label=_("English oral (/20)"), min_value=0, max_value=20, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                _("Candidate"),
                _row("first_name", "last_name"),
                _row("email", "phone"),
                _row("birth_date", "diploma"),
                "diploma_title",
            ),
            Fieldset(
                _("Admission"),
                _row("option", "entry_year"),
                _row("file_score", "interview_score", "test_score", "english_score", cols=3),
            ),
            Submit("submit", _("Record the candidate")),
        )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        self.check_birth_date(cleaned)
        email, year = cleaned.get("email"), cleaned.get("entry_year")
        if email and year and self.is_recorded(email, year):
            self.add_error("email", _("This candidate is already recorded for this cohort."))
        return cleaned

    def is_recorded(self, email: str, entry_year: int) -> bool:
        return Candidate.objects.filter(user__email__iexact=email, cohort__entry_year=entry_year).exists()

    def check_birth_date(self, cleaned) -> None:
        """Between `MIN_AGE` and `MAX_AGE` years old on the first day of training (a typo such
        as 0001 or 2030 is caught here, not recorded as an eligible candidate)."""
        born, year = cleaned.get("birth_date"), cleaned.get("entry_year")
        if not born:
            return
        start = school_year_start(year) if year else timezone.localdate()
        age = start.year - born.year - ((start.month, start.day) < (born.month, born.day))
        if not self.MIN_AGE <= age <= self.MAX_AGE:
            self.add_error(
                "birth_date",
                _(
                    "This date of birth makes the candidate %(age)d years old on the first day of "
                    "training: between %(min)d and %(max)d is expected, check the year."
                )
                % {"age": age, "min": self.MIN_AGE, "max": self.MAX_AGE},
            )

    MIN_AGE, MAX_AGE = 15, 70


# The import file's columns: the same fields as the form, headed in French as in the template.
CANDIDATE_COLUMNS = [
    Column("last_name", "Nom", example="Fabre"),
    Column("first_name", "Prénom", example="Lucie"),
    Column("email", "E-mail", example="lucie.fabre@example.com"),
    Column("phone", "Téléphone", required=False, example="06 00 00 00 00"),
    Column("birth_date", "Date de naissance", example="14/03/2005"),
    Column("diploma", "Diplôme", example="but"),
    Column(
        "diploma_title", "Intitulé du diplôme", required=False, example="BUT Génie mécanique et productique"
    ),
    Column("option", "Option", example="GenIndus"),
    Column("entry_year", "Promotion (année d'entrée)", example="2027"),
    Column("file_score", "Dossier (/20)", required=False, example="15"),
    Column("interview_score", "Entretien (/20)", required=False, example="16"),
    Column("test_score", "Test maths-français (/20)", required=False, example="13,5"),
    Column("english_score", "Oral d'anglais (/20)", required=False, example="14"),
]


class StartDossierForm(forms.Form):
    contact_first_name = forms.CharField(label=_("Contact's first name"), max_length=150)
    contact_last_name = forms.CharField(label=_("Contact's last name"), max_length=150)
    contact_email = forms.EmailField(
        label=_("Contact's e-mail address"),
        help_text=_("The person who will fill in and sign the accord préalable."),
    )
    company_name = forms.CharField(label=_("Company name"), max_length=200, required=False)

    def __init__(self, *args, candidate, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidate = candidate
        self.helper = FormHelper()
        self.helper.layout = Layout(
            _row("contact_first_name", "contact_last_name"),
            _row("contact_email", "company_name"),
            Submit("submit", _("Invite my future employer")),
        )

    def clean_contact_email(self):
        email = self.cleaned_data["contact_email"].strip().lower()
        if email == self.candidate.user.email:
            raise forms.ValidationError(_("Enter your employer's address, not your own."))
        return email


class AccordForm(VersionedForm):
    # Room for the spaces of a SIRET as printed ("732 829 320 00074"); clean_siret removes
    # them, and the model's validators then check the 14 digits.
    siret = forms.CharField(label=_("SIRET"), max_length=20, required=False)

    class Meta:
        model = AccordPrealable
        fields = [
            "company_name",
            "siret",
            "address",
            "postal_code",
            "city",
            "opco",
            "hr_first_name",
            "hr_last_name",
            "hr_email",
            "hr_phone",
            "tutor_first_name",
            "tutor_last_name",
            "tutor_email",
            "tutor_phone",
            "tutor_job_title",
            "tutor_has_engineering_degree",
            "tutor_years_as_engineer",
            "start_date",
            *AccordPrealable.COMMITMENT_FIELDS,
        ]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "version",
            Fieldset(
                _("The company"),
                _row("company_name", "siret"),
                "address",
                _row("postal_code", "city", cols=4),
                "opco",
            ),
            Fieldset(
                _("HR contact (MidiSup's contact for the contract)"),
                _row("hr_first_name", "hr_last_name"),
                _row("hr_email", "hr_phone"),
            ),
            Fieldset(
                _("Company tutor"),
                HTML(
                    '<p class="form-text">{}</p>'.format(
                        _(
                            "The tutor holds a title equivalent to the diploma sought (an engineer), "
                            "or has worked as an engineer for more than 3 years."
                        )
                    )
                ),
                _row("tutor_first_name", "tutor_last_name"),
                _row("tutor_email", "tutor_phone"),
                "tutor_job_title",
                _row("tutor_has_engineering_degree", "tutor_years_as_engineer"),
            ),
            Fieldset(_("Contract"), "start_date"),
            Fieldset(
                _("Remote-learning commitments"),
                HTML(
                    '<p class="form-text">{}</p>'.format(
                        _(
                            "Part of the academic training is followed at work, in sessions of 3.5 hours. "
                            "Tick each commitment: all are required to sign."
                        )
                    )
                ),
                *[Field(name) for name in AccordPrealable.COMMITMENT_FIELDS],
            ),
            _draft_buttons(),
        )
        _mark_needed(
            self,
            [*AccordPrealable.REQUIRED_FIELDS, *AccordPrealable.COMMITMENT_FIELDS],
            _("required to sign"),
        )

    def clean_siret(self):
        return "".join(self.cleaned_data["siret"].split())

    def clean_start_date(self):
        start = self.cleaned_data["start_date"]
        if start and start < timezone.localdate() - datetime.timedelta(days=365):
            raise forms.ValidationError(_("This start date is more than a year ago: check the year."))
        if start and start > timezone.localdate() + datetime.timedelta(days=3 * 365):
            raise forms.ValidationError(_("This start date is more than three years ahead: check the year."))
        return start

    def clean_tutor_years_as_engineer(self):
        years = self.cleaned_data["tutor_years_as_engineer"]
        if years is not None and years > 60:
            raise forms.ValidationError(_("Enter a number of years between 0 and 60."))
        return years

    @property
    def warnings(self) -> list[str]:
        tutor_named = (
            any(
                self.cleaned_data.get(name) for name in ("tutor_first_name", "tutor_last_name", "tutor_email")
            )
            if self.is_bound and self.is_valid()
            else False
        )
        if tutor_named and not self.instance.tutor_is_eligible:
            return [
                str(
                    _(
                        "The tutor designated holds no engineering degree and has not worked as an engineer "
                        "for more than 3 years: the option lead will be told."
                    )
                )
            ]
        return []


class MissionSheetForm(VersionedForm):
    class Meta:
        model = MissionSheet
        fields = list(MissionSheet.CONTENT_FIELDS)
        widgets = {f"year{y}_missions": forms.Textarea(attrs={"rows": 5}) for y in MissionSheet.YEARS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        years = [
            Fieldset(
                _("Year %(year)d") % {"year": year},
                f"year{year}_missions",
                _row(f"year{year}_family", f"year{year}_level"),
            )
            for year in MissionSheet.YEARS
        ]
        self.helper.layout = Layout("version", *years, _draft_buttons())
        name_empty_choices(self)
        _mark_needed(self, MissionSheet.CONTENT_FIELDS, _("required to submit"))


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )


class SignForm(SignatureForm):
    consent_label = _(
        "I have read the accord préalable and sign it on behalf of the company, including its "
        "remote-learning commitments."
    )


class PaperSignatureForm(forms.Form):
    signer_name = forms.CharField(label=_("Name of the signatory on the paper"), max_length=200)
    signed_on = forms.DateField(
        label=_("Signed on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    scan = forms.FileField(
        label=_("Signed scan (PDF, 10 MB at most)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def clean_signed_on(self):
        signed_on = self.cleaned_data["signed_on"]
        if signed_on > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        return signed_on

    def clean_scan(self):
        scan = self.cleaned_data["scan"]
        validate_scan(scan)
        return scan

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.max_bytes = MAX_SCAN_BYTES


class MilestoneForm(forms.Form):
    on_date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )

    def clean_on_date(self):
        on_date = self.cleaned_data["on_date"]
        if on_date > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        return on_date


class BoardFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, help_text=_("Candidate, company or SIRET"))
    option = forms.ModelChoiceField(
        label=_("Option"), queryset=Option.objects.all(), required=False, empty_label=_("All options")
    )
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("All states")), *DossierState.choices], required=False
    )
    stale_days = forms.IntegerField(
        label=_("Not moved for (days)"), min_value=1, max_value=365, initial=7, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = filter_bar(("q", 3), ("option", 2), ("state", 3), ("stale_days", 2))


class CapacityForm(forms.Form):
    option = forms.ModelChoiceField(label=_("Option"), queryset=Option.objects.all(), empty_label=CHOOSE)
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=Cohort.objects.all(), empty_label=CHOOSE)
    places = forms.IntegerField(label=_("Places"), min_value=0, max_value=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_class = "row g-2 align-items-end"
        self.helper.layout = Layout(
            Div("option", css_class="col-md-4"),
            Div("cohort", css_class="col-md-3"),
            Div("places", css_class="col-md-2"),
            Div(Submit("save", _("Save")), css_class="col-md-3"),
        )

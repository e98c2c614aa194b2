from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from apprentissage.enums import ApprenticeshipStatus, Role, StaffRole, StudyYear
from apprentissage.models import Company, CompanyTutor, Option, User
from apprentissage.models.users import EmailFrequency

# The empty choice of a select, in words (Django's default is "---------").
CHOOSE = _("— Choose —")


class ReasonForm(forms.Form):
    """The reason a transition records (reopening, overriding a check): required."""

    comment = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class SignatureForm(forms.Form):
    """The form of a transition that signs online (apprentissage.signatures): the signer types
    their name and ticks what they sign, `consent_label` (each document says it its way);
    `fire_from_request` takes the signer's evidence from `typed_name`."""

    consent_label = ""

    typed_name = forms.CharField(label=_("Type your first and last name"), max_length=200)
    consent = forms.BooleanField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = self.consent_label
        self.helper = FormHelper()
        self.helper.form_tag = False


NOBODY = _("— Nobody —")
DJANGO_BLANK = "---------"


def name_empty_choices(form, label=CHOOSE) -> None:
    """Give every select of `form` still showing Django's "---------" as its empty choice
    `label` instead (fields whose empty choice is named in their declaration keep theirs)."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label == DJANGO_BLANK:
                field.empty_label = label
        elif isinstance(field, forms.ChoiceField):
            choices = list(field.choices)
            if any(value == "" and str(text) == DJANGO_BLANK for value, text in choices):
                field.choices = [
                    (value, label if value == "" and str(text) == DJANGO_BLANK else text)
                    for value, text in choices
                ]


def filter_bar(*columns: tuple[str | tuple[str, ...], int]) -> FormHelper:
    """The layout of every list page's filter bar: one GET form, fields in a row,
    `columns` as (field name or names, Bootstrap column width), then the Filter button."""
    helper = FormHelper()
    helper.form_method = "get"
    helper.form_class = "row g-2 align-items-end"
    used = 0
    divs = []
    for names, width in columns:
        names = (names,) if isinstance(names, str) else names
        divs.append(Div(*names, css_class=f"col-md-{width}"))
        used += width
    button = Div(
        Submit("filter", _("Filter"), css_class="btn-secondary"), css_class=f"col-md-{max(12 - used, 1)}"
    )
    helper.layout = Layout(*divs, button)
    return helper


INVITABLE_ROLES = [
    (Role.COMPANY_TUTOR.value, Role.COMPANY_TUTOR.label),
    (Role.COMPANY_CONTACT.value, Role.COMPANY_CONTACT.label),
    (Role.SCHOOL_TUTOR.value, Role.SCHOOL_TUTOR.label),
    (Role.OPTION_LEAD.value, Role.OPTION_LEAD.label),
    (Role.MODULE_TEACHER.value, Role.MODULE_TEACHER.label),
    (Role.SCOLARITE.value, Role.SCOLARITE.label),
    (Role.MIDISUP.value, Role.MIDISUP.label),
]
COMPANY_ROLES = {Role.COMPANY_TUTOR, Role.COMPANY_CONTACT}


class InvitePersonForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=INVITABLE_ROLES)
    company = forms.ModelChoiceField(
        label=_("Company"),
        queryset=Company.objects.all(),
        required=False,
        empty_label=CHOOSE,
        help_text=_("Required for a company tutor or a company contact."),
    )
    job_title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    has_engineering_degree = forms.BooleanField(
        label=_("Holds an engineering degree (or an equivalent title)"), required=False
    )
    years_as_engineer = forms.IntegerField(
        label=_("Years working as an engineer"), min_value=0, max_value=60, initial=0, required=False
    )
    option = forms.ModelChoiceField(
        label=_("Option"),
        queryset=Option.objects.all(),
        required=False,
        empty_label=CHOOSE,
        help_text=_("Required for an option lead."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                _("Person"),
                Div(
                    Div("first_name", css_class="col-md-6"),
                    Div("last_name", css_class="col-md-6"),
                    css_class="row",
                ),
                Div(Div("email", css_class="col-md-6"), Div("phone", css_class="col-md-6"), css_class="row"),
            ),
            Fieldset(
                _("Role"),
                "role",
                Div(
                    Div("company", css_class="col-md-6"),
                    Div("job_title", css_class="col-md-6"),
                    css_class="row",
                ),
                "option",
            ),
            Fieldset(
                _("Company tutor eligibility"),
                Field("has_engineering_degree"),
                "years_as_engineer",
            ),
            Submit("submit", _("Send the invitation")),
        )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A person with this e-mail address already has an account."))
        return email

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role in COMPANY_ROLES and not cleaned.get("company"):
            self.add_error("company", _("Choose the company this person works for."))
        if role == Role.OPTION_LEAD and not cleaned.get("option"):
            self.add_error("option", _("Choose the option this person leads."))
        cleaned["years_as_engineer"] = cleaned.get("years_as_engineer") or 0
        return cleaned

    @property
    def warnings(self) -> list[str]:
        """Non-blocking remarks shown after submission (the tutor may still be invited)."""
        data = getattr(self, "cleaned_data", {})
        facts = CompanyTutor(
            has_engineering_degree=bool(data.get("has_engineering_degree")),
            years_as_engineer=data.get("years_as_engineer") or 0,
        )
        if data.get("role") == Role.COMPANY_TUTOR and not facts.is_eligible:
            return [
                str(
                    _(
                        "This tutor holds no engineering degree and has not worked as an engineer "
                        "for more than 3 years: the option lead will see it."
                    )
                )
            ]
        return []


class AcceptInvitationForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Set my password and sign in")))


class ApprenticeshipFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, help_text=_("Name, company or e-mail"))
    option = forms.ModelChoiceField(
        label=_("Option"), queryset=Option.objects.all(), required=False, empty_label=_("All options")
    )
    study_year = forms.TypedChoiceField(
        label=_("Study year"),
        choices=[("", _("All years")), *StudyYear.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *ApprenticeshipStatus.choices], required=False
    )
    sans_tuteur_ecole = forms.BooleanField(label=_("Without a school tutor"), required=False)
    tuteur_non_eligible = forms.BooleanField(label=_("Company tutor not eligible"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = filter_bar(
            ("q", 3),
            ("option", 2),
            ("study_year", 2),
            ("status", 2),
            (("sans_tuteur_ecole", "tuteur_non_eligible"), 2),
        )


class AssignTutorsForm(forms.Form):
    company_tutor = forms.ModelChoiceField(
        label=_("Company tutor"), queryset=User.objects.none(), required=False, empty_label=NOBODY
    )
    school_tutor = forms.ModelChoiceField(
        label=_("School tutor"), queryset=User.objects.none(), required=False, empty_label=NOBODY
    )

    def __init__(self, *args, apprenticeship, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company_tutor"].queryset = User.objects.filter(
            company_tutor_profile__company=apprenticeship.company_id
        )
        self.fields["school_tutor"].queryset = User.objects.filter(groups__name=StaffRole.SCHOOL_TUTOR)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    invitation = forms.ChoiceField(
        label=_("Invitation"),
        required=False,
        choices=[("", _("All")), ("en_attente", _("Not accepted yet"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = filter_bar(("q", 5), ("invitation", 4))


class NotificationPreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email_frequency"]
        widgets = {"email_frequency": forms.RadioSelect}

    def __init__(self, *args, default_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["email_frequency"]
        field.label = _("How would you like to receive notification e-mails?")
        field.choices = [("", default_label), *EmailFrequency.choices]
        field.required = False
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))


class VerificationCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        help_text=_("The 12-character code printed under the signature on the PDF."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.add_input(Submit("verify", _("Verify")))

"""Writes of the core: each function is one transaction; side effects in its docstring."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apprentissage.enums import Role, StaffRole
from apprentissage.mail import queue_templated_email
from apprentissage.models import Apprenticeship, Company, CompanyContact, CompanyTutor, Option, User

# Roles that can be given when inviting someone, and the group behind the staff ones.
ROLE_GROUPS = {
    Role.SCOLARITE: StaffRole.SCOLARITE,
    Role.MIDISUP: StaffRole.MIDISUP,
    Role.SCHOOL_TUTOR: StaffRole.SCHOOL_TUTOR,
    Role.MODULE_TEACHER: StaffRole.MODULE_TEACHER,
}


@dataclass(frozen=True)
class InvitationPurpose:
    """What an invitation is for, said in its e-mail: its subject, a paragraph, and the
    steps the invited person will go through (already translated, or lazy)."""

    subject: str
    intro: str
    steps: tuple[str, ...] = ()


def invitation_url(user: User) -> str:
    from django.conf import settings

    token = default_token_generator.make_token(user)
    path = reverse("invitation_accept", kwargs={"uidb36": user_pk_to_url_str(user), "key": token})
    return settings.SITE_URL + path


class AlreadyHasAccount(ValueError):
    """The person invited already has an account (a double or concurrent submit)."""

    def __init__(self, user: User):
        super().__init__(f"{user.email} already has an account")
        self.user = user


def invite_person(
    *,
    invited_by: User,
    email: str,
    first_name: str,
    last_name: str,
    role: Role,
    phone: str = "",
    company: Company | None = None,
    job_title: str = "",
    has_engineering_degree: bool = False,
    years_as_engineer: int = 0,
    option: Option | None = None,
) -> User:
    """Create a person without a password and e-mail them a link to set one (one transaction).

    Side effects: the role link (group, company tutor or contact profile, option lead),
    an unverified e-mail address for allauth, the invitation e-mail after commit. Raises
    `AlreadyHasAccount` when the address already has an account, also when a concurrent
    request created it a moment ago (nothing is changed).
    """
    try:
        with transaction.atomic():
            user, created = find_or_invite(
                email=email, first_name=first_name, last_name=last_name, phone=phone, invited_by=invited_by
            )
            if not created:
                raise AlreadyHasAccount(user)
            grant_role(
                user=user,
                role=role,
                company=company,
                job_title=job_title,
                has_engineering_degree=has_engineering_degree,
                years_as_engineer=years_as_engineer,
                option=option,
            )
            return user
    except IntegrityError:  # lost the race on the unique address
        existing = User.objects.filter(email__iexact=email).first()
        if existing is None:
            raise
        raise AlreadyHasAccount(existing) from None


def find_or_invite(
    *,
    email: str,
    first_name: str,
    last_name: str,
    invited_by: User | None,
    phone: str = "",
    purpose: InvitationPurpose | None = None,
) -> tuple[User, bool]:
    """The person with this e-mail address, or a new one invited to set a password.

    Side effects for a new person: an unverified allauth address, the invitation e-mail
    after commit (saying what it is for, when `purpose` is given). Returns (person, created).
    Two concurrent calls for one new address: one raises `IntegrityError` (unique address);
    callers run it in their own savepoint and answer with the person already there
    (`invite_person`, `record_candidate`).
    """
    existing = User.objects.filter(email__iexact=email).first()
    if existing:
        return existing, False
    user = User.objects.create_user(
        email=email,
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        invited_at=timezone.now(),
        invited_by=invited_by,
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    send_invitation(user=user, purpose=purpose)
    return user, True


def grant_role(
    *,
    user: User,
    role: Role,
    company: Company | None = None,
    job_title: str = "",
    has_engineering_degree: bool = False,
    years_as_engineer: int = 0,
    option: Option | None = None,
) -> None:
    if role in ROLE_GROUPS:
        group, _created = Group.objects.get_or_create(name=ROLE_GROUPS[role])
        user.groups.add(group)
    elif role == Role.COMPANY_TUTOR:
        CompanyTutor.objects.update_or_create(
            user=user,
            defaults={
                "company": company,
                "job_title": job_title,
                "has_engineering_degree": has_engineering_degree,
                "years_as_engineer": years_as_engineer,
            },
        )
    elif role == Role.COMPANY_CONTACT:
        CompanyContact.objects.update_or_create(
            user=user,
            company=company,
            defaults={"job_title": job_title, "is_hr_contact": True, "is_signatory": True},
        )
    elif role == Role.OPTION_LEAD:
        option.lead = user
        option.save(update_fields=["lead"])  # audited; the boards' cache sees the new lead
        group, _created = Group.objects.get_or_create(name=StaffRole.SCHOOL_TUTOR)
        user.groups.add(group)
    elif role == Role.ADMIN:
        User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    else:
        raise ValueError(f"Role {role} is not given by invitation")


def send_invitation(*, user: User, purpose: InvitationPurpose | None = None) -> None:
    """Queue the invitation e-mail (after commit). Resending makes a fresh link."""
    inviter = user.invited_by
    queue_templated_email(
        to=[user.email],
        template_prefix="emails/invitation",
        context={
            "person": user,
            "inviter": str(inviter) if inviter else "",
            "invitation_url": invitation_url(user),
            "purpose": purpose,
        },
    )


@transaction.atomic
def resend_invitation(*, user: User) -> None:
    """Record the new invitation date and send a fresh link."""
    User.objects.filter(pk=user.pk).update(invited_at=timezone.now())
    send_invitation(user=user)


@transaction.atomic
def accept_invitation(*, user: User, password: str) -> None:
    """Set the password chosen by the invited person and mark their address verified."""
    user.set_password(password)
    user.save(update_fields=["password"])
    EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)


@transaction.atomic
def assign_tutors(
    *, apprenticeship: Apprenticeship, company_tutor: User | None, school_tutor: User | None
) -> Apprenticeship:
    """Link the tutors of an apprenticeship (audited by simple-history)."""
    apprenticeship.company_tutor = company_tutor
    apprenticeship.school_tutor = school_tutor
    apprenticeship.save(update_fields=["company_tutor", "school_tutor"])
    return apprenticeship

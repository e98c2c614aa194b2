from allauth.account.utils import url_str_to_user_pk
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.tokens import default_token_generator
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apprentissage.enums import Role
from apprentissage.forms import AcceptInvitationForm, InvitePersonForm, PersonFilterForm
from apprentissage.models import User
from apprentissage.services import AlreadyHasAccount, accept_invitation, invite_person, resend_invitation


@login_required
@permission_required("apprentissage.manage_people", raise_exception=True)
def person_list(request):
    form = PersonFilterForm(request.GET or None)
    qs = User.objects.select_related("invited_by").order_by("last_name", "first_name")
    if form.is_valid():
        for word in form.cleaned_data["q"].split():
            qs = qs.filter(
                Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
            )
        if form.cleaned_data["invitation"] == "en_attente":
            qs = qs.filter(invited_at__isnull=False, last_login__isnull=True)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "apprentissage/person_list.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@login_required
@permission_required("apprentissage.manage_people", raise_exception=True)
def person_invite(request):
    form = InvitePersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = invite_person(
                invited_by=request.user,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                phone=data["phone"],
                role=Role(data["role"]),
                company=data["company"],
                job_title=data["job_title"],
                has_engineering_degree=data["has_engineering_degree"],
                years_as_engineer=data["years_as_engineer"],
                option=data["option"],
            )
        except AlreadyHasAccount:  # the same invitation sent twice at once: the other one won
            form.add_error("email", _("A person with this e-mail address already has an account."))
            return render(request, "apprentissage/person_invite.html", {"form": form})
        for warning in form.warnings:
            messages.warning(request, warning)
        messages.success(
            request,
            _("%(person)s has been invited: an e-mail with a link to set a password is on its way.")
            % {"person": person},
        )
        return redirect("person_list")
    return render(request, "apprentissage/person_invite.html", {"form": form})


@require_POST
@login_required
@permission_required("apprentissage.manage_people", raise_exception=True)
def person_resend_invitation(request, pk: int):
    person = get_object_or_404(User, pk=pk)
    if person.last_login is not None:
        messages.info(
            request, _("%(person)s has already signed in: no invitation needed.") % {"person": person}
        )
    else:
        resend_invitation(user=person)
        messages.success(request, _("A new invitation has been sent to %(email)s.") % {"email": person.email})
    return redirect("person_list")


def invitation_accept(request, uidb36: str, key: str):
    """The link of the invitation e-mail: the invited person chooses a password."""
    try:
        user = User.objects.get(pk=url_str_to_user_pk(uidb36))
    except (User.DoesNotExist, ValueError, OverflowError):
        user = None
    if user is None or not default_token_generator.check_token(user, key):
        return render(request, "apprentissage/invitation_invalid.html", status=400)
    form = AcceptInvitationForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept_invitation(user=user, password=form.cleaned_data["new_password1"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your password is set and you are signed in."))
        return redirect("home")
    return render(request, "apprentissage/invitation_accept.html", {"form": form, "person": user})

"""Firing a workflow transition from a request, and the buttons that offer it.

A document's transition view is then a few lines: find the object the user may see (404
otherwise), and hand the request to `fire_from_request` with a callback that renders the
document's page (shown again, unchanged, with the reason and the right status when the
transition is refused) and the URL to go to once done.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from apprentissage.signatures import SignerEvidence
from apprentissage.workflow import TransitionError, Workflow, apply_transition

Page = Callable[[int], HttpResponse]  # renders the document's page with a status code


def transition_actions(user, workflow: Workflow, obj, hidden=()) -> dict:
    """The transitions `user` may fire on `obj`, each with an empty form of its extra fields:
    the next steps, and apart the rare destructive ones (cancel, withdraw, reopen).
    Rendered by ``includes/transition_actions.html``."""
    actions = [
        {"transition": t, "form": t.form_class() if t.form_class else None}
        for t in workflow.available(user, obj)
        if t.name not in hidden
    ]
    return {
        "next": [a for a in actions if a["transition"].style != "danger"],
        "other": [a for a in actions if a["transition"].style == "danger"],
    }


def refuse(request, message: str, status: int, page: Page) -> HttpResponse:
    """The document's page again, with the reason and the right status code (htmx: the
    same status, and the page reloads to show the message)."""
    messages.error(request, message)
    if request.htmx:
        return HttpResponse(status=status, headers={"HX-Refresh": "true"})
    return page(status)


def done(request, message: str, success_url: str) -> HttpResponse:
    messages.success(request, message)
    if request.htmx:
        return HttpResponseClientRedirect(success_url)
    return redirect(success_url)


def fire_from_request(
    request,
    workflow: Workflow,
    obj,
    name: str,
    *,
    page: Page,
    success_url: str,
    success_message: Callable[[object], str] | None = None,
) -> HttpResponse:
    """Validate the transition's form from the POST, fire it as the user, then go to
    `success_url` with "Done: <label>." (or `success_message(obj)`). Refused: an unknown
    action 404, a bad form 400, a wrong person 403, a wrong state or an unmet requirement
    409, each with its message."""
    try:
        transition = workflow.get(name)
    except TransitionError as error:
        return refuse(request, str(error), 404, page)
    data = {}
    if transition.form_class:
        form = transition.form_class(request.POST, request.FILES)
        if not form.is_valid():
            errors = " ".join(str(e) for errors in form.errors.values() for e in errors)
            return refuse(request, errors, 400, page)
        data = form.cleaned_data
    evidence = SignerEvidence.from_request(request, data["typed_name"]) if "typed_name" in data else None
    try:
        obj = apply_transition(
            workflow,
            obj,
            name,
            actor=request.user,
            comment=data.get("comment", ""),
            data=data,
            evidence=evidence,
        )
    except ValidationError as error:
        return refuse(request, " ".join(error.messages), 400, page)
    except TransitionError as error:
        return refuse(request, str(error), error.status_code, page)
    message = (
        success_message(obj) if success_message else _("Done: %(action)s.") % {"action": transition.label}
    )
    return done(request, message, success_url)

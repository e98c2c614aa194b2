"""The edit page of a shared draft (see apprentissage/drafts.py): the form, and its save."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apprentissage.drafts import ConcurrentEdit, save_draft
from apprentissage.signatures import FrozenDocument

# The name of the second submit button of a draft's form: save, then go back (`success_url`).
SAVE_AND_RETURN = "save_and_return"


def edit_draft(request, *, form_class, instance, template: str, success_url: str, context=None):
    """GET: the form. POST: save it and stay on the form (the same URL, read again) with
    "Draft saved." (and the form's `warnings`), or go to `success_url` when the button
    named `SAVE_AND_RETURN` was pressed; someone saved since the form was read: the form
    again, with the message, 409; the document is frozen: to `success_url` with the reason."""
    form = form_class(request.POST or None, instance=instance)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            save_draft(
                instance,
                data=form.draft_data(),
                expected_version=form.cleaned_data["version"],
                actor=request.user,
            )
        except ConcurrentEdit as error:
            form.add_error(None, str(error))
            status = 409
        except FrozenDocument as error:
            messages.error(request, str(error))
            return redirect(success_url)
        else:
            for warning in getattr(form, "warnings", []):
                messages.warning(request, warning)
            messages.success(request, _("Draft saved."))
            return redirect(success_url if SAVE_AND_RETURN in request.POST else request.get_full_path())
    return render(request, template, {**(context or {}), "form": form}, status=status)

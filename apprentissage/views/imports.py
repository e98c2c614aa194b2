"""The pages of the two-step import (see `apprentissage.imports`): an app's upload URL calls
`upload_view`; the preview and the confirmation are the core's URLs, for every kind."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apprentissage.imports import ConfirmRefused, ImportSpec, confirm_batch, create_batch, get_spec, lines_of
from apprentissage.models import ImportBatch
from apprentissage.tabular import TableError, read_table


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (.xlsx or .csv)"))
    only_valid_rows = forms.BooleanField(
        label=gettext_lazy("Import the correct lines even if others have errors"), required=False
    )

    def __init__(self, *args, spec: ImportSpec, help_text="", **kwargs):
        super().__init__(*args, **kwargs)
        if help_text:
            self.fields["file"].help_text = help_text
        if not spec.allow_only_valid_rows:
            del self.fields["only_valid_rows"]
        self.helper = FormHelper()
        self.helper.add_input(Submit("preview", gettext_lazy("Check the file")))


def _check_permission(request, spec: ImportSpec) -> None:
    if not request.user.has_perm(spec.permission):
        raise PermissionDenied


def upload_view(request, kind: str, *, params: dict | None = None, form_class=ImportForm, help_text=""):
    """The upload page of `kind` (the app's own URL checks its login and permission)."""
    spec = get_spec(kind)
    _check_permission(request, spec)
    params = params or {}
    form = form_class(request.POST or None, request.FILES or None, spec=spec, help_text=help_text)
    table_error = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = read_table(upload, spec.columns_of(params))
        except TableError as error:
            table_error = str(error)
        else:
            batch = create_batch(
                spec=spec,
                created_by=request.user,
                file_name=upload.name,
                rows=rows,
                params=params,
                only_valid_rows=form.cleaned_data.get("only_valid_rows", False),
            )
            if batch.check_job_id:
                return redirect("job_detail", pk=batch.check_job_id)
            return redirect("import_preview", pk=batch.pk)
    return render(
        request,
        spec.template,
        {"form": form, "table_error": table_error, "batch": None, "spec": spec, **spec.context(params)},
    )


def _own_batch(request, pk: int) -> tuple[ImportBatch, ImportSpec]:
    batch = get_object_or_404(ImportBatch, pk=pk, created_by=request.user)
    try:
        spec = get_spec(batch.kind)
    except KeyError:
        raise Http404 from None
    _check_permission(request, spec)
    return batch, spec


@login_required
def import_preview(request, pk: int):
    """Each bad line with its reason, the errors about the file, the good-line count."""
    batch, spec = _own_batch(request, pk)
    if batch.status == ImportBatch.Status.CHECKING and batch.check_job_id:
        return redirect("job_detail", pk=batch.check_job_id)
    return render(
        request,
        spec.template,
        {
            "form": None,
            "batch": batch,
            "spec": spec,
            "lines": lines_of(batch),
            "upload_url": spec.upload_url(batch.params),
            **spec.context(batch.params),
        },
    )


@login_required
@require_POST
def import_confirm(request, pk: int):
    """Start the import of a checked file, once; a second click is told it is already done."""
    batch, _spec = _own_batch(request, pk)
    try:
        batch, started = confirm_batch(
            batch_id=batch.pk, user=request.user, only_valid_rows=bool(request.POST.get("only_valid_rows"))
        )
    except ConfirmRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("import_preview", pk=batch.pk)
    if not started:
        messages.info(request, _("This import was already confirmed."))
        if not batch.apply_job_id:
            return redirect("import_preview", pk=batch.pk)
    return redirect("job_detail", pk=batch.apply_job_id)

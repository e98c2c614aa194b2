"""Shared drafts and their submitted versions, for any document filled in over several visits.

A draft model inherits `VersionedDraft` (version, last saved at/by): `save_draft` writes a
form's data through the model (so django-simple-history records who changed what) under a
row lock, only if nobody saved since the version the form was read at (`ConcurrentEdit`
otherwise), and only while `ensure_editable()` allows it (`FrozenDocument`: signed, or
submitted). Its form inherits `VersionedForm`. A document whose submissions are kept
declares a version model inheriting `SubmittedVersion` (related name ``versions``) and a
`content() -> dict`; `snapshot_version` and `record_decision` are then its effects, and
`changes_between` the field-by-field diff the reviewer reads (`versions_with_changes`: every
version with what changed; `changes_since`: what others saved since a stale form was read).
"""

import difflib

from django import forms
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class ConcurrentEdit(Exception):
    """Someone else saved the same draft since this form was opened."""


class VersionedDraft(models.Model):
    version = models.PositiveIntegerField(default=1)  # optimistic locking of the shared draft
    updated_at = models.DateTimeField(gettext_lazy("last saved"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True

    def ensure_editable(self) -> None:
        """Raise `FrozenDocument` when the draft may no longer change (by default: signed)."""
        from apprentissage.signatures import ensure_editable

        ensure_editable(self)


def save_draft(obj: VersionedDraft, *, data: dict, expected_version: int, actor) -> VersionedDraft:
    """Save `data` on `obj` if nobody saved it since `expected_version`; return `obj`, refreshed.
    Raises ConcurrentEdit or FrozenDocument, changing nothing."""
    with transaction.atomic():
        locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        locked.ensure_editable()
        if locked.version != expected_version:
            raise ConcurrentEdit(
                _(
                    "Someone else saved this document while you were editing it. "
                    "Reload the page to see their changes, then make yours again."
                )
            )
        for name, value in data.items():
            setattr(locked, name, value)
        locked.version += 1
        locked.updated_by = actor
        locked._history_user = actor  # django-simple-history's author of the change
        locked.save()
    obj.refresh_from_db()
    return obj


class VersionedForm(forms.ModelForm):
    """A shared draft's form: the version it was read at travels with it (optimistic lock)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version

    def draft_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class SubmittedVersion(models.Model):
    """One submission of a draft, kept with the reviewer's decision."""

    class Decision(models.TextChoices):
        VALIDATED = "validated", gettext_lazy("validated")
        RETURNED = "returned", gettext_lazy("sent back")

    number = models.PositiveSmallIntegerField(gettext_lazy("version"))
    content = models.JSONField(gettext_lazy("content"))
    submitted_at = models.DateTimeField(gettext_lazy("submitted at"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(gettext_lazy("decision"), max_length=10, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(gettext_lazy("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    remarks = models.TextField(gettext_lazy("remarks"), blank=True)

    class Meta:
        abstract = True


def snapshot_version(document, actor) -> SubmittedVersion:
    """Keep what `document.content()` says now as its next numbered version (call it from
    the submitting transition, which holds the document's row lock)."""
    number = document.versions.count() + 1
    return document.versions.create(number=number, content=document.content(), submitted_by=actor)


def record_decision(document, *, decision: str, actor, remarks: str = "") -> SubmittedVersion:
    """The reviewer's decision on the latest version."""
    latest = document.versions.order_by("-number").first()
    latest.decision = decision
    latest.decided_at = timezone.now()
    latest.decided_by = actor
    latest.remarks = remarks
    latest.save(update_fields=["decision", "decided_at", "decided_by", "remarks"])
    return latest


def changes_between(model, fields, previous: dict | None, current: dict) -> list[dict]:
    """Field by field, line by line: what changed between two versions' contents (nothing
    for a first version)."""
    changes = []
    if previous is None:
        return changes
    for name in fields:
        before, after = str(previous.get(name, "")), str(current.get(name, ""))
        if before != after:
            diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
            changes.append(
                {
                    "label": model._meta.get_field(name).verbose_name,
                    "removed": [line[2:] for line in diff if line.startswith("- ")],
                    "added": [line[2:] for line in diff if line.startswith("+ ")],
                }
            )
    return changes


def readable(model, fields, content: dict) -> dict:
    """A version's content as people read it: choices by their label, nothing for None."""
    shown = {}
    for name in fields:
        value = content.get(name)
        choices = dict(model._meta.get_field(name).flatchoices)
        shown[name] = "" if value is None else str(choices.get(value, value))
    return shown


def versions_with_changes(document, model, fields) -> list:
    """The document's submitted versions, newest first, each with `changes` since the one before."""
    versions = list(document.versions.select_related("submitted_by", "decided_by").order_by("-number"))
    for version, previous in zip(versions, [*versions[1:], None], strict=False):
        version.previous = previous
        version.changes = changes_between(
            model,
            fields,
            previous and readable(model, fields, previous.content),
            readable(model, fields, version.content),
        )
    return versions


def changes_since(document, model, fields, read_version) -> list[dict]:
    """What others saved on a shared draft since `user` read it at `read_version` (the
    history record of that version against the draft now); [] when nothing."""
    try:
        read_version = int(read_version)
    except (TypeError, ValueError):
        return []
    current = model._default_manager.get(pk=document.pk)
    if current.version == read_version:
        return []
    read = current.history.filter(version=read_version).order_by("-history_date").first()
    before = {name: getattr(read, name) for name in fields} if read else {}
    now = {name: getattr(current, name) for name in fields}
    return changes_between(model, fields, readable(model, fields, before), readable(model, fields, now))

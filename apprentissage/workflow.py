"""The portal's one workflow mechanism.

A document model has a state field (a `TextChoices`); its app declares the transitions in
a `Workflow` (in `<app>/workflows.py`). `apply_transition` is the only way to change such
a state: it locks the row, checks the start state, the actor's permission and the
transition's requirements, saves the new state, writes the audit entry (`TransitionLog`)
and runs the transition's side effects (notifications are queued after commit).
Two concurrent clicks: exactly one wins, the other gets `TransitionConflict` (HTTP 409).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apprentissage.models import TransitionLog


class TransitionError(Exception):
    """Base of the errors a transition view turns into a message."""

    status_code = 400


class TransitionConflict(TransitionError):
    """The document is no longer in a state this transition starts from (409)."""

    status_code = 409


class TransitionNotAllowed(TransitionError, PermissionDenied):
    status_code = 403


class TransitionBlocked(TransitionError):
    """A requirement of the transition is not met (e.g. a missing comment)."""

    status_code = 409


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    label: str
    # rules predicate (user, obj) -> bool: who may fire it
    allowed: Callable[..., bool]
    # returns an error message when the document is not ready, None otherwise
    requires: Callable[[models.Model], str | None] | None = None
    comment_required: bool = False
    # side effects, run in the same transaction after the state is saved
    effects: tuple[Callable[..., None], ...] = ()
    # Bootstrap colour of the button; "danger" ones ask for confirmation
    style: str = "primary"
    # fired by the portal itself as the effect of another transition, never a button
    automatic: bool = False

    def starts_from(self, state: str) -> bool:
        return state in self.sources


@dataclass
class Workflow:
    state_field: str
    transitions: list[Transition] = field(default_factory=list)

    def __post_init__(self):
        self._by_name = {t.name: t for t in self.transitions}
        assert len(self._by_name) == len(self.transitions), "transition names must be unique"

    def get(self, name: str) -> Transition:
        try:
            return self._by_name[name]
        except KeyError:
            raise TransitionConflict(_("Unknown action.")) from None

    def state_of(self, obj) -> str:
        return getattr(obj, self.state_field)

    def available(self, user, obj) -> list[Transition]:
        """Transitions `user` may fire on `obj` now (for buttons and to-do lists)."""
        state = self.state_of(obj)
        return [
            t for t in self.transitions if not t.automatic and t.starts_from(state) and t.allowed(user, obj)
        ]

    def names(self) -> Iterable[str]:
        return self._by_name


def history_of(workflow: Workflow, obj) -> list[TransitionLog]:
    """The audit trail of `obj`, each entry labelled for people (action, from, to)."""
    states = dict(type(obj)._meta.get_field(workflow.state_field).flatchoices)
    logs = list(
        TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).select_related("actor")
    )
    for log in logs:
        transition = workflow._by_name.get(log.transition)
        log.action_label = transition.label if transition else log.transition
        log.from_label = states.get(log.from_state, log.from_state)
        log.to_label = states.get(log.to_state, log.to_state)
    return logs


def apply_transition(
    workflow: Workflow, obj, name: str, *, actor, comment: str = "", by_system: bool = False, **effect_kwargs
):
    """Fire transition `name` of `workflow` on `obj` as `actor`; return the updated object.

    Raises TransitionConflict (wrong state, e.g. a second click), TransitionNotAllowed
    (wrong person) or TransitionBlocked (a requirement is not met). Changes nothing then.
    Automatic transitions are fired only by the portal itself (`by_system=True`), as the
    effect of a person's action; `actor` is then that person, for the audit trail.
    """
    transition = workflow.get(name)
    with transaction.atomic():
        locked = type(obj).objects.select_for_update().get(pk=obj.pk)
        state = workflow.state_of(locked)
        if not transition.starts_from(state):
            shown = getattr(locked, f"get_{workflow.state_field}_display")()
            raise TransitionConflict(
                _("This action has already been done or is no longer possible (current state: %(state)s).")
                % {"state": shown}
            )
        if transition.automatic != by_system or not (by_system or transition.allowed(actor, locked)):
            raise TransitionNotAllowed(_("You may not do this on this document."))
        comment = (comment or "").strip()
        if transition.comment_required and not comment:
            raise TransitionBlocked(_("Please explain why in the comment."))
        if transition.requires and (problem := transition.requires(locked)):
            raise TransitionBlocked(problem)
        setattr(locked, workflow.state_field, transition.target)
        update_fields = [workflow.state_field]
        if hasattr(locked, "state_changed_at"):
            locked.state_changed_at = timezone.now()
            update_fields.append("state_changed_at")
        locked.save(update_fields=update_fields)
        TransitionLog.objects.create(
            content_type=ContentType.objects.get_for_model(locked),
            object_id=locked.pk,
            transition=transition.name,
            from_state=state,
            to_state=transition.target,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            comment=comment,
        )
        for effect in transition.effects:
            effect(locked, actor=actor, comment=comment, **effect_kwargs)
    return locked

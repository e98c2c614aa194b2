"""The portal's one workflow mechanism.

A document model has a state field (a `TextChoices`); its app declares the transitions in
a `Workflow` (in `<app>/workflows.py`). `apply_transition` is the only way to change such
a state: it locks the row, checks the start state, the actor's permission and the
transition's requirements, saves the new state, writes the audit entry (`TransitionLog`)
and runs the transition's side effects (notifications are queued after commit).
Two concurrent clicks: exactly one wins, the other gets `TransitionConflict` (HTTP 409).

Declaring a workflow also gives, for free: one `rules` permission per transition
(``<app>.<transition>_<model>``: the state is a source AND the person is allowed), the
"next step" text of a document, and the home page's to-dos of whoever may act
(`Todo`, `workflow_todos`), in a constant number of queries.
"""

import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

import rules
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
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


def _prefixed(q: Q, prefix: str) -> Q:
    """`q` with every lookup seen from a related model (`contact=u` -> `dossier__contact=u`)."""
    clone = Q()
    clone.connector, clone.negated = q.connector, q.negated
    clone.children = [
        _prefixed(child, prefix) if isinstance(child, Q) else (f"{prefix}__{child[0]}", child[1])
        for child in q.children
    ]
    return clone


@dataclass(frozen=True)
class Actor:
    """Who may fire a transition, said twice: as a `rules` predicate `(user, doc)` for one
    document, and as a queryset filter `q(user)` for the documents `user` acts on (None:
    none; `Q()`: all), which the to-do lists use. `when(user)`, a cheap per-user predicate,
    skips the query when False. Combine actors with `|` and `&`."""

    predicate: Callable[..., bool]
    q: Callable[[Any], Q | None] = lambda user: None
    when: Callable[[Any], bool] | None = None

    @classmethod
    def role(cls, predicate) -> "Actor":
        """A staff role: every document when the user holds it, nothing otherwise."""
        return cls(predicate, q=lambda user: Q(), when=predicate)

    @classmethod
    def of(cls, allowed) -> "Actor":
        return allowed if isinstance(allowed, Actor) else cls(allowed)

    def __call__(self, user, obj) -> bool:
        return bool(self.predicate(user, obj))

    def q_for(self, user) -> Q | None:
        if not getattr(user, "is_authenticated", False) or (self.when and not self.when(user)):
            return None
        return self.q(user)

    def via(self, prefix: str) -> "Actor":
        """The same actor for a document reached through `prefix` (its dossier, its apprenticeship)."""
        return Actor(
            self.predicate,
            q=lambda user: None if (q := self.q(user)) is None else _prefixed(q, prefix),
            when=self.when,
        )

    def __or__(self, other) -> "Actor":
        other = Actor.of(other)

        def q(user):
            parts = [p for p in (self.q_for(user), other.q_for(user)) if p is not None]
            return reduce(operator.or_, parts) if parts else None

        return Actor(rules.predicate(self.predicate) | rules.predicate(other.predicate), q=q)

    def __and__(self, other) -> "Actor":
        other = Actor.of(other)

        def q(user):
            left, right = self.q_for(user), other.q_for(user)
            return None if left is None or right is None else left & right

        return Actor(rules.predicate(self.predicate) & rules.predicate(other.predicate), q=q)


@dataclass(frozen=True)
class TransitionContext:
    """What a side effect of a transition knows (effects are `effect(ctx) -> None`)."""

    obj: models.Model  # the document, locked, in its new state
    transition: "Transition"
    actor: Any
    comment: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)  # the transition form's cleaned_data
    evidence: Any = None  # apprentissage.signatures.SignerEvidence, for a transition that signs
    by_system: bool = False
    previous_state: str = ""


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    label: str
    # who may fire it: a rules predicate (user, obj) -> bool, or an `Actor` (to-dos too)
    allowed: Callable[..., bool]
    # returns an error message when the document is not ready, None otherwise
    requires: Callable[[models.Model], str | None] | None = None
    comment_required: bool = False
    # side effects `effect(ctx: TransitionContext)`, run in the same transaction after the state is saved
    effects: tuple[Callable[[TransitionContext], None], ...] = ()
    # the form of its extra fields (a comment, a date, a signature...), shown with its button;
    # a form with a `typed_name` field signs (the view adds the signer's evidence)
    form_class: type | None = None
    # what happens next while the document waits for this transition (the "next step" text)
    next_step: str = ""
    # Bootstrap colour of the button; "danger" ones ask for confirmation
    style: str = "primary"
    # fired by the portal itself as the effect of another transition, never a button
    automatic: bool = False

    def __post_init__(self):
        object.__setattr__(self, "allowed", Actor.of(self.allowed))

    def starts_from(self, state: str) -> bool:
        return state in self.sources


@dataclass(frozen=True)
class Todo:
    """A to-do on the home page of whoever may fire one of `transitions` on a document (in
    `states` only, when given). Per document: `title % params(doc)`, `url(doc)`; or, with
    `count=True`, one line `title % {"count": n}` (an `ngettext_lazy(..., "count")`) and `url()`."""

    transitions: tuple[str, ...]
    title: Any
    url: Callable[..., str]
    states: tuple[str, ...] | None = None
    count: bool = False
    params: Callable[[Any], dict] = lambda doc: {}
    select_related: tuple[str, ...] = ()


# The documents listed one by one in a person's to-dos, at most (all workflows' to-dos at once).
TODO_DOCUMENTS_LIMIT = 20

_workflows: dict[str, "Workflow"] = {}


@dataclass
class Workflow:
    model: type[models.Model]
    state_field: str
    transitions: list[Transition] = field(default_factory=list)
    todos: list[Todo] = field(default_factory=list)
    # "next step" texts of states that override the transitions' (waiting or final states)
    state_texts: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        self._by_name = {t.name: t for t in self.transitions}
        assert len(self._by_name) == len(self.transitions), "transition names must be unique"
        for todo in self.todos:
            assert all(name in self._by_name for name in todo.transitions), todo
        self._register()

    def _register(self) -> None:
        """Each transition is a rules permission `<app>.<name>_<model>`; the to-dos are asked
        by `workflow_todos` (registered once as a to-do provider)."""
        meta = self.model._meta
        _workflows[meta.label] = self
        for t in self.transitions:
            rules.set_perm(
                self.perm_name(t),
                rules.always_deny
                if t.automatic
                else self._in_state(t) & rules.predicate(t.allowed.predicate),
            )

    def _in_state(self, transition: Transition):
        @rules.predicate(name=f"in_a_source_state_of_{transition.name}")
        def in_state(user, obj) -> bool:
            return obj is not None and transition.starts_from(self.state_of(obj))

        return in_state

    def perm_name(self, transition: Transition | str) -> str:
        name = transition if isinstance(transition, str) else transition.name
        return f"{self.model._meta.app_label}.{name}_{self.model._meta.model_name}"

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

    def next_step(self, obj) -> str:
        """Who is expected to act next: the state's own text, else the first transition from
        the state that describes itself."""
        state = self.state_of(obj)
        if state in self.state_texts:
            return str(self.state_texts[state])
        return next((str(t.next_step) for t in self.transitions if t.starts_from(state) and t.next_step), "")

    def todo_q(self, todo: Todo, user) -> Q | None:
        """The documents on which `user` may fire one of the to-do's transitions now."""
        parts = []
        for name in todo.transitions:
            transition = self._by_name[name]
            states = [s for s in transition.sources if todo.states is None or s in todo.states]
            who = transition.allowed.q_for(user)
            if states and who is not None:
                parts.append(Q(**{f"{self.state_field}__in": states}) & who)
        return reduce(operator.or_, parts) if parts else None

    def todo_items(self, user) -> list:
        """This workflow's to-dos for `user`: at most two queries (documents, counts)."""
        from apprentissage.dashboard import TodoItem

        asked = [(todo, q) for todo in self.todos if (q := self.todo_q(todo, user)) is not None]
        items = []
        counted = [(i, todo, q) for i, (todo, q) in enumerate(asked) if todo.count]
        if counted:
            counts = self.model._default_manager.aggregate(
                **{f"todo_{i}": Count("pk", filter=q, distinct=True) for i, _todo, q in counted}
            )
            for i, todo, _q in counted:
                if n := counts[f"todo_{i}"]:
                    items.append(TodoItem(title=todo.title % {"count": n}, url=todo.url(), count=n))
        listed = [(i, todo, q) for i, (todo, q) in enumerate(asked) if not todo.count]
        if listed:
            either = reduce(operator.or_, [q for _i, _todo, q in listed])
            documents = self.model._default_manager.filter(either)
            if len(listed) > 1:  # which to-do each document is (with one, all are its)
                documents = documents.annotate(
                    **{f"_todo_{i}": ExpressionWrapper(q, output_field=BooleanField()) for i, _t, q in listed}
                )
            documents = documents.select_related(
                *{path for _i, todo, _q in listed for path in todo.select_related}
            ).order_by("pk")[:TODO_DOCUMENTS_LIMIT]
            for i, todo, _q in listed:
                items.extend(
                    TodoItem(title=todo.title % todo.params(doc), url=todo.url(doc))
                    for doc in documents
                    if len(listed) == 1 or getattr(doc, f"_todo_{i}")
                )
        return items


def workflows() -> list[Workflow]:
    return list(_workflows.values())


def workflow_todos(user) -> list:
    """Every registered workflow's to-dos for `user` (a to-do provider: see dashboard.py)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [item for workflow in _workflows.values() for item in workflow.todo_items(user)]


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
    workflow: Workflow,
    obj,
    name: str,
    *,
    actor,
    comment: str = "",
    data: Mapping[str, Any] | None = None,
    evidence=None,
    by_system: bool = False,
):
    """Fire transition `name` of `workflow` on `obj` as `actor`; return the updated object.

    `data` is the transition form's cleaned data and `evidence` the signer's
    (`SignerEvidence`), both handed to the effects in their `TransitionContext`.
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
        context = TransitionContext(
            obj=locked,
            transition=transition,
            actor=actor,
            comment=comment,
            data=dict(data or {}),
            evidence=evidence,
            by_system=by_system,
            previous_state=state,
        )
        for effect in transition.effects:
            effect(context)
    return locked

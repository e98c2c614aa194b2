"""The home page's "what is waiting for me": registries each app plugs its to-dos and its
roles into.

A provider is a function ``(user) -> Iterable[TodoItem]`` registered with
``@todo_provider``; it must run a constant number of queries (counts, not rows).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

_providers: list[Callable[..., Iterable["TodoItem"]]] = []
_role_providers: list[Callable[..., Iterable[str]]] = []


@dataclass(frozen=True)
class TodoItem:
    title: str
    url: str
    count: int | None = None
    detail: str = ""


def todo_provider(func):
    _providers.append(func)
    return func


def todos_for(user) -> list[TodoItem]:
    items: list[TodoItem] = []
    for provider in _providers:
        items.extend(provider(user))
    return items


def role_provider(func):
    """Register `(user) -> roles` for roles an app knows (e.g. recruitment's candidates)."""
    _role_providers.append(func)
    return func


def app_roles_of(user) -> set[str]:
    roles: set[str] = set()
    for provider in _role_providers:
        roles.update(provider(user))
    return roles


@todo_provider
def workflow_todos(user) -> list[TodoItem]:
    """Every declared workflow's to-dos: who may fire which transition on which documents."""
    from apprentissage.workflow import workflow_todos as todos

    return todos(user)

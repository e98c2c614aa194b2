"""The home page's "what is waiting for me": a registry each app plugs its to-dos into.

A provider is a function ``(user) -> Iterable[TodoItem]`` registered with
``@todo_provider``; it must run a constant number of queries (counts, not rows).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

_providers: list[Callable[..., Iterable["TodoItem"]]] = []


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

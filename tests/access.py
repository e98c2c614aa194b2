"""The access matrix: every URL of the project × every persona, with the expected answer.

Each app's test module adds its own `Case`s to `CASES` (see `tests/test_access_matrix.py`);
`PROJECT_APPS` lists the packages whose views must all appear here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

from .conftest import PERSONAS, World

LOGIN = "login"  # expected: a redirect to the login page
PROJECT_APPS = ("apprentissage", "recruitment", "lea", "planning", "evaluation")


@dataclass
class Case:
    url_name: str
    label: str
    url: Callable[[World], str]
    expected: dict[str, int | str]
    method: str = "get"
    data: Callable[[World], dict] | None = None
    unchanged: Callable[[World], object] | None = None  # a snapshot a denied request must not alter

    @property
    def id(self) -> str:
        return f"{self.url_name}[{self.label}]"


def expect(
    default: int | str, *, anonymous: int | str = LOGIN, **overrides: int | str
) -> dict[str, int | str]:
    table = {persona: default for persona in PERSONAS}
    table["anonymous"] = anonymous
    unknown = set(overrides) - set(PERSONAS)
    assert not unknown, f"unknown personas {unknown}"
    table.update(overrides)
    return table


def staff_only(allowed: int | str = 200, denied: int | str = 403, **overrides) -> dict[str, int | str]:
    return expect(denied, scolarite=allowed, admin=allowed, **overrides)


def project_url_names() -> set[str]:
    """Names of every URL pattern served by a view of ours (allauth, admin, i18n excluded)."""
    names: set[str] = set()

    def walk(patterns, namespace: str = ""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern):
                module = getattr(pattern.callback, "__module__", "")
                if module.split(".")[0] in PROJECT_APPS:
                    assert pattern.name, f"URL pattern {pattern.pattern} of {module} has no name"
                    names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns)
    return names


@dataclass
class Registry:
    cases: list[Case] = field(default_factory=list)

    def add(self, *cases: Case) -> None:
        self.cases.extend(cases)


CASES = Registry()

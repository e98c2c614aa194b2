"""The apprenticeship page's panels: a registry each app adds its panel to (from its
`panels.py`, imported by its `AppConfig.ready`), like the to-do providers of `dashboard.py`,
so that adding an app does not edit the core's page.

A panel is (order, title, template, context function). The context function
``(request, apprenticeship) -> dict | None`` returns what the panel's template shows, or None
when the panel is not for this user (e.g. a document they may not open). It must run a
constant number of queries (the apprenticeship comes with its people, option and cohort).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    order: int
    title: str
    template: str  # rendered with `panel` (the context function's dict) and `apprenticeship`
    context: Callable[..., dict | None]


@dataclass(frozen=True)
class ShownPanel:
    title: str
    template: str
    data: dict
    slug: str


_panels: list[Panel] = []


def apprenticeship_panel(*, order: int, title, template: str):
    """Register the decorated `(request, apprenticeship) -> dict | None` as a panel."""

    def register(func):
        _panels.append(Panel(order=order, title=title, template=template, context=func))
        return func

    return register


def panels_for(request, apprenticeship) -> list[ShownPanel]:
    shown = []
    for panel in sorted(_panels, key=lambda p: p.order):
        data = panel.context(request, apprenticeship)
        if data is not None:
            slug = f"panel-{panel.context.__module__.split('.')[0]}-{panel.order}"
            shown.append(ShownPanel(title=str(panel.title), template=panel.template, data=data, slug=slug))
    return shown

"""The programme page's helpers: numbers as people write them ("1,5" not "1,50", a weight
0.25 as "25 %"), and the rows of its modules' tables."""

from decimal import Decimal

from django import template
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from apprentissage.menus import pk_url
from evaluation.programmes import short_number as _short_number

register = template.Library()


def _short(value) -> str:
    return _short_number(Decimal(value), get_format("DECIMAL_SEPARATOR"))


@register.filter
def short_number(value) -> str:
    """1.50 → "1,5"; 30 → "30"; 10.00 → "10" (in the language's decimal separator)."""
    if value is None or value == "":
        return "—"
    return _short(value)


@register.filter
def percent(value) -> str:
    """A share (0.25) as a percentage ("25 %")."""
    if value is None or value == "":
        return "—"
    return f"{_short(Decimal(value) * 100)}\u00a0%"


def _head(labels) -> str:
    return "".join(f'<th scope="col">{label}</th>' for label in labels)


@register.simple_tag
def module_table(unit, year_label: str, can_manage: bool) -> SafeString:
    """A UE's table of modules (`unit.module_list`: evaluation.programmes.ModuleRow), written
    in Python: the programme page lists about 120 modules in a dozen tables, a template
    would spend most of the page's time on them."""
    modules = unit.module_list
    caption = ngettext(
        "%(count)d module of the UE %(code)s, %(year)s",
        "%(count)d modules of the UE %(code)s, %(year)s",
        len(modules),
    ) % {"count": len(modules), "code": unit.code, "year": year_label}
    labels = [
        gettext("Code"),
        gettext("Module"),
        gettext("Semester"),
        gettext("Coefficient"),
        gettext("Hours"),
        gettext("Option"),
        gettext("Teachers"),
        gettext("Assessments (weight, out of)"),
    ]
    head = _head(escape(label) for label in labels)
    if can_manage:
        head += f'<th scope="col"><span class="visually-hidden">{escape(gettext("Actions"))}</span></th>'
    none_yet = escape(gettext("none yet"))
    resit = escape(gettext("resit"))
    no_assessment = escape(gettext("No assessment"))
    edit = escape(gettext("Edit"))
    rows = []
    for module in modules:
        assessments = (
            "".join(
                f"<li>{escape(a.shown)}"
                + (f' <span class="badge text-bg-light border">{resit}</span>' if a.is_resit else "")
                + "</li>"
                for a in module.assessments
            )
            or f'<li><span aria-hidden="true">⚠</span> {no_assessment}</li>'
        )
        teachers = escape(module.teachers_shown) or f'<span class="text-secondary">{none_yet}</span>'
        href = pk_url("evaluation:programme_module_edit", module.pk)
        action = (
            f'<td><a class="btn btn-link btn-sm" href="{href}">'
            f'{edit}<span class="visually-hidden"> {escape(module.code)}</span></a></td>'
            if can_manage
            else ""
        )
        rows.append(
            f'<tr id="module-{module.pk}"><th scope="row" class="text-nowrap">{escape(module.code)}</th>'
            f"<td>{escape(module.title)}</td><td>{module.semester_shown}</td>"
            f"<td>{module.coefficient_shown}</td><td>{module.hours_shown}</td>"
            f"<td>{escape(module.option.name) if module.option else '—'}</td><td>{teachers}</td>"
            f'<td><ul class="list-unstyled mb-0 small">{assessments}</ul></td>{action}</tr>'
        )
    body = "\n".join(rows)
    return mark_safe(  # every value above is escaped
        '<div class="table-responsive"><table class="table table-sm align-middle programme-modules mb-0">'
        f"<caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody>"
        "</table></div>"
    )


@register.simple_tag
def totals_rows(rows, label: str) -> SafeString:
    """The rows of the totals table (evaluation.programmes.TotalsRow): each figure beside the
    seed's when it differs, marked by a sign and words (not by colour alone)."""
    same = escape(gettext("as the seed"))
    differs = escape(gettext("differs from the seed"))
    lines = []
    for row in rows:
        cells = "".join(
            f"<td>{figure.value}"
            + (
                ' <strong class="figure-differs"><span aria-hidden="true">⚠</span> '
                f"{escape(gettext('seed: %(figure)s') % {'figure': figure.seed})}</strong>"
                if figure.differs
                else ""
            )
            + "</td>"
            for figure in row.figures
        )
        verdict = (
            f'<span aria-hidden="true">✔</span> {same}'
            if row.matches_seed
            else f'<strong><span aria-hidden="true">⚠</span> {differs}</strong>'
        )
        marked = "" if row.matches_seed else ' class="differs"'
        lines.append(
            f'<tr{marked}><th scope="row">{escape(label)}</th>'
            f"<td>{escape(row.option.name)}</td>{cells}<td>{verdict}</td></tr>"
        )
    return mark_safe("\n".join(lines))  # every value above is escaped

"""Every official PDF: WeasyPrint renders an HTML template that extends `pdf/base.html`
(the school's header and address, page numbers, signature blocks)."""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone


def _html(template_name: str, context: dict):
    from weasyprint import HTML  # imported here: Pango is only needed when a PDF is made

    html = render_to_string(template_name, {"generated_at": timezone.now(), **context})
    return HTML(string=html, base_url=str(settings.BASE_DIR / "static"))


def render_document(template_name: str, context: dict):
    """The laid-out WeasyPrint `Document` (its `pages`, each with `width`/`height` in CSS px),
    for tests and benchmarks that count pages without reading the PDF back."""
    return _html(template_name, context).render()


def render_pdf(template_name: str, context: dict) -> bytes:
    return _html(template_name, context).write_pdf()


def pdf_response(template_name: str, context: dict, *, filename: str, inline: bool = True) -> HttpResponse:
    response = HttpResponse(render_pdf(template_name, context), content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response

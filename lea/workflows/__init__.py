"""The LEA documents' transition tables (apprentissage.workflow), one module per document."""

from . import fiches, plans, projects, visits  # noqa: F401

"""Signals other apps listen to (the LEA moves its fiches de liaison with the calendar)."""

from django.db import transaction
from django.dispatch import Signal

# Sent once the change is committed, with `school_year`: weeks of that school year changed
# (a grid edit, an undo, a copy from another year, an import).
calendar_changed = Signal()


def send_calendar_changed(school_year) -> None:
    """Send `calendar_changed` after the current transaction commits (at once without one)."""
    transaction.on_commit(lambda: calendar_changed.send(sender=type(school_year), school_year=school_year))

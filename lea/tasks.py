"""The LEA's tasks. Thin: ids in, the work in `lea.fiches` and `lea.reminders`. Each one is
idempotent, so a task delivered twice, or never delivered (the broker was down: the daily run
catches up), does no harm."""

from celery import shared_task


@shared_task(name="lea.sync_fiches")
def sync_fiches() -> dict:
    """Daily (Celery beat): the fiches de liaison, yearly descriptions and project dossiers of
    every current apprenticeship follow the calendar and the enrolments (catches up whatever
    a lost task missed)."""
    from lea.followup import sync_follow_up

    return sync_follow_up()


@shared_task(name="lea.sync_fiches_of_school_year")
def sync_fiches_of_school_year(school_year_id: int) -> dict:
    """After the calendar of a school year changed."""
    from apprentissage.models import SchoolYear
    from lea.followup import sync_follow_up as sync

    school_year = SchoolYear.objects.filter(pk=school_year_id).first()
    if school_year is None:
        return {}
    return sync(school_years=[school_year])


@shared_task(name="lea.sync_fiches_of_apprenticeship")
def sync_fiches_of_apprenticeship(apprenticeship_id: int) -> dict:
    """After an enrolment of the apprenticeship was written."""
    from apprentissage.models import Apprenticeship
    from lea.followup import sync_follow_up as sync

    apprenticeship = Apprenticeship.objects.filter(pk=apprenticeship_id).first()
    if apprenticeship is None:
        return {}
    return sync([apprenticeship])


@shared_task(name="lea.send_reminders")
def send_reminders() -> dict:
    """Daily (Celery beat): reminders and escalations of the LEA documents, each sent once."""
    from lea.reminders import send_reminders as send

    return send()

"""What the LEA does when other apps' data changes: its fiches de liaison follow the calendar
and the enrolments (the daily task catches up whatever a lost task missed)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from apprentissage.celery import publish, publish_on_commit
from apprentissage.models import Enrolment
from planning.signals import calendar_changed


@receiver(calendar_changed, dispatch_uid="lea_fiches_follow_the_calendar")
def fiches_follow_the_calendar(sender, school_year, **kwargs):
    from lea.tasks import sync_fiches_of_school_year

    publish(sync_fiches_of_school_year, school_year.pk)  # already after commit


@receiver(post_save, sender=Enrolment, dispatch_uid="lea_fiches_of_a_new_enrolment")
def fiches_of_an_enrolment(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from lea.tasks import sync_fiches_of_apprenticeship

    publish_on_commit(sync_fiches_of_apprenticeship, instance.apprenticeship_id)

"""`make demo`'s recruitment data replays real transitions without e-mailing anyone: this
needs a first load into an empty database, so it lives apart from test_demo_recruitment.py
(whose tests share one load)."""

from django.core import mail

from apprentissage.models import Notification
from recruitment.models import Dossier

from ..demo_once import load_demo


def test_the_replayed_steps_are_not_emailed(db, django_capture_on_commit_callbacks):
    assert not Dossier.objects.exists()  # a first load, not a re-run that changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    demo_people = set(Dossier.objects.values_list("candidate__user__email", flat=True)) | set(
        Dossier.objects.values_list("contact__email", flat=True)
    )
    assert demo_people
    assert not [m for m in mail.outbox if set(m.to) & demo_people]
    assert Notification.objects.exists()
    assert not Notification.objects.filter(recipient__email__in=demo_people, emailed_at__isnull=True).exists()

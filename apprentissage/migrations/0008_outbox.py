"""The transactional outbox (e-mails stored with the change, sent by id, swept) and the jobs'
heartbeat; the database cache's table (login throttling shared by every worker process)."""

import django.utils.timezone
from django.core.management import call_command
from django.db import migrations, models


def demo_copies_were_sent(apps, schema_editor):
    """The rows so far were copies of e-mails already sent (demo mode)."""
    OutboxEmail = apps.get_model("apprentissage", "OutboxEmail")
    OutboxEmail.objects.update(status="sent", sent_at=models.F("created_at"))


def create_cache_table(apps, schema_editor):
    """The database cache's table, when CACHES uses it (no Redis): idempotent."""
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("apprentissage", "0007_enrolment"),
    ]

    operations = [
        migrations.RenameField(model_name="outboxemail", old_name="sent_at", new_name="created_at"),
        migrations.AlterField(
            model_name="outboxemail",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="created at"),
        ),
        migrations.AddField(
            model_name="outboxemail",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="sending date"),
        ),
        migrations.AddField(
            model_name="outboxemail",
            name="status",
            field=models.CharField(
                choices=[("pending", "to send"), ("sent", "sent"), ("failed", "failed")],
                default="pending",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="outboxemail",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="attempts"),
        ),
        migrations.AddField(
            model_name="outboxemail",
            name="next_attempt_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="next attempt"),
        ),
        migrations.AddField(
            model_name="outboxemail",
            name="last_error",
            field=models.TextField(blank=True, verbose_name="last error"),
        ),
        migrations.AlterModelOptions(
            name="outboxemail",
            options={
                "ordering": ["-created_at", "-pk"],
                "verbose_name": "outgoing e-mail",
                "verbose_name_plural": "outgoing e-mails",
            },
        ),
        migrations.AddIndex(
            model_name="outboxemail",
            index=models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
        ),
        migrations.RunPython(demo_copies_were_sent, migrations.RunPython.noop),
        migrations.AddField(
            model_name="job",
            name="heartbeat_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="last sign of life"),
        ),
        migrations.AddField(
            model_name="job",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="attempts"),
        ),
        migrations.AddIndex(
            model_name="job",
            index=models.Index(fields=["status", "heartbeat_at"], name="job_sweep_idx"),
        ),
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]

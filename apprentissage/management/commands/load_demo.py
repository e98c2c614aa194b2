from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apprentissage import demo

DEMO_APPS = ["recruitment", "planning", "lea", "evaluation"]


class Command(BaseCommand):
    help = "Load the demo data (idempotent). Refused outside demo mode unless --force."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load even outside DEMO_MODE (tests).")

    def handle(self, *args, force=False, **options):
        if not (settings.DEMO_MODE or force):
            raise CommandError("Demo data is only loaded with DEMO_MODE=1 (it sets the password 'demo').")
        with transaction.atomic():
            ctx = demo.load()
            for app in DEMO_APPS:
                try:
                    module = import_module(f"{app}.demo")
                except ModuleNotFoundError:
                    continue
                module.load(ctx)
        self.stdout.write(self.style.SUCCESS(f"Données de démonstration prêtes ({ctx.current_year.label})."))
        self.stdout.write(f"Connexions (mot de passe « {demo.DEMO_PASSWORD} ») :")
        for email, role in demo.DEMO_LOGINS:
            self.stdout.write(f"  {email:<34} {role}")

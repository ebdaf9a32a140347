"""Load the demo data that `make run` shows (idempotent: run it twice, get it once)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo.load import demo_logins, load_demo_data


class Command(BaseCommand):
    help = "Load the demo accounts and data (refused in production mode)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--logins-only", action="store_true", help="Only print the demo logins."
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("load_demo refuses to run with DJANGO_ENV=production.")
        if not options["logins_only"]:
            with transaction.atomic():
                created = load_demo_data()
            self.stdout.write(f"Demo data ready ({created} new objects).")
        for account in demo_logins():
            self.stdout.write(f"  {account.role:<28} {account.email:<34} {account.password}")

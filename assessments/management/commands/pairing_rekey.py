"""``manage.py pairing_rekey``: re-key now what the daily job would (assessments.services.rekey)."""

from django.core.management.base import BaseCommand

from assessments.services.rekey import pairing_rekey_unpeppered


class Command(BaseCommand):
    help = (
        "Re-key the participant keys of celebrations registered before the pepper "
        "(those whose links are all closed)."
    )

    def handle(self, *args, **options):
        done = pairing_rekey_unpeppered()
        self.stdout.write(
            f"{done['celebrations']} celebrations re-keyed ({done['responses']} responses); "
            f"{done['waiting']} wait for their open links to close."
        )

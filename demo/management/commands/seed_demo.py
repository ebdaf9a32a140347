"""``manage.py seed_demo --scale demo|national|girls-in-ict|girls-in-ict-10x``: seeded
synthetic data in bulk.

Each load is recorded in ``var/seed_demo/<database>.json`` (scale, seed, rows, seconds), which
``make bench`` prints beside its figures: the load time is one of them at 10× (issue 22)."""

import datetime
import json
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from assessments.models import Answer, CollectionLink, Response
from demo.synthetic.generator import SCALES, generate
from events.models import Attendance, CopSession, Event


class Command(BaseCommand):
    help = "Generate deterministic synthetic celebrations, COP sessions and responses."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--append", action="store_true", help="Add to the data already there.")
        mode.add_argument(
            "--reset", action="store_true", help="Delete all celebrations and responses first."
        )

    def handle(self, *args, scale, seed, append, reset, **options):
        existing = Event.objects.count()
        if existing and not (append or reset):
            raise CommandError(
                f"The database already holds {existing:,} celebrations. Use --append to add to "
                "them or --reset to delete them first."
            )
        if reset:
            if settings.PRODUCTION:
                raise CommandError("--reset refuses to run with DJANGO_ENV=production.")
            self._reset()
        started = time.monotonic()
        counts = generate(scale_name=scale, seed=seed, write=self.stderr.write)
        elapsed = time.monotonic() - started
        if connection.vendor == "postgresql":
            # Statistics for the planner, and the visibility map that lets the report's
            # covering index answer alone (an index-only scan): what autovacuum would do
            # some time later, a bulk load does at once.
            # (VACUUM cannot run inside a transaction: called from one, statistics only.)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        total = time.monotonic() - started
        summary = ", ".join(f"{value:,} {name.replace('_', ' ')}" for name, value in counts.items())
        self.stdout.write(
            f"seed_demo --scale {scale} --seed {seed}: {summary} in {elapsed:.0f} s "
            f"({total:.0f} s with the planner's statistics)"
        )
        self._record(scale=scale, seed=seed, counts=counts, seconds=round(total), appended=append)

    def _record(self, **load) -> None:
        """Remember the load for ``make bench`` (a file: the database is the data's, not ours)."""
        folder = settings.VAR_DIR / "seed_demo"
        folder.mkdir(parents=True, exist_ok=True)
        name = str(connection.settings_dict["NAME"]).replace("/", "_")
        at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        (folder / f"{name}.json").write_text(json.dumps({**load, "at": at}, indent=2))

    @transaction.atomic
    def _reset(self) -> None:
        # The two big tables go without the ORM's cascade collection; the rest cascades.
        for model in (Answer, Response):
            model.objects.all()._raw_delete(model.objects.db)
        for model in (CollectionLink, Attendance, CopSession, Event):
            model.objects.all().delete()
        self.stderr.write("Deleted all celebrations, COP sessions and responses.\n")

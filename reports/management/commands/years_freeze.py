"""``manage.py years_freeze [--year Y] [--check]``: freeze closed years' figures, or check them.

Without ``--check`` it freezes every closed, unfrozen year (or ``--year``), as the hourly
beat task does. With ``--check`` it recomputes each frozen year (or ``--year``) from its
live answers and compares with the frozen rows, printing every difference and exiting with
status 1 if there is any — meaningful while the year's raw answers exist: after an erasure
the frozen rows rightly hold what was erased.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports.freezing import year_check, year_freeze, years_freeze_closed
from reports.models import FrozenYear


class Command(BaseCommand):
    help = "Freeze the response-derived figures of closed years, or check the frozen ones."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="only this year")
        parser.add_argument(
            "--check",
            action="store_true",
            help="compare the frozen rows with the live answers; exit 1 on a difference",
        )

    def handle(self, *args, **options):
        year = options["year"]
        if options["check"]:
            return self._check(year)
        if year is not None:
            try:
                _frozen, created = year_freeze(year=year)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            self.stdout.write(f"{year}: {'frozen' if created else 'already frozen'}")
            return None
        years = years_freeze_closed()
        self.stdout.write(
            "frozen: " + ", ".join(map(str, years)) if years else "no closed year left to freeze"
        )
        return None

    def _check(self, year: int | None) -> None:
        years = (
            [year] if year is not None else list(FrozenYear.objects.values_list("year", flat=True))
        )
        differing = 0
        for one in years:
            check = year_check(one)
            for line in check.differences:
                self.stdout.write(f"{one}: {line}")
            if check.differences:
                differing += 1
            else:
                self.stdout.write(f"{one}: the frozen figures match the live answers")
        if differing:
            raise CommandError(f"{differing} frozen year(s) differ from their live answers")

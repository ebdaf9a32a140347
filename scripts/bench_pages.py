"""Time staff and public pages with the Django test client: p50/p95 and query counts.

    DATABASE_URL=postgres://…/cg_full .venv/bin/python scripts/bench_pages.py [-n 20]

Signs in as the first active secretariat user, and as a coordinator of KE and a regional
officer of AFR when such users exist (``--coordinator`` / ``--officer`` choose others).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copgirls.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from copgirls.models import Role, RoleAssignment, User  # noqa: E402

PAGES = [
    ("anonymous", "/"),
    ("anonymous", "/celebrations/"),
    ("anonymous", "/celebrations/map/"),
    ("anonymous", "/celebrations/countries/KE/"),
    ("secretariat", "/celebrations/dashboard/world/"),
    ("secretariat", "/celebrations/dashboard/regions/AFR/"),
    ("secretariat", "/celebrations/dashboard/states/KE/"),
    ("officer", "/celebrations/dashboard/regions/AFR/"),
    ("coordinator", "/celebrations/dashboard/states/KE/"),
    ("secretariat", "/celebrations/manage/"),
    ("secretariat", "/celebrations/manage/?cop=yes&year=2025"),
    ("secretariat", "/celebrations/manage/?cop=no&page=20"),
    ("secretariat", "/celebrations/manage/?q=Kenya"),
    ("coordinator", "/celebrations/manage/?cop=yes"),
]


def _user(role: str, email: str | None, **scope) -> User | None:
    if email:
        return User.objects.get(email=email)
    assignment = (
        RoleAssignment.objects.active()
        .filter(role=role, user__is_active=True, **scope)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return assignment.user if assignment else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=20)
    parser.add_argument("--secretariat")
    parser.add_argument("--coordinator")
    parser.add_argument("--officer")
    parser.add_argument("--only", help="substring of the URLs to run")
    args = parser.parse_args()
    users = {
        "anonymous": None,
        "secretariat": _user(Role.SECRETARIAT, args.secretariat),
        "coordinator": _user(Role.COORDINATOR, args.coordinator, member_state__iso2="KE"),
        "officer": _user(Role.REGIONAL_OFFICER, args.officer, region__code="AFR"),
    }
    print(f"{'as':<12} {'page':<48} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'queries':>7}")
    for who, url in PAGES:
        if args.only and args.only not in url:
            continue
        if who != "anonymous" and users[who] is None:
            print(f"{who:<12} {url:<48} (no such user)")
            continue
        client = Client()
        if users[who]:
            client.force_login(users[who])
        first = client.get(url)
        if first.status_code != 200:
            print(f"{who:<12} {url:<48} HTTP {first.status_code}")
            continue
        times = []
        for _ in range(args.n):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(
            f"{who:<12} {url:<48} {statistics.median(times):7.0f} {p95:7.0f} "
            f"{times[-1]:7.0f} {len(queries):7d}"
        )


if __name__ == "__main__":
    main()

import datetime

from django.urls import reverse

from copgirls.models import AuditEntry, Role, RoleAssignment
from copgirls.publication import last_closed_year
from demo import events as demo_events
from events.models import CopSession, Event
from reports.figures import build_figures
from reports.services import report_request, report_selection


def test_demo_data_fills_every_page_and_loads_only_once(client, db):
    created = demo_events.load()

    assert created > 30
    assert Event.objects.values("member_state__region").distinct().count() >= 5
    assert set(Event.objects.values_list("year", flat=True)) == set(demo_events.YEARS)
    assert CopSession.objects.filter(attendance__count__gt=0).exists()
    assert RoleAssignment.objects.filter(role=Role.FACILITATOR).exists()
    audit_entries = AuditEntry.objects.count()
    assert demo_events.load() == 0
    assert AuditEntry.objects.count() == audit_entries
    assert client.get(reverse("events:public_list")).context["page"].paginator.count >= 25


def test_the_demo_holds_closed_years_so_it_shows_girls_and_gives_a_report(client, db):
    """Figures of girls and reports cover closed years only: the demo's past years are
    closed, so its home page shows girls reached and a report of the last closed year is
    accepted and counts them."""
    demo_events.load()
    closed = last_closed_year()
    assert closed in demo_events.YEARS

    girls = client.get(reverse("home")).context["figures"].girls_reached
    assert girls.value and girls.value > 100
    report = report_request(
        requested_by=None,
        scope="global",
        period_start=datetime.date(closed, 1, 1),
        period_end=datetime.date(closed, 12, 31),
        language="en",
        meeting_name="Demo meeting",
        document_number="CWG-COP/24/5",
        enqueue=False,
    )
    figures = build_figures(report_selection(report), language="en")
    assert figures["reach"]["total"]["girls"]["value"] > 100

from django.urls import reverse

from copgirls.models import AuditEntry, Role, RoleAssignment
from demo import events as demo_events
from events.models import CopSession, Event


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

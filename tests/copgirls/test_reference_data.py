import pytest
from django.db.models import Count, Q

from copgirls.models import MemberState, Region
from copgirls.reference_data import load_reference_data


@pytest.mark.django_db
def test_the_six_itu_d_regions_hold_the_194_member_states():
    members = Count("member_states", filter=Q(member_states__is_member=True))
    counts = dict(Region.objects.annotate(n=members).values_list("name", "n"))
    assert counts == {
        "Africa": 44,
        "Americas": 35,
        "Arab States": 21,
        "Asia and the Pacific": 39,
        "CIS": 9,
        "Europe": 46,
    }
    assert MemberState.objects.filter(is_member=True).count() == 194


@pytest.mark.django_db
def test_palestine_is_an_observer_in_the_arab_states_region():
    palestine = MemberState.objects.select_related("region").get(iso2="PS")
    assert (palestine.name, palestine.iso3, palestine.region.name) == (
        "Palestine",
        "PSE",
        "Arab States",
    )
    assert palestine.is_member is False
    assert MemberState.objects.count() == 195


@pytest.mark.django_db
def test_loading_the_reference_data_again_creates_no_duplicates():
    load_reference_data(Region, MemberState)
    assert Region.objects.count() == 6
    assert MemberState.objects.count() == 195

import datetime

from copgirls.publication import last_closed_year, year_closes_at, year_is_closed


def at(*args):
    return datetime.datetime(*args, tzinfo=datetime.UTC)


def test_a_year_closes_when_its_last_posts_can_no_longer_pair(settings):
    settings.PAIRING_WINDOW_DAYS = 30
    assert year_closes_at(2025) == at(2026, 2, 1)
    assert not year_is_closed(2025, at(2026, 1, 31, 23, 59, 59))
    assert year_is_closed(2025, at(2026, 2, 1))
    settings.PAIRING_WINDOW_DAYS = 60
    assert year_closes_at(2025) == at(2026, 3, 3)


def test_the_last_closed_year_on_either_side_of_the_closing_day(settings):
    settings.PAIRING_WINDOW_DAYS = 30
    assert last_closed_year(at(2026, 12, 7)) == 2025
    assert last_closed_year(at(2026, 1, 15)) == 2024
    assert last_closed_year(at(2027, 2, 1)) == 2026

"""Where a COP session's day ends: its time zone, by default its member state's (CLDR).

A session's assessment links close by themselves at the end of the session's day there
(``assessments.services.collection.link_open``). A member state with one time zone gives
it to its sessions; one with several (Brazil, Russia, the United States…) leaves it to the
facilitator, and until she chooses the day ends when it has ended in every zone of the
state: no girl is cut off early, a link stays open a few hours longer at most.
"""

from __future__ import annotations

import datetime
import functools
import zoneinfo

from babel.core import get_global


@functools.cache
def _available() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_time_zone(name: str) -> bool:
    return name in _available()


@functools.cache
def member_state_time_zones(iso2: str) -> tuple[str, ...]:
    """The IANA time zones CLDR gives the territory, in its order (empty if it has none)."""
    zones = get_global("territory_zones").get(iso2.upper(), ())
    return tuple(zone for zone in zones if is_time_zone(zone))


def default_time_zone(iso2: str) -> str:
    """The state's only time zone, or ``""`` when it has several (or none known)."""
    zones = member_state_time_zones(iso2)
    return zones[0] if len(zones) == 1 else ""


def session_zones(time_zone: str, iso2: str) -> tuple[str, ...]:
    """The zones a session's day is read in: its own, else its state's, else UTC."""
    if time_zone and is_time_zone(time_zone):
        return (time_zone,)
    return member_state_time_zones(iso2) or ("UTC",)


def _end_of_local_day(moment: datetime.datetime, zone: str) -> datetime.datetime:
    tz = zoneinfo.ZoneInfo(zone)
    local_date = moment.astimezone(tz).date()
    midnight = datetime.datetime.combine(local_date + datetime.timedelta(days=1), datetime.time())
    return midnight.replace(tzinfo=tz).astimezone(datetime.UTC)


def day_end(
    *, starts_at: datetime.datetime, zones: tuple[str, ...], now: datetime.datetime
) -> datetime.datetime:
    """The end (next midnight) of the session's day in the latest of ``zones``; once that
    has passed (a link opened the day after), the end of the current day there."""
    end = max(_end_of_local_day(starts_at, zone) for zone in zones)
    if end <= now:
        end = max(_end_of_local_day(now, zone) for zone in zones)
    return end

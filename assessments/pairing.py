"""Pairing a girl's *pre* and *post* responses without knowing who she is.

The participant key
    ``participant_key = HMAC-SHA256(key=K, msg=session id ":" normalised code)``, hex, with
    ``K = HMAC-SHA256(key=PARTICIPANT_KEY_PEPPER, msg=event.pairing_secret)``.
    The memorable code she types is normalised first: Unicode NFKC, case-folded, every
    decimal digit of any script written 0–9, and every character that is not a letter or a
    digit (or is a tatweel) dropped — so "Panda 27", "panda-27", "PANDA27" and "Panda ٢٧"
    are the same code. The code itself is never stored. The key depends on two
    secrets: the event's, in the database, and the portal's pepper, in its environment
    only — a copy of the database alone cannot test guesses of codes. The same code gives
    a different key in another session and at another event, so keys link nothing beyond
    the one session where her pre and post answers pair.
    Celebrations registered before the pepper (a secret S of 64 hex digits, without the
    ``v2:`` mark) had a first scheme, ``K1 = HMAC-SHA256(key=S, msg=normalised code)``,
    which a copy of the database alone could test guesses against. Their stored keys are
    re-keyed (:mod:`assessments.services.rekey`, daily, once none of their links is open):
    the secret becomes ``r1:`` + S and every key ``HMAC-SHA256(key=HMAC-SHA256(key=pepper,
    msg="r1:" + S), msg=session id ":" K1)`` — computed from the stored K1 alone, since the
    codes are never stored; a code typed afterwards gets the same key. Until then, such a
    celebration's keys stay K1, so collections in progress still pair.

The pair
    A *pre* and a *post* response of the same COP session with the same key are a pair.

The repeat rule
    A girl may answer a phase more than once (a second phone, a paper copy typed in as
    well, a friend choosing the same code). Every response is kept, but per session and key
    only **the first pre** (earliest ``submitted_at``, then the lowest id) and **the last
    post** (latest ``submitted_at``, then the highest id) have ``counts_for_pairing=True``;
    the other responses of that key and phase are flagged ``counts_for_pairing=False``.
    The first pre is the one given before the discussion could influence her; the last post
    is her final answer after it. A key with only a pre or only a post is an *unpaired*
    response: it keeps ``counts_for_pairing=True`` (it is no repeat) but forms no pair.
    Reports count pairs from the flagged-in responses only.

The pairing rate (facilitator's live view)
    pairs ÷ distinct keys with a pre response: the share of the girls who answered before
    the discussion who also answered after it.

Flags are recomputed in the database (one ``UPDATE`` per phase) whenever responses of a
session are stored, so they are always consistent with the rule. A web submission, under
the session row's lock, recomputes only its own key and phase, and only when the key has
answered that phase before: her first response of a phase is the only one, so it counts.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

from django.conf import settings
from django.db.models import Case, Count, OuterRef, Q, QuerySet, Subquery, Value, When

from assessments.models import Phase, Response
from events.models import PEPPERED_PAIRING, REKEYED_PAIRING

#: A tatweel (kashida) only stretches Arabic letters: it is no letter of the code.
_TATWEEL = "\u0640"


def normalise_memorable_code(code: str) -> str:
    """NFKC, case-folded, letters and digits only, every digit as 0–9."""
    folded = unicodedata.normalize("NFKC", code).casefold()
    return "".join(
        _ascii_digit(ch)
        for ch in folded
        if unicodedata.category(ch)[0] in {"L", "N"} and ch != _TATWEEL
    )


def _ascii_digit(ch: str) -> str:
    """ "٢", "۲", "२" → "2": a phone's Arabic, Persian or Devanagari keyboard types the same
    number as a Latin one (NFKC maps only full-width digits)."""
    value = unicodedata.decimal(ch, None)
    return ch if value is None else str(value)


def participant_key(*, pairing_secret: str, session_id: int, memorable_code: str) -> str:
    """The keyed hash of her normalised code in one session of one event."""
    return _keyed(pairing_secret, session_id, normalise_memorable_code(memorable_code))


def participant_key_stored_before(
    *, pairing_secret: str, session_id: int, memorable_code: str
) -> str | None:
    """Her key as the portal stored it before every digit was written 0–9 and a tatweel
    dropped ("Panda ٢٧" was "panda٢٧"), when that differs from :func:`participant_key`;
    else ``None``. A session whose collection spans the change has her pre under this key:
    her post, typed the same way, must find it (the code itself is never stored, so the
    stored keys cannot be recomputed)."""
    folded = unicodedata.normalize("NFKC", memorable_code).casefold()
    before = "".join(ch for ch in folded if unicodedata.category(ch)[0] in {"L", "N"})
    if before == normalise_memorable_code(memorable_code):
        return None
    return _keyed(pairing_secret, session_id, before)


def _keyed(pairing_secret: str, session_id: int, normalised_code: str) -> str:
    normalised = normalised_code.encode("utf-8")
    if pairing_secret.startswith(REKEYED_PAIRING):
        first = pairing_secret.removeprefix(REKEYED_PAIRING)
        return rekeyed(
            pairing_secret=pairing_secret,
            session_id=session_id,
            first_key=hmac.new(first.encode(), normalised, hashlib.sha256).hexdigest(),
        )
    if not pairing_secret.startswith(PEPPERED_PAIRING):
        return hmac.new(pairing_secret.encode(), normalised, hashlib.sha256).hexdigest()
    event_key = hmac.new(
        settings.PARTICIPANT_KEY_PEPPER.encode(), pairing_secret.encode(), hashlib.sha256
    ).digest()
    message = f"{session_id}:".encode() + normalised
    return hmac.new(event_key, message, hashlib.sha256).hexdigest()


def rekeyed(*, pairing_secret: str, session_id: int, first_key: str) -> str:
    """A key of the first scheme (no pepper) as its re-keyed celebration stores it."""
    event_key = hmac.new(
        settings.PARTICIPANT_KEY_PEPPER.encode(), pairing_secret.encode(), hashlib.sha256
    ).digest()
    return hmac.new(event_key, f"{session_id}:{first_key}".encode(), hashlib.sha256).hexdigest()


def pairing_recompute(
    *,
    session_id: int,
    participant_keys: list[str] | None = None,
    phases: list[str] | None = None,
) -> None:
    """Apply the repeat rule to a session's responses (or only to some keys or phases).

    Each phase is one ``UPDATE``; with ``participant_keys`` it touches only those keys'
    rows (found through the ``response_pairing`` index), whatever the session's size.
    """
    for phase, order in (
        (Phase.PRE, ("submitted_at", "pk")),
        (Phase.POST, ("-submitted_at", "-pk")),
    ):
        if phases is not None and phase not in phases:
            continue
        responses = Response.objects.filter(session_id=session_id, phase=phase)
        if participant_keys is not None:
            responses = responses.filter(participant_key__in=participant_keys)
        counting = (
            Response.objects.filter(
                session_id=session_id, phase=phase, participant_key=OuterRef("participant_key")
            )
            .order_by(*order)
            .values("pk")[:1]
        )
        responses.update(
            counts_for_pairing=Case(
                When(pk=Subquery(counting), then=Value(True)), default=Value(False)
            )
        )


def pairing_counts(responses: QuerySet[Response]) -> dict[str, int]:
    """Pre and post responses, distinct pre keys, and pairs, in two queries."""
    counts = responses.aggregate(
        pre=Count("pk", filter=Q(phase=Phase.PRE)),
        post=Count("pk", filter=Q(phase=Phase.POST)),
        pre_keys=Count("participant_key", filter=Q(phase=Phase.PRE), distinct=True),
    )
    counted_posts = responses.filter(phase=Phase.POST, counts_for_pairing=True)
    counts["pairs"] = (
        responses.filter(phase=Phase.PRE, counts_for_pairing=True)
        .filter(
            participant_key__in=counted_posts.filter(session=OuterRef("session")).values(
                "participant_key"
            )
        )
        .count()
    )
    return counts


def pairing_rate(counts: dict[str, int]) -> float | None:
    """Pairs as a share (0–100) of the girls who answered before; ``None`` before any pre."""
    if not counts["pre_keys"]:
        return None
    return 100 * counts["pairs"] / counts["pre_keys"]

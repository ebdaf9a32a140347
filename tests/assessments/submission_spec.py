"""What storing a girl's web submission does: one specification for both storage paths.

A web submission (``response_submit``) is stored by the database function
``assessments_response_store`` on PostgreSQL (``assessments/sql/response_store.*.sql``) and
by ``_store_statement_by_statement`` elsewhere. ``test_submission_spec.py`` runs every case
below against both, so the twins cannot drift apart. The rules:

1. A new submission is stored — the response, with its answers — and, her only response of
   the phase, counts for pairing. The store returns the response's id.
2. A client submission id is stored once per session. Sent again (a resend, a double tap)
   nothing is stored and the store returns NULL; with the same answers it is recognised
   (her thank-you again), with other answers — or to the other phase — it is a conflict
   and the first answers are kept.
3. The repeat rule, per session, phase and participant key: of her pre responses the first
   (earliest ``submitted_at``, then the lowest id) counts, of her post responses the last
   (latest, then the highest id); the others do not. Other girls' flags and her other
   phase's are left as they were.
4. Once its locks are held, the store looks at the session's link for the phase: unless
   one is open now (opened, not closed, ``closes_at`` not passed), it stores nothing and
   returns -1, for a resend too. ``response_submit`` then recognises a resend of stored
   answers and answers anything else as a closed link. A link read open by the view may
   have been closed (by hand, by an erasure), have expired or be gone since.

A case is a list of steps, run in order in a session whose pre and post links were opened
an hour before and read by the view (as ``link_for_submission`` gives them) before the first step: a
``Send`` goes through ``response_submit`` with that link, a ``Change`` alters a link after
it was read. Each ``Send`` names what the store returns and what she is answered; the
case names the responses that count for pairing at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: What a ``Send`` gives: (what the store returns, what ``response_submit`` answers).
STORED = ("id", "created")
RESENT = (None, "resent")
CONFLICT = (None, "conflict")
CLOSED = (-1, "link closed")
CLOSED_RESENT = (-1, "resent")
CLOSED_CONFLICT = (-1, "conflict")


@dataclass(frozen=True)
class Send:
    """A girl's submission: her memorable code, the phase, the minute she sent it at (from
    the case's start), her phone's client id (a name: the same name, the same id; none: a
    new one) and her answers (``"same"`` for every girl, or ``"other"``)."""

    code: str
    phase: str = "pre"
    minute: int = 0
    client: str | None = None
    answers: str = "same"
    gives: tuple = STORED
    tag: str = ""

    @property
    def name(self) -> str:
        return self.tag or f"{self.code} {self.phase} {self.minute}"


@dataclass(frozen=True)
class Change:
    """A change to the session's link for ``phase`` after the view read it: ``closed`` (by
    hand or by an erasure), ``expired`` (``closes_at`` passed), ``not opened`` (its
    ``opened_at`` ahead), ``deleted``, or ``closes later`` (``closes_at`` an hour ahead)."""

    phase: str
    what: str


@dataclass(frozen=True)
class Case:
    rule: str
    steps: tuple
    counting: frozenset = field(default_factory=frozenset)


CASES = [
    Case(
        "1: a first submission is stored and counts",
        (Send("amber fox"),),
        frozenset({"amber fox pre 0"}),
    ),
    Case(
        "1: each girl's first response of each phase counts",
        (Send("amber fox"), Send("blue owl", minute=1), Send("amber fox", "post", 30)),
        frozenset({"amber fox pre 0", "blue owl pre 1", "amber fox post 30"}),
    ),
    Case(
        "2: a resend with the same answers is stored once and recognised",
        (
            Send("amber fox", client="phone"),
            Send("amber fox", minute=3, client="phone", gives=RESENT),
        ),
        frozenset({"amber fox pre 0"}),
    ),
    Case(
        "2: the same client id with other answers keeps the first ones",
        (
            Send("amber fox", client="phone"),
            Send("amber fox", minute=1, client="phone", answers="other", gives=CONFLICT),
        ),
        frozenset({"amber fox pre 0"}),
    ),
    Case(
        "2: a client id is the session's: sent to the other phase, nothing is stored",
        (
            Send("amber fox", client="phone"),
            Send("amber fox", "post", 30, client="phone", gives=CONFLICT),
        ),
        frozenset({"amber fox pre 0"}),
    ),
    Case(
        "2: a resend is recognised after a repeat took the counting over",
        (
            Send("amber fox", minute=5, client="phone"),
            Send("amber fox", minute=2),
            Send("amber fox", minute=9, client="phone", gives=RESENT),
        ),
        frozenset({"amber fox pre 2"}),
    ),
    Case(
        "3: of her pre responses the earliest counts, whenever it arrived",
        (Send("amber fox", minute=5), Send("amber fox", minute=2), Send("amber fox", minute=9)),
        frozenset({"amber fox pre 2"}),
    ),
    Case(
        "3: of her post responses the latest counts, whenever it arrived",
        (
            Send("amber fox", "post", 20),
            Send("amber fox", "post", 25),
            Send("amber fox", "post", 21),
        ),
        frozenset({"amber fox post 25"}),
    ),
    Case(
        "3: two pre responses in the same minute: the first stored counts",
        (Send("amber fox", minute=4, tag="first"), Send("amber fox", minute=4, tag="second")),
        frozenset({"first"}),
    ),
    Case(
        "3: two post responses in the same minute: the last stored counts",
        (
            Send("amber fox", "post", 22, tag="first"),
            Send("amber fox", "post", 22, tag="second"),
        ),
        frozenset({"second"}),
    ),
    Case(
        "3: a repeat leaves other girls and her other phase as they were",
        (
            Send("amber fox", minute=5),
            Send("blue owl", minute=3),
            Send("amber fox", "post", 20),
            Send("amber fox", minute=2),
            Send("blue owl", "post", 21),
        ),
        frozenset({"amber fox pre 2", "blue owl pre 3", "amber fox post 20", "blue owl post 21"}),
    ),
    Case(
        "1-3: a class's morning: repeats of both phases out of order in time, and a resend",
        (
            Send("amber fox", minute=5, client="first"),
            Send("amber fox", minute=2),  # an earlier pre sent later: it counts
            Send("amber fox", minute=9),
            Send("blue owl", minute=3),
            Send("amber fox", "post", 20),
            Send("amber fox", "post", 25),  # the last post counts
            Send("amber fox", "post", 21),
            Send("blue owl", "post", 22, tag="blue owl post 22 first"),
            Send("blue owl", "post", 22, tag="blue owl post 22 second"),  # the higher id
            Send("amber fox", minute=40, client="first", gives=RESENT),
        ),
        frozenset(
            {"amber fox pre 2", "amber fox post 25", "blue owl pre 3", "blue owl post 22 second"}
        ),
    ),
    Case(
        "4: a link closed after the view read it stores nothing; a resend is recognised",
        (
            Send("amber fox", client="phone"),
            Change("pre", "closed"),
            Send("blue owl", minute=1, gives=CLOSED),
            Send("amber fox", minute=2, client="phone", gives=CLOSED_RESENT),
        ),
        frozenset({"amber fox pre 0"}),
    ),
    Case(
        "4: at a closed link, the same client id with other answers is still a conflict",
        (
            Send("amber fox", client="phone"),
            Change("pre", "closed"),
            Send("amber fox", minute=1, client="phone", answers="other", gives=CLOSED_CONFLICT),
        ),
        frozenset({"amber fox pre 0"}),
    ),
    Case(
        "4: a closed link leaves the repeat rule's flags as they were",
        (
            Send("amber fox", minute=5),
            Change("pre", "closed"),
            Send("amber fox", minute=2, gives=CLOSED),
        ),
        frozenset({"amber fox pre 5"}),
    ),
    Case(
        "4: a link that expired after the view read it stores nothing",
        (Change("pre", "expired"), Send("amber fox", gives=CLOSED)),
    ),
    Case(
        "4: the link is looked at when the store runs, not at the time she sent it",
        (Change("pre", "expired"), Send("amber fox", minute=-10, gives=CLOSED)),
    ),
    Case(
        "4: a link whose opening was put off stores nothing",
        (Change("pre", "not opened"), Send("amber fox", gives=CLOSED)),
    ),
    Case(
        "4: a link deleted after the view read it stores nothing",
        (Change("pre", "deleted"), Send("amber fox", gives=CLOSED)),
    ),
    Case(
        "4: a link that closes later still stores",
        (Change("pre", "closes later"), Send("amber fox")),
        frozenset({"amber fox pre 0"}),
    ),
    Case(
        "4: the link of her phase decides, not the session's other one",
        (
            Change("pre", "closed"),
            Send("amber fox", "post", 30),
            Send("amber fox", minute=31, gives=CLOSED),
        ),
        frozenset({"amber fox post 30"}),
    ),
]

"""What assessments refuses to let events do to a COP session, registered with
:mod:`events.guards` from :meth:`assessments.apps.AssessmentsConfig.ready`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from assessments.models import CollectionLink, HeldResponse, HeldStatus, Response
from events.models import CopModule, CopSession, Event


def sessions_with_responses_refuse_deletion(
    *, sessions: QuerySet[CopSession], event: Event | None
) -> None:
    """Responses are removed only by erasure (audited, whole celebrations at a time), never
    with a session or a celebration deleted by mistake."""
    if (
        not Response.objects.filter(session__in=sessions).exists()
        and not HeldResponse.objects.filter(session__in=sessions, status=HeldStatus.HELD).exists()
    ):
        return
    if event is None:
        message = _("Participants have answered in this COP session: it cannot be deleted.")
    else:
        message = _(
            "Participants have answered in a COP session of this celebration: it cannot be deleted."
        )
    raise ValidationError(message, code="has_responses")


def sessions_with_links_keep_their_module(*, session: CopSession, module: CopModule) -> None:
    """Once a collection link is opened, the session's answers belong to its module's
    questionnaire and are reported under that module."""
    if CollectionLink.objects.filter(session=session).exists():
        raise ValidationError(
            {
                "module": _(
                    "The assessment of this session has started: its module can no longer "
                    "change. Log a new session for the other module."
                )
            },
            code="module_locked",
        )

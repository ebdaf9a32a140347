"""Scheduled jobs of the assessments app (see ``CELERY_BEAT_SCHEDULE`` in the settings)."""

from __future__ import annotations

from celery import shared_task

from assessments.services import pairing_secrets_discard, responses_erase_expired
from assessments.services.rekey import pairing_rekey_unpeppered


@shared_task(ignore_result=True, acks_late=True, max_retries=3)
def erase_expired_responses() -> dict[str, int]:
    """Erase raw responses older than ``RESPONSE_RETENTION_DAYS`` (daily; idempotent)."""
    return responses_erase_expired()


@shared_task(ignore_result=True, acks_late=True, max_retries=3)
def discard_pairing_secrets() -> int:
    """Empty the pairing secret of celebrations whose pairing window has passed (daily)."""
    return pairing_secrets_discard()


@shared_task(ignore_result=True, acks_late=True, max_retries=3)
def rekey_unpeppered_pairing() -> dict[str, int]:
    """Re-key the participant keys stored before the pepper (daily; idempotent)."""
    return pairing_rekey_unpeppered()

"""Scheduled jobs of the events app (see ``CELERY_BEAT_SCHEDULE`` in the settings)."""

from __future__ import annotations

from celery import shared_task

from events.services import cop_session_counts_repair


@shared_task(ignore_result=True, acks_late=True, max_retries=3)
def repair_cop_session_counts() -> list[int]:
    """Recount the COP sessions of celebrations whose stored count drifted (nightly)."""
    return cop_session_counts_repair()

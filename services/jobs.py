"""Scheduled work runs once across app servers (issue #18): the one home for running a job.

Every server may carry the same timer (cron, a systemd timer, a Kubernetes CronJob), so a job
first takes a PostgreSQL advisory lock named after it (store/locks.py): while one server runs
it, another skips it and says so. On SQLite there is one server by definition: it just runs.
Jobs today: ``purge-drafts`` and ``check-all`` (its checkpoint is appended once).
Migrations keep their own lock (store/db.py).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from services import checklist_drafts
from store.locks import job_lock

if TYPE_CHECKING:
    from store.db import Database

log = logging.getLogger(__name__)
T = TypeVar("T")

PURGE_DRAFTS = "purge-drafts"
CHECK_ALL = "check-all"


@dataclass(frozen=True)
class JobRun(Generic[T]):
    name: str
    ran: bool
    result: T | None = None

    @property
    def skipped_message(self) -> str:
        return f"{self.name} is running on another server now; skipped here (nothing to do)."


def run_job(database: Database, name: str, work: Callable[[], T]) -> JobRun[T]:
    """Run ``work`` unless another server holds the job's lock; say which happened."""
    with job_lock(database.engine, name) as held:
        if not held:
            log.info("job %s skipped: another server holds its lock", name)
            return JobRun(name, ran=False)
        return JobRun(name, ran=True, result=work())


def purge_drafts(database: Database, now: dt.datetime) -> JobRun[int]:
    """Delete expired and closed patient drafts, and staff checklist drafts nobody touched for a
    clinic day, once across servers; how many."""

    def purge() -> int:
        with database.uow() as uow:
            removed = uow.drafts.purge_expired(now) + checklist_drafts.purge_in(uow, now)
            uow.commit()
        return removed

    return run_job(database, PURGE_DRAFTS, purge)

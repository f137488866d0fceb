"""The patient's idle timeout: when to ask "still there?", and closing a draft left idle.

The rule (how long, what counts as activity) is ``checklist.flow.idle_status``; this module reads
the times from settings and closes the stored draft, audited, in one transaction.
"""

from __future__ import annotations

import datetime as dt

from checklist import flow
from checklist.flow import DraftState
from services.context import AppContext
from services.drafts import PATIENT, now, valid_token

IDLE_GRACE = dt.timedelta(seconds=60)  # how long "still there?" waits before the screen clears


def idle_after(ctx: AppContext) -> dt.timedelta:
    """How long without a tap before the patient is asked "still there?" (settings)."""
    return dt.timedelta(minutes=ctx.settings.patient_idle_minutes)


def idle_grace(ctx: AppContext) -> dt.timedelta:
    """The prompt's time on screen: a minute, or the idle time itself when that is shorter."""
    return min(IDLE_GRACE, idle_after(ctx))


def _idle_at(ctx: AppContext, state: DraftState, at: dt.datetime) -> flow.IdleStatus:
    return flow.idle_status(
        state, at, ctx.settings.patient_idle_minutes, idle_grace(ctx).total_seconds()
    )


def idle_status(ctx: AppContext, state: DraftState) -> flow.IdleStatus:
    return _idle_at(ctx, state, now(ctx))


def close_idle(ctx: AppContext, token: str) -> bool:
    """Idle timeout: close the draft so nobody else sees it; True if this call closed it.

    Judged on the stored draft, not the screen's copy: a tap saved since (another tab, a
    "still here" that raced the timer) keeps it open. Audited as ``consent.abandoned`` in the
    same transaction, with the step reached and nothing about the patient.
    """
    if not valid_token(token):
        return False
    at = now(ctx)
    with ctx.database.uow() as uow:
        data = uow.drafts.load(token, at)
        if data is None:
            return False
        try:
            state: DraftState | None = DraftState.from_dict(data)
        except ValueError:
            state = None  # unreadable: close it all the same, and say what little is known
        if state is not None and _idle_at(ctx, state, at) != "expired":
            return False
        uow.drafts.close(token, at)
        uow.audit.append(
            at=at,
            actor_id=PATIENT,
            actor_role=PATIENT,
            action="consent.abandoned",
            consent_id=state.consent_id if state else None,
            new={"reason": "idle", "step": state.step if state else None},
            session_id=state.session_id if state else None,
        )
        uow.commit()
    return True

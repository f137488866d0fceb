"""Staff hand the tablet to a patient: a draft started with the details staff already know.

The patient still confirms every detail on the tablet (``services.consent.confirm_details``); the
site is one of the codes (``checklist.sites``), never words.
"""

from __future__ import annotations

import datetime as dt

from accounts.staff import StaffUser
from checklist import flow, identity
from checklist import text as text_rules
from checklist.sites import SITE_CHOICES
from errors import DomainError
from language.i18n import t
from services.context import AppContext
from services.drafts import new_state, open_draft, pack_of
from services.drafts import now as clock_now


def prefill_draft(
    ctx: AppContext,
    *,
    staff: StaffUser,
    legal_name: str | None = None,
    date_of_birth: dt.date | None = None,
    mrn: str | None = None,
    site: str | None = None,
    appointment_at: dt.datetime | None = None,
    language: str | None = None,
) -> str:
    """Staff start a consent for a patient and hand over the tablet; the patient confirms."""
    now = clock_now(ctx)
    if legal_name is not None or date_of_birth is not None:
        problems = identity.patient_detail_problems(
            legal_name or "",
            date_of_birth,
            mrn,
            now.astimezone(ctx.settings.tz).date(),
            require_mrn=ctx.settings.require_mrn,
            mrn_pattern=ctx.settings.mrn_pattern,
        )
        if problems:
            raise DomainError(" ".join(t(language or "en", k) for k in problems))
    state = new_state(ctx, now, language)
    site = (site or "").strip()
    if site and site not in SITE_CHOICES:  # codes are stored; the words are the screens' job
        raise DomainError(t(language or "en", "patient.missing.site"))
    state.legal_name = text_rules.clean_name(legal_name or "")
    state.date_of_birth = date_of_birth
    state.mrn = (mrn or "").strip() or None
    state.site = site
    state.appointment_at = appointment_at
    state.prefilled_by = staff.id
    if language:  # the patient starts at "are these your details?"
        state = flow.go_next(state, pack_of(ctx, state), now)
    role = sorted(r.value for r in staff.roles)[0] if staff.roles else "staff"
    return open_draft(
        ctx,
        state,
        now,
        actor=(str(staff.id), role),
        new={"prefilled": True, "language": state.language},
    )

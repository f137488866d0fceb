"""Staff hand the tablet to a patient: a draft started with the details staff already know; and
take it back: a staff member who saw the patient sign says so there, with their password.

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
from forms.record_care import TreatmentPlan
from forms.record_parts import as_consent_id
from forms.records import Consent
from language.i18n import t
from services.auth import sign_in, sign_out
from services.context import AppContext
from services.drafts import new_state, open_draft, pack_of
from services.drafts import now as clock_now
from services.staff_care import named_clinician, witness


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
    clinician_id: int | None = None,
    sclerosant: str | None = None,
    form: str | None = None,
) -> str:
    """Staff start a consent for a patient and hand over the tablet; the patient confirms. The
    treatment plan's parts staff know (treating clinician, sclerosant, liquid or foam, and the
    appointment's date) go with it into the record; the clinician completes it before attesting."""
    now = clock_now(ctx)
    plan = None
    if clinician_id is not None or sclerosant or form or appointment_at is not None:
        if sclerosant and sclerosant not in ctx.settings.sclerosants:
            raise DomainError("Choose a sclerosant from the clinic's list.")
        assert staff.id is not None
        plan = TreatmentPlan.of(
            clinician=named_clinician(ctx, clinician_id),
            sclerosant=sclerosant or None,
            form=form or None,
            appointment_on=appointment_at.astimezone(ctx.settings.tz).date()
            if appointment_at
            else None,
            by_id=staff.id,
            by_name=staff.display_name,
            now=now,
        )
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
    state.treatment = plan.model_dump(mode="json") if plan else None
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


def witness_at_handback(ctx: AppContext, consent_id, *, username: str, password: str) -> Consent:
    """On the thank-you screen: a staff member who was present when the patient signed says so,
    with their own username and password (the tablet keeps no staff session), at this time."""
    session = sign_in(ctx, username, password)
    try:
        with ctx.database.uow() as uow:
            version = uow.consents.get(as_consent_id(consent_id)).version
        return witness(ctx, session, consent_id, expected_version=version)
    finally:
        sign_out(ctx, session, reason="witness")

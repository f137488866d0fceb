"""Every read of a record is audited (who, what, when): a staff screen opening a consent (once per
staff session and consent, not on every redraw), the PDF download, the patient copy, FHIR."""

from __future__ import annotations

import pytest
from staff_helpers import PASSWORD, TEAM

from accounts.staff import Role
from services import auth, documents, ehr_bundle, staff_views
from services.staff_views import OPENED


def _events(ctx, consent_id, action):
    with ctx.database.uow() as uow:
        return [e for e in uow.audit.for_consent(str(consent_id)) if e.action == action]


@pytest.fixture
def consent(make_consent):
    return make_consent()


def test_opening_a_consent_is_audited_once_per_staff_session(ctx, team, consent) -> None:
    nurse = team[Role.NURSE]
    for _redraw in range(3):
        staff_views.open_consent(ctx, nurse, consent.id)
    [event] = _events(ctx, consent.id, OPENED)
    assert (event.actor_id, event.actor_role) == (str(nurse.id), "nurse")
    assert event.session_id == nurse.session_id and event.at == ctx.clock.now()
    again = auth.sign_in(ctx, TEAM[Role.NURSE][0], PASSWORD)  # a new sign-in opens it anew
    staff_views.open_consent(ctx, again, consent.id)
    staff_views.open_consent(ctx, team[Role.FRONT_DESK], consent.id)
    events = _events(ctx, consent.id, OPENED)
    assert [e.session_id for e in events] == [
        nurse.session_id,
        again.session_id,
        team[Role.FRONT_DESK].session_id,
    ]


def test_downloads_and_the_patient_copy_are_audited(ctx, team, consent) -> None:
    desk = team[Role.FRONT_DESK]
    documents.download_pdf(ctx, desk, consent.id)
    documents.patient_copy(ctx, desk, consent.id)
    [download] = _events(ctx, consent.id, documents.DOWNLOADED)
    [copy] = _events(ctx, consent.id, documents.COPY_MADE)
    for event in (download, copy):
        assert event.actor_id == str(desk.id) and event.session_id == desk.session_id
        assert event.new["served"] is True
    assert _events(ctx, consent.id, OPENED) == []  # the copy is its own read event


def test_a_fhir_export_is_audited_with_who_asked(ctx, team, consent) -> None:
    with ctx.database.uow() as uow:
        ehr_bundle.fhir_export(ctx, uow, consent, actor_id="7", actor_role="admin", session_id="s")
        uow.commit()
    [event] = _events(ctx, consent.id, ehr_bundle.FHIR_EXPORTED)
    assert (event.actor_id, event.actor_role, event.session_id) == ("7", "admin", "s")
    with ctx.database.uow() as uow:
        assert event.new["document"] == uow.documents.latest(consent.id).id

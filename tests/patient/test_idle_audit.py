"""Closing an idle draft is audited as consent.abandoned, in the closing transaction, and tells
apart from a decline: a signed refusal is consent.declined and is never "abandoned"."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from flow_helpers import PNG, scribble, walk_to

from errors import DomainError
from forms.records import Status
from services import admin, audit_trail, auth, drafts, idle, submission
from services import consent as svc
from services.clock import FixedClock
from services.context import AppContext
from store.audit import AuditRepository

NAME_PARTS = ("Ana", "María", "Núñez", "1958")  # what walk_to types; none may reach the audit


def _events(ctx: AppContext, action: str | None = None) -> list:  # type: ignore[type-arg]
    with ctx.database.uow() as uow:
        return uow.audit.query(action=action)


def _until_expired(ctx: AppContext, clock: FixedClock) -> None:
    clock.advance(seconds=(idle.idle_after(ctx) + idle.idle_grace(ctx)).total_seconds())


def test_idle_close_writes_consent_abandoned_without_personal_data(
    ctx: AppContext, clock: FixedClock
) -> None:
    token = svc.start_consent(ctx, language="es")
    walk_to(ctx, token, "section-risks")
    _until_expired(ctx, clock)
    assert idle.close_idle(ctx, token) is True
    assert drafts.load_draft(ctx, token) is None

    [started] = _events(ctx, "consent.started")
    [event] = _events(ctx, "consent.abandoned")
    assert (event.actor_id, event.actor_role) == ("patient", "patient")
    assert event.at == clock.now()
    assert event.session_id == started.session_id and len(event.session_id) == 32
    assert event.consent_id == started.consent_id
    assert event.old is None and event.new == {"reason": "idle", "step": "section-risks"}
    stored = json.dumps([event.old, event.new, event.session_id], ensure_ascii=False)
    assert not any(part in stored for part in NAME_PARTS)
    with ctx.database.uow() as uow:
        assert uow.audit.check_chain().ok
    # Closing twice (a second tab's timer) writes nothing more.
    assert idle.close_idle(ctx, token) is False
    assert len(_events(ctx, "consent.abandoned")) == 1


def test_close_and_audit_are_one_transaction(
    ctx: AppContext, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = svc.start_consent(ctx, language="en")
    walk_to(ctx, token, "section-about")
    _until_expired(ctx, clock)

    def broken(self, **kw):  # type: ignore[no-untyped-def]
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(AuditRepository, "append", broken)
    with pytest.raises(RuntimeError):
        idle.close_idle(ctx, token)
    monkeypatch.undo()
    assert drafts.load_draft(ctx, token) is not None  # not closed without its audit event
    assert _events(ctx, "consent.abandoned") == []


def test_a_draft_with_a_newer_tap_is_not_closed(ctx: AppContext, clock: FixedClock) -> None:
    """The screen's copy may be stale (the timer reuses the last full run's state)."""
    token = svc.start_consent(ctx, language="en")
    walk_to(ctx, token, "section-about")
    clock.advance(seconds=idle.idle_after(ctx).total_seconds())
    assert idle.idle_status(ctx, drafts.load_draft(ctx, token)) == "ask"
    assert idle.close_idle(ctx, token) is False  # asked, not yet expired
    svc.still_here(ctx, token)
    clock.advance(seconds=idle.idle_grace(ctx).total_seconds() + 1)
    assert idle.close_idle(ctx, token) is False  # the tap restarted the clock
    assert drafts.load_draft(ctx, token).step == "section-about"
    assert _events(ctx, "consent.abandoned") == []


def _sign_refusal(ctx: AppContext, token: str):  # type: ignore[no-untyped-def]
    """The patient signs the informed refusal on the sign screen."""
    return submission.submit(
        ctx,
        token,
        typed_name="Ana María Núñez",
        strokes=scribble(600),
        png=PNG,
        pad_size=(600, 240),
        decision="decline",
    )


def test_decline_is_a_signed_refusal_not_an_abandoned_draft(
    ctx: AppContext, clock: FixedClock
) -> None:
    token = svc.start_consent(ctx, language="en")
    walk_to(ctx, token, "review")
    svc.go_to_decline(ctx, token)
    consent = _sign_refusal(ctx, token)
    assert consent.status is Status.DECLINED
    _until_expired(ctx, clock)
    assert idle.close_idle(ctx, token) is False  # already closed by the refusal
    actions = [e.action for e in _events(ctx)]
    assert "consent.declined" in actions and "consent.abandoned" not in actions


def test_walking_away_from_the_refusal_screen_records_no_refusal(
    ctx: AppContext, clock: FixedClock
) -> None:
    """An unsigned refusal is not a refusal: the draft is abandoned, no consent is stored."""
    token = svc.start_consent(ctx, language="en")
    walk_to(ctx, token, "review")
    svc.go_to_decline(ctx, token)
    _until_expired(ctx, clock)
    assert idle.close_idle(ctx, token) is True
    [event] = _events(ctx, "consent.abandoned")
    assert event.new == {"reason": "idle", "step": "sign"}
    with ctx.database.uow() as uow:
        assert uow.consents.search(name="Ana María Núñez") == []
    with pytest.raises(DomainError):
        _sign_refusal(ctx, token)
    assert "consent.declined" not in [e.action for e in _events(ctx)]


def test_admin_trail_and_csv_show_the_abandoned_draft(ctx: AppContext, clock: FixedClock) -> None:
    admin.add_user(
        ctx,
        None,
        username="admin.lee",
        display_name="Lee Admin",
        roles=["admin"],
        password="correct horse battery staple 42",
        via_cli=True,
    )
    boss = auth.sign_in(ctx, "admin.lee", "correct horse battery staple 42")
    token = svc.start_consent(ctx, language="en")
    walk_to(ctx, token, "section-about")
    _until_expired(ctx, clock)
    assert idle.close_idle(ctx, token)
    day = clock.now().astimezone(ctx.settings.tz).date()
    [row] = audit_trail.audit_trail(
        ctx, boss, date_from=day - dt.timedelta(days=1), date_to=day, action="consent.abandoned"
    )
    assert (row.actor, row.role, row.action) == ("patient", "patient", "consent.abandoned")
    assert json.loads(row.new) == {"reason": "idle", "step": "section-about"}
    csv_text = audit_trail.audit_csv([row]).decode()
    assert "consent.abandoned" in csv_text and "Núñez" not in csv_text


@pytest.mark.parametrize(
    ("minutes", "ask_after", "grace", "check_every"),
    [
        (5, 300, 60, 20),  # the default: asked after 5 min, cleared a minute later, 20 s timer
        (0.5, 30, 30, 7.5),
        (0.2, 12, 12, 3),  # the browser test's setting
        (0.05, 3, 3, 1),  # the shortest allowed; the timer never runs more than once a second
    ],
)
def test_idle_timing_follows_the_setting(
    minutes: float, ask_after: float, grace: float, check_every: float
) -> None:
    from types import SimpleNamespace

    from settings import get_settings
    from ui.patient.common import _idle_check_seconds

    ctx = SimpleNamespace(settings=get_settings(patient_idle_minutes=minutes))
    assert idle.idle_after(ctx).total_seconds() == ask_after
    assert idle.idle_grace(ctx).total_seconds() == grace
    assert _idle_check_seconds(ctx) == check_every

"""Fixtures for the staff side: a real context (SQLite in a temp dir), a team with one account
per role, and consents made by the same service functions the screens use."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from staff_helpers import signed_in_team, with_plan

from accounts.staff import Role
from forms.records import Consent
from services import demo
from services.auth import StaffSession
from services.clock import FixedClock
from services.context import AppContext, build_context
from settings import get_settings


@pytest.fixture
def ctx(clock: FixedClock, prepared_data_dir) -> AppContext:
    context = build_context(get_settings(), clock=clock)
    yield context
    context.database.dispose()


@pytest.fixture
def app_ctx(prepared_data_dir):
    """The app's own cached context, rebuilt for this test's data directory."""
    from ui.resources import app_context

    app_context.clear()
    ctx = app_context()
    yield ctx
    ctx.database.dispose()
    app_context.clear()


@pytest.fixture
def team(ctx: AppContext) -> dict[Role, StaffSession]:
    """One signed-in account per role, all with PASSWORD."""
    return signed_in_team(ctx)


@pytest.fixture
def make_consent(ctx: AppContext) -> Callable[..., Consent]:
    """A patient completes the flow through services.consent (synthetic data)."""
    rng = random.Random(7)
    counter = iter(range(1000))

    def make(**kwargs) -> Consent:
        n = next(counter)
        kwargs.setdefault("legal_name", f"Test Patient{'e' * (n % 3)} {chr(65 + n % 26)}son")
        kwargs.setdefault("date_of_birth", __import__("datetime").date(1970, 1, 1 + n % 28))
        planned = kwargs.pop("plan", True)  # the treatment plan staff set at hand-over
        made = demo.patient_completes(ctx, rng=rng, **kwargs)
        return with_plan(ctx, made) if planned else made

    return make

"""The signature pad's value (width, height, strokes, points) is checked as finite numbers within
range before anything is stored: a NaN, an infinity, a negative or absurd size is refused with a
clear message, the draft stays open and no consent row is written."""

from __future__ import annotations

import math

import pytest
from flow_helpers import PNG, scribble, walk_to

from errors import DomainError
from language.i18n import t
from services import consent as svc
from services import drafts, ink, submission
from services.context import AppContext

NAN, INF = math.nan, math.inf


def _submit(ctx: AppContext, token: str, **kw):
    args = {
        "typed_name": "Ana María Núñez",
        "strokes": scribble(600),
        "png": PNG,
        "pad_size": (600, 240),
        "decision": "consent",
    } | kw
    return submission.submit(ctx, token, **args)


def _point(**kw) -> list[list[dict]]:
    strokes = scribble(600)
    strokes[0][3] = strokes[0][3] | kw
    return strokes


@pytest.mark.parametrize(
    "change",
    [
        {"pad_size": (NAN, 240)},
        {"pad_size": (600, NAN)},
        {"pad_size": (INF, 240)},
        {"pad_size": (-INF, 240)},
        {"pad_size": (-600, 240)},
        {"pad_size": (0, 240)},
        {"pad_size": (600, 1e12)},
        {"pad_size": ("600", 240)},
        {"pad_size": (True, 240)},
        {"pad_size": (600,)},
        {"strokes": _point(x=NAN)},
        {"strokes": _point(y=INF)},
        {"strokes": _point(x=1e9)},
        {"strokes": _point(t=-5)},
        {"strokes": _point(t=NAN)},
        {"strokes": _point(x="12")},
        {"strokes": [[{"x": 1.0, "y": 2.0}] * (ink.MAX_POINTS + 1)]},
        {"strokes": "not a list"},
        {"strokes": [["not a point"]]},
    ],
    ids=lambda c: next(iter(c)) + ":" + repr(next(iter(c.values())))[:30],
)
def test_a_value_no_real_pad_sends_is_refused_before_anything_is_stored(
    ctx: AppContext, change: dict
) -> None:
    token = svc.start_consent(ctx, language="en")
    walk_to(ctx, token, "sign")
    with pytest.raises(DomainError) as refused:
        _submit(ctx, token, **change)
    assert str(refused.value) == t("en", "patient.sign.pad_invalid")
    with ctx.database.uow() as uow:
        assert uow.consents.find_by_draft_token(token) is None  # nothing stored
    assert drafts.load_draft(ctx, token) is not None  # the patient can clear and sign again


def test_the_interpreters_pad_is_checked_the_same_way(ctx: AppContext) -> None:
    token = svc.start_consent(ctx, language="en")
    walk_to(ctx, token, "sign", interpreter=True)
    with pytest.raises(DomainError, match="did not come through"):
        _submit(ctx, token, interpreter_strokes=_point(x=NAN), interpreter_png=PNG)


def test_a_real_pad_value_is_stored_and_reads_back(ctx: AppContext) -> None:
    token = svc.start_consent(ctx, language="en")
    walk_to(ctx, token, "sign")
    consent = _submit(ctx, token, pad_size=(600.0, 240))
    with ctx.database.uow() as uow:
        stored = uow.consents.get(consent.id)
    assert stored.patient_signature is not None
    assert math.isfinite(stored.patient_signature.ink) and stored.patient_signature.ink > 0


def test_the_spanish_message_exists() -> None:
    assert t("es", "patient.sign.pad_invalid") != t("en", "patient.sign.pad_invalid")


@pytest.mark.parametrize(
    ("strokes", "size", "problem"),
    [
        (None, (0, 0), None),  # nothing drawn: "please sign" is identity.ink_problem's job
        ([], (0, 0), None),
        (scribble(600), (600, 240), None),
        ([[{"x": -20.0, "y": 250.0, "t": 3}]], (600, 240), None),  # a finger sliding off
        (scribble(600), (0, 0), ink.INVALID),  # ink but no size
        (scribble(600), None, ink.INVALID),
    ],
)
def test_component_problem_rules(strokes, size, problem) -> None:
    assert ink.component_problem(strokes, size) == problem

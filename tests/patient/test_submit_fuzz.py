"""Fuzzing the whole submit path: whatever a tablet (or a forged websocket message) sends.

Names, dates, MRNs, questions for the doctor, the interpreter's details, the typed name, the
pad's size and its stroke data (NaN, infinities, huge, empty, wrong types) go through the same
services the screens call. Each example ends in one of two ways only: a ``DomainError`` with
words for the patient, or a stored consent that reads back from the database and whose sealed
PDF prints the same name and question text. Never a traceback, never an unreadable record.

The seed is fixed, so CI runs the same examples every time (a failure reproduces).
"""

from __future__ import annotations

import datetime as dt
import math

from flow_helpers import PNG, answer_check, scribble
from hypothesis import HealthCheck, event, given, seed, settings
from hypothesis import strategies as st

from checklist import flow
from errors import DomainError
from forms.pdf_scripts import visible
from services import consent as svc
from services import drafts
from services.documents import document_of_record
from services.submission import submit

EXAMPLES = 100  # about 4 in 10 get through to a sealed PDF (pytest --hypothesis-show-statistics)


def mostly(good: st.SearchStrategy, bad: st.SearchStrategy) -> st.SearchStrategy:
    """Nine in ten values sane, so many examples reach the PDF; the rest anything at all."""
    return st.sampled_from(range(10)).flatmap(lambda i: bad if i == 0 else good)


anything = st.one_of(
    st.text(max_size=60),  # any Unicode the codec allows: controls, marks, emoji, RTL, CJK
    st.text(min_size=2000, max_size=6000),  # huge
    st.just(""),
)
names = st.one_of(
    st.sampled_from(["Ana María Núñez", "محمد علي", "Zoë O'Brien-Łukasz", "Nguyễn Thị Hương"]),
    st.text(st.characters(codec="latin-1", categories=("L", "M")), min_size=2, max_size=40),
    st.text(st.characters(categories=("L", "M", "Zs", "Pd")), min_size=2, max_size=60),
)
notes = st.text(min_size=1, max_size=400)  # emoji and CJK print as a visible mark
dates = mostly(
    st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2008, 1, 1)),
    st.one_of(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)), st.none()),
)
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.text(max_size=5),
    st.none(),
)
point = st.fixed_dictionaries({"x": numbers, "y": numbers, "t": numbers})
strokes = mostly(
    st.builds(scribble, st.floats(min_value=300, max_value=900), st.integers(1, 5)),
    st.one_of(
        st.lists(st.lists(point, max_size=40), max_size=5),
        st.lists(st.lists(st.just({"x": math.nan, "y": math.inf, "t": 0}), min_size=2)),
        st.none(),
        st.text(max_size=20),
        st.integers(),
        st.just([]),
    ),
)
pads = mostly(st.just((600.0, 200.0)), st.tuples(numbers, numbers))


@seed(20261201)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=mostly(names, anything),
    dob=dates,
    mrn=mostly(st.none(), anything),
    note=mostly(notes, anything),
    interpreter=mostly(st.none(), st.tuples(mostly(names, anything), anything)),
    typed=mostly(st.none(), anything),  # None: the patient types their name as given
    ink=strokes,
    pad_size=pads,
    decision=mostly(st.sampled_from(["consent", "decline"]), st.text(max_size=8)),
)
def test_submit_ends_in_a_message_or_a_readable_consent(
    ctx, name, dob, mrn, note, interpreter, typed, ink, pad_size, decision
) -> None:
    token = svc.start_consent(ctx, language="en")
    try:
        consent_id = _walk(ctx, token, name, dob, mrn, note, interpreter)
        submitted = submit(
            ctx,
            token,
            typed_name=name if typed is None else typed,
            strokes=ink,
            png=PNG,
            pad_size=pad_size,
            decision=decision,
            interpreter_strokes=ink,
            interpreter_png=PNG,
        )
    except DomainError as refused:
        assert str(refused).strip(), "a refusal must say something to the patient"
        event(f"refused at {drafts.load_draft(ctx, token).step}: {str(refused)[:60]}")
        return
    event("stored")
    assert str(submitted.id) == consent_id
    with ctx.database.uow() as uow:
        stored = uow.consents.get(submitted.id)  # reads back: not an unreadable record
        assert uow.consents.unreadable == []
        text = _squash(_pdf_text(document_of_record(ctx, uow, submitted.id).pdf))
    assert stored.patient.legal_name == submitted.patient.legal_name
    assert _squash(visible(stored.patient.legal_name)) in text
    for q in stored.questions:
        assert _squash(visible(q.note)) in text


def _walk(ctx, token, name, dob, mrn, note, interpreter) -> str:
    """Every screen up to signing, through the services the screens call."""
    state = drafts.load_draft(ctx, token)
    pack = drafts.pack_of(ctx, state)
    asked = False
    while state.step != "sign":
        step = flow.step_by_id(pack, state.step)
        match step.kind:
            case flow.StepKind.DETAILS:
                state = svc.confirm_details(
                    ctx, token, legal_name=name, date_of_birth=dob, mrn=mrn, site="left_leg"
                )
            case flow.StepKind.SCREENING:
                state = svc.answer_screening(ctx, token, dict.fromkeys(step.question_ids, "no"))
            case flow.StepKind.SECTION:
                ticks = {i.id: True for sid in step.section_ids for i in pack.section(sid).items}
                questions = {} if asked else {step.section_ids[0]: (True, note)}
                state = svc.acknowledge_section(ctx, token, ticked=ticks, questions=questions)
                asked = True
            case flow.StepKind.TEACH_BACK:
                state = answer_check(ctx, token, pack, step)
            case flow.StepKind.PHOTOS:
                state = svc.answer_photos(ctx, token, False)
            case flow.StepKind.INTERPRETER:
                if interpreter is None:
                    state = svc.record_interpreter(ctx, token, used=False)
                else:
                    state = svc.record_interpreter(
                        ctx,
                        token,
                        used=True,
                        name_or_id=interpreter[0],
                        language=interpreter[1],
                        mode="phone",
                    )
            case flow.StepKind.REVIEW:
                state = svc.certify(ctx, token, True)
            case _:
                raise AssertionError(state.step)
    return state.consent_id


def _pdf_text(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def _squash(text: str) -> str:
    return "".join(text.split())

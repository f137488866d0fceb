"""Synthetic consents: made-up people, drawn ink and a complete record at any stage.

The one factory behind previews (`cli.py sample-pdf`), demo data (services.demo takes its names
and ink and makes the records through the services), the benchmarks and the tests. Nothing here
is real and nothing is read from a database. Every meaning and statement is the one the app
records: the patient's from the pack, the interpreter's from the message catalog in the patient's
language (forms.meanings.INTERPRETER_KEY), the staff steps through the record's own rules
(Consent.verify, .record_timeout, .attest, the sign-out, .file): a sample prints what a real one
prints.

It is over 300 lines because one consent at each stage (draft to filed, refusal) is built here
once, for every caller, instead of in four drifting copies.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import math
import random
import uuid
from collections.abc import Collection, Iterable, Mapping
from typing import Literal, get_args

from checklist.identity import ink_length
from checklist.models import Answer, Pack
from forms.meanings import INTERPRETER_KEY
from forms.record_care import InterpreterAnswer, TreatmentPlan
from forms.record_parts import (
    Acknowledgement,
    AuditEntry,
    DoctorQuestion,
    Interpreter,
    PackRef,
    Participant,
    Patient,
    Point,
    ScreeningAnswer,
    Signature,
    SignerRole,
    Stroke,
)
from forms.records import Consent, Status
from forms.synthetic_ink import PAD, strokes_png  # demo data and tests import them from here
from forms.synthetic_sign_out import sign_out_sample
from forms.synthetic_understanding import ClearedAt, clear_re_explain, teach_back_results
from language.i18n import t

# Mixed scripts and accents, so screens and PDFs show they cope.
FIRST = (
    "Alex", "Maria", "Nguyễn Thị", "José", "Aisha", "Olga", "Björn", "Siobhán",
    "Kenji", "Zoë", "Rafael", "Priya", "Tomasz", "Chloé", "Mateo", "Ingrid",
)  # fmt: skip
LAST = (
    "Testperson", "Demoson", "Sampleton", "Fictivo", "Placeholder",
    "Exampleberg", "Mockford", "Synthé", "Dummé", "Proberg",
)  # fmt: skip
SAMPLE_PATIENT = "Zoë O'Brien-Łukasz"
SAMPLE_NURSE = ("Nguyễn Thị Hương", 7)
SAMPLE_CLINICIAN = ("Dr. Ñandú Pérez-García", 3)
SAMPLE_DESK = ("Ólafur Þórsson", 5)
SAMPLE_SITE = "Left leg, below the knee (posterior calf)"
INTERPRETER_NAME = "Interpreter ID 4471 (LanguageLine)"
INTERPRETER_PRINTED = "Interpreter ID 4471"
SAMPLE_SCLEROSANT = "polidocanol 1%"

Stage = Literal[
    "draft", "signed", "submitted", "declined", "verified", "timeout", "attested", "signed_out",
    "filed",
]  # fmt: skip
# In the order a consent goes through them; "signed" is the record submission builds, before it
# moves to submitted; "declined" is the other ending of the patient's part.
STAGES: tuple[Stage, ...] = get_args(Stage)
_STAFF_STAGES = ("verified", "timeout", "attested", "signed_out", "filed")


def synthetic_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


# --- ink ---------------------------------------------------------------------------------------
def synthetic_strokes(seed: int = 0, width: float = PAD[0], height: float = PAD[1]) -> list[Stroke]:
    """A cursive-looking signature in pad coordinates (CSS pixels), different for each seed.

    Each word is a prolate cycloid (loops like joined handwriting) with a slowly varying height,
    then an underline flourish. It passes the patient screen's ink checks (checklist.flow).
    """
    strokes: list[Stroke] = []
    ms = 0
    base = height * 0.62
    x = width * 0.06
    for word, loops in enumerate((3 + seed % 3, 5 + seed % 2)):
        pts: list[Point] = []
        steps = loops * 14
        span = width * (0.30 if word == 0 else 0.42)
        for i in range(steps + 1):
            u = i / steps * loops * 2 * math.pi
            grow = 1.0 - 0.35 * (i / steps) + 0.15 * math.sin(i / steps * math.pi * (2 + seed % 4))
            px = x + span * i / steps - height * 0.07 * math.sin(u)
            py = (
                base
                - height * 0.18 * grow * (1 - math.cos(u)) / 2
                - (height * 0.2 if i < 6 and word == 0 else 0)
            )
            pts.append(Point(x=round(px, 1), y=round(py, 1), t=ms))
            ms += 12
        strokes.append(Stroke(points=pts))
        x += span + width * 0.06
        ms += 220
    flourish = [
        Point(
            x=round(width * (0.08 + 0.8 * i / 11), 1),
            y=round(base + height * (0.12 + 0.04 * math.sin(i / 11 * math.pi)), 1),
            t=ms + i * 10,
        )
        for i in range(12)
    ]
    strokes.append(Stroke(points=flourish))
    return strokes


def pad_strokes(strokes: Iterable[Stroke]) -> list[list[dict[str, float]]]:
    """The strokes as the signature pad sends them (JSON points)."""
    return [[{"x": p.x, "y": p.y, "t": p.t} for p in s.points] for s in strokes]


def png_data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@functools.lru_cache(maxsize=64)
def _seed_png(seed: int) -> bytes:
    return strokes_png(synthetic_strokes(seed))  # the same strokes _drawn draws for the seed


def _drawn(
    role: SignerRole, name: str, meaning: str, at: dt.datetime, seed: int, png: bool
) -> Signature:
    strokes = synthetic_strokes(seed)
    return Signature(
        role=role,
        printed_name=name,
        meaning=meaning,
        signed_at=at,
        strokes=strokes,
        png=_seed_png(seed) if png else None,
        ink=round(ink_length(pad_strokes(strokes)) / PAD[0], 2),
        device_id=f"tablet-session-demo-{seed}",
    )


def _default_answers(pack: Pack) -> dict[str, Answer]:
    """Two yeses and a not sure among noes: the shipped pack flags two hard stops and a review."""
    return {
        q.id: Answer.YES if i in (2, 5) else (Answer.NOT_SURE if i == 8 else Answer.NO)
        for i, q in enumerate(pack.screening.questions)
    }


# --- the record ----------------------------------------------------------------------------------
def synthetic_consent(
    pack: Pack,
    values: Mapping[str, str],
    start: dt.datetime,
    *,
    stage: Stage = "attested",
    patient_name: str = SAMPLE_PATIENT,
    date_of_birth: dt.date = dt.date(1984, 3, 7),
    site: str = SAMPLE_SITE,
    interpreter: bool = True,
    acknowledged: int | None = None,
    screening: Mapping[str, Answer] | None = None,
    png: bool = False,
    seed: int = 0,
    consent_id: uuid.UUID | None = None,
    demo: bool = False,
    teach_back_wrong: Collection[str] = (),
    teach_back_answered: int | None = None,
    re_explain_cleared_at: ClearedAt = "verified",
) -> tuple[Consent, list[AuditEntry]]:
    """A consent made up to ``stage``, with the audit entries its evidence page lists.

    ``acknowledged``: how many of the pack's items were ticked (default all); ``screening``: the
    answers by question id (default: every question, flagging some); ``png``: also the image the
    pad sends with each drawn signature (the store keeps it). Time moves on a few seconds per step.
    Teach-back (forms.synthetic_understanding): right first time but ``teach_back_wrong`` (wrong
    twice, cleared at ``re_explain_cleared_at``); the first ``teach_back_answered`` (default all).
    """
    clock = [start]

    def tick(seconds: int = 7) -> dt.datetime:
        clock[0] += dt.timedelta(seconds=seconds)
        return clock[0]

    consent = Consent(
        id=consent_id or uuid.UUID(int=0x5A3F_0000_0000_4000_8000_0000_0000_0000 + seed),
        patient=Patient(
            legal_name=patient_name,
            preferred_name="Zoë" if patient_name == SAMPLE_PATIENT else None,
            date_of_birth=date_of_birth,
            mrn=f"MRN-{20417 + seed}",
        ),
        pack=PackRef.of(pack, dict(values)),
        procedure=pack.procedure,
        site=site,
        created_at=start,
        updated_at=start,
        demo=demo,
        treatment=TreatmentPlan.of(  # as staff set it at hand-over
            clinician=(SAMPLE_CLINICIAN[1], SAMPLE_CLINICIAN[0]),
            sclerosant=SAMPLE_SCLEROSANT,
            form="foam",
            appointment_on=start.date(),
            by_id=SAMPLE_NURSE[1],
            by_name=SAMPLE_NURSE[0],
            now=start,
        ),
    )
    audit = [AuditEntry(at=start, actor="patient", role="patient", action="consent.started")]
    items = [item for _section, item in pack.items()][:acknowledged]
    for item in items:
        consent.acknowledgements.append(Acknowledgement(item_id=item.id, acknowledged_at=tick()))
    if pack.sections:
        consent.questions.append(
            DoctorQuestion(
                section_id=pack.sections[min(3, len(pack.sections) - 1)].id,
                asked_at=tick(),
                note="Can I fly to see my family ten days after the treatment?",
            )
        )
    consent.teach_back = teach_back_results(pack, teach_back_wrong, teach_back_answered, tick)
    answers = _default_answers(pack) if screening is None else screening
    for question_id, answer in answers.items():
        flag, _ = pack.flag_for(question_id, answer)
        consent.screening.append(
            ScreeningAnswer(question_id=question_id, answer=answer, flag=flag, answered_at=tick())
        )
    consent.photo_consent = True
    if stage == "draft":
        return consent, audit
    _patient_signs(consent, pack, stage == "declined", interpreter, png, seed, tick)
    signed = tick(1)
    if stage == "signed":
        return consent, audit
    if stage == "declined":
        consent.move_to(Status.DECLINED, signed)
        audit.append(
            AuditEntry(at=signed, actor="patient", role="patient", action="consent.declined")
        )
        return consent, audit
    consent.move_to(Status.SUBMITTED, signed)
    audit.append(AuditEntry(at=signed, actor="patient", role="patient", action="consent.submitted"))
    audit.append(AuditEntry(at=tick(2), actor="system", role="system", action="document.issued"))
    if stage in _STAFF_STAGES:  # the nurse takes the tablet back and says she saw the signing
        nurse_name, nurse_id = SAMPLE_NURSE
        at = tick(40)
        consent.record_witness(
            by_id=nurse_id, by_name=nurse_name, where="handback", device_id="staff-demo", now=at
        )
        audit.append(AuditEntry(at=at, actor=nurse_name, role="nurse", action="consent.witnessed"))
    if stage in _STAFF_STAGES:
        tick(25 * 60)
        reached = _STAFF_STAGES[: _STAFF_STAGES.index(stage) + 1]
        _staff_steps(consent, pack, reached, audit, tick, re_explain_cleared_at)
    return consent, audit


def _patient_signs(
    consent: Consent, pack: Pack, declined: bool, interpreter: bool, png: bool, seed: int, tick
) -> None:  # type: ignore[no-untyped-def]
    consent.interpreter_answer = InterpreterAnswer(used=interpreter, answered_at=tick(10))
    consent.certified_at = None if declined else tick(20)
    consent.decision = "decline" if declined else "consent"
    meaning = pack.refusal_meaning if declined else pack.signature_meaning
    consent.patient_signature = _drawn(
        SignerRole.PATIENT, consent.patient.legal_name, meaning, tick(30), seed, png
    )
    if interpreter:
        consent.interpreter = Interpreter(
            name_or_id=INTERPRETER_NAME,
            language="es",
            mode="video",
            signature=_drawn(
                SignerRole.INTERPRETER,
                INTERPRETER_PRINTED,
                t(pack.language, INTERPRETER_KEY),  # signed on the patient's screen
                tick(15),
                seed + 1,
                png,
            ),
        )


def _staff_steps(  # type: ignore[no-untyped-def]
    consent: Consent,
    pack: Pack,
    steps: tuple[str, ...],
    audit: list[AuditEntry],
    tick,
    clear_at: ClearedAt = "verified",
) -> None:
    """The staff's part through the record's own methods, as services.staff calls them."""
    clin_name, clin_id = SAMPLE_CLINICIAN
    nurse_name, nurse_id = SAMPLE_NURSE
    desk_name, desk_id = SAMPLE_DESK

    def log(at: dt.datetime, name: str, uid: int, role: str, action: str) -> None:
        audit.append(AuditEntry(at=at, actor=f"{name} (#{uid})", role=role, action=action))

    for answer in consent.flags():
        at = tick(90)
        note = "Discussed with the patient; safe to proceed with compression and walking."
        consent.review_flag(
            answer.question_id, "cleared", note, by_id=clin_id, by_name=clin_name, now=at
        )
        log(at, clin_name, clin_id, "clinician", "flag.reviewed")
    if clear_at == "verified":  # the nurse goes over a missed check again before verifying
        clear_re_explain(consent, audit, tick, (nurse_name, nurse_id, "nurse"))
    checks = {
        item.id: ("yes", "Duplex map from 2026-11-02 on file" if i == 3 else "")
        for i, item in enumerate(pack.nurse_checklist)
    }
    at = tick(20 * len(checks) + 30)
    consent.verify(pack, checks, by_id=nurse_id, by_name=nurse_name, device_id="staff-demo", now=at)
    log(at, nurse_name, nurse_id, "nurse", "consent.verified")
    if "timeout" not in steps:
        return
    at = tick(4 * 60)
    confirmed = [i.id for i in pack.timeout]
    present = [
        Participant(name=nurse_name, role="nurse", staff_id=nurse_id),
        Participant(name=clin_name, role="clinician", staff_id=clin_id),
    ]
    consent.record_timeout(
        pack,
        confirmed,
        participants=present,
        side=consent.site,
        by_id=nurse_id,
        by_name=nurse_name,
        now=at,
    )
    log(at, nurse_name, nurse_id, "nurse", "consent.timeout")
    if clear_at == "timeout":
        clear_re_explain(consent, audit, tick, (nurse_name, nurse_id, "nurse"))
    if "attested" not in steps:
        return
    if clear_at == "attested":  # the clinician, just before attesting (attest waits for it)
        clear_re_explain(consent, audit, tick, (clin_name, clin_id, "clinician"))
    for q in consent.open_questions():
        at = tick(45)
        answer = "Yes: after two weeks, with stockings on and walking every hour of the trip."
        consent.answer_question(
            q.section_id, answer, item_id=q.item_id, by_id=clin_id, by_name=clin_name, now=at
        )
        log(at, clin_name, clin_id, "clinician", "question.answered")
    at = tick(60)
    consent.attest(by_id=clin_id, by_name=clin_name, device_id="staff-demo", now=at)
    log(at, clin_name, clin_id, "clinician", "consent.attested")
    if "signed_out" not in steps:
        return
    entered, signed = tick(25 * 60), tick(60)
    sign_out_sample(consent, SAMPLE_NURSE, SAMPLE_CLINICIAN, entered, signed)
    log(entered, nurse_name, nurse_id, "nurse", "consent.sign_out_entered")
    log(signed, clin_name, clin_id, "clinician", "consent.signed_out")
    if "filed" not in steps:
        return
    at = tick(30 * 60)
    consent.file(f"SAMPLE-{consent.id.hex[:8].upper()}", by_id=desk_id, by_name=desk_name, now=at)
    log(at, desk_name, desk_id, "front_desk", "consent.filed")

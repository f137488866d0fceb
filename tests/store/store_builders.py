"""Synthetic consents for store tests and bench/store.py (no real personal data)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import struct
import uuid
import zlib

from checklist.models import Answer, FlagLevel
from forms.records import (
    Acknowledgement,
    Consent,
    Interpreter,
    PackRef,
    Patient,
    Point,
    ScreeningAnswer,
    Signature,
    SignerRole,
    Stroke,
)

T0 = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)


def tiny_png(width: int = 40, height: int = 12, seed: int = 1) -> bytes:
    """A real (valid) grey PNG; content varies with ``seed`` so images differ."""
    raw = io.BytesIO()
    for y in range(height):
        row = hashlib.shake_128(f"{seed}:{y}".encode()).digest(width)
        raw.write(b"\x00" + bytes(255 if b > 8 else b * 20 for b in row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw.getvalue()))
        + chunk(b"IEND", b"")
    )


def fake_pdf(size: int = 40_000, seed: int = 0) -> bytes:
    """Bytes shaped like a PDF of exactly ``size`` bytes; the body is high-entropy like the
    deflated streams of a real one."""
    head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    tail = b"\n%%EOF\n"
    body = bytearray()
    block = 0
    while len(body) < size - len(head) - len(tail):
        body += hashlib.sha256(f"{seed}:{block}".encode()).digest()
        block += 1
    return head + bytes(body[: size - len(head) - len(tail)]) + tail


def signature(name: str = "Ana Demo", at: dt.datetime = T0, seed: int = 1) -> Signature:
    strokes = [
        Stroke(points=[Point(x=10.5 + i, y=20.25 + i * seed, t=i * 16) for i in range(30)]),
        Stroke(points=[Point(x=80.0 - i, y=5.0 + i, t=600 + i * 16) for i in range(20)]),
    ]
    return Signature(
        role=SignerRole.PATIENT,
        printed_name=name,
        meaning="I consent to the procedure described above.",
        signed_at=at,
        strokes=strokes,
        png=tiny_png(seed=seed),
        ink=1.75,
        device_id="tablet-session-" + uuid.uuid4().hex[:12],
    )


def make_consent(
    name: str = "Ana Demo",
    dob: dt.date = dt.date(1970, 5, 1),
    at: dt.datetime = T0,
    acks: int = 28,
    signed: bool = True,
    demo: bool = False,
    site: str = "Left leg",
    seed: int = 1,
) -> Consent:
    consent = Consent(
        patient=Patient(legal_name=name, date_of_birth=dob, mrn="MRN-0042"),
        pack=PackRef(
            pack_id="sclerotherapy",
            version="1.0.0",
            language="en",
            fingerprint="ab" * 32,
            placeholder_values={"compression_days": "7", "clinic_phone": "555-0100"},
        ),
        procedure="Ultrasound-guided sclerotherapy",
        site=site,
        created_at=at,
        updated_at=at,
        demo=demo,
        acknowledgements=[
            Acknowledgement(
                item_id=f"item.{i:02d}",
                acknowledged_at=at + dt.timedelta(seconds=i),
                question_for_doctor=i % 9 == 0,
            )
            for i in range(acks)
        ],
        screening=[
            ScreeningAnswer(question_id="pregnant", answer=Answer.NO, answered_at=at, flag=None),
            ScreeningAnswer(
                question_id="dvt_history",
                answer=Answer.YES,
                answered_at=at,
                flag=FlagLevel.STOP,
            ),
        ],
        photo_consent=True,
    )
    if signed:
        consent.decision = "consent"
        consent.certified_at = at
        consent.patient_signature = signature(name, at, seed)
        consent.interpreter = Interpreter(
            name_or_id="Interp 7",
            language="es",
            mode="phone",
            signature=signature("Interp 7", at, seed + 1).model_copy(
                update={"role": SignerRole.INTERPRETER}
            ),
        )
    return consent

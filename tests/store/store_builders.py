"""Synthetic consents for store tests, from the one factory (forms/synthetic.py)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import struct
import uuid
import zlib

from checklist.loader import load_library
from checklist.models import Answer, FlagLevel, Pack
from forms.records import Consent
from forms.synthetic import synthetic_consent
from settings import get_settings

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


@functools.cache
def shipped_pack() -> Pack:
    """The shipped English pack: store tests keep what a real consent pins."""
    return load_library(get_settings().placeholder_values, []).active("sclerotherapy", "en")


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
    """A record as submission builds it (signed, with the pad's PNGs, still a draft until the
    caller moves it), from the one synthetic factory: ``acks`` items ticked, two screening
    answers of which one raises a stop flag, patient and interpreter signatures."""
    pack = shipped_pack()
    questions = [q.id for q in pack.screening.questions]
    stop = next(r.question for r in pack.screening.rules if r.flag is FlagLevel.STOP)
    calm = next(q for q in questions if pack.flag_for(q, Answer.NO)[0] is None and q != stop)
    consent, _ = synthetic_consent(
        pack,
        get_settings().placeholder_values,
        at,
        stage="signed" if signed else "draft",
        patient_name=name,
        date_of_birth=dob,
        site=site,
        acknowledged=acks,
        screening={calm: Answer.NO, stop: Answer.YES},
        png=True,
        seed=seed,
        consent_id=uuid.uuid4(),
        demo=demo,
    )
    return consent

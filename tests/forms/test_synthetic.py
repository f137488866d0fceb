"""The one synthetic-consent factory (forms/synthetic.py) behind sample-pdf, demo-data, the
benchmarks and the tests: its ink passes the patient screen's checks, and its records carry
the meanings and statement the app records."""

from __future__ import annotations

import pytest
from pdf_helpers import T0, VALUES

from checklist import identity
from forms.meanings import (
    ATTESTATION_STATEMENT,
    CLINICIAN_ATTESTED,
    INTERPRETER_KEY,
    NURSE_VERIFIED,
)
from forms.records import Status
from forms.synthetic import (
    PAD,
    STAGES,
    pad_strokes,
    strokes_png,
    synthetic_consent,
    synthetic_strokes,
)
from language.i18n import t


@pytest.mark.parametrize("seed", range(6))
def test_synthetic_signature_passes_the_patient_flow_checks(seed: int) -> None:
    strokes = synthetic_strokes(seed)
    assert identity.ink_problem(pad_strokes(strokes), PAD[0]) is None
    assert strokes_png(strokes).startswith(b"\x89PNG\r\n\x1a\n")


def test_every_stage_has_the_status_and_parts_the_app_would_have(pack) -> None:
    expected = {
        "draft": Status.DRAFT,
        "signed": Status.DRAFT,  # what submission builds, before it moves to submitted
        "submitted": Status.SUBMITTED,
        "declined": Status.DECLINED,
        "verified": Status.VERIFIED,
        "timeout": Status.VERIFIED,
        "attested": Status.ATTESTED,
        "signed_out": Status.ATTESTED,
        "filed": Status.FILED,
    }
    assert set(expected) == set(STAGES)
    for stage, status in expected.items():
        consent, audit = synthetic_consent(pack, VALUES, T0, stage=stage)
        assert consent.status is status, stage
        assert (consent.patient_signature is None) == (stage == "draft")
        assert (consent.timeout is not None) == (
            stage in ("timeout", "attested", "signed_out", "filed")
        )
        assert (consent.sign_out is not None) == (stage in ("signed_out", "filed"))
        assert [e.at for e in audit] == sorted(e.at for e in audit)


def test_meanings_are_the_apps_own(pack) -> None:
    consent, _ = synthetic_consent(pack, VALUES, T0, stage="filed")
    assert consent.patient_signature.meaning == pack.signature_meaning
    assert consent.interpreter.signature.meaning == t(pack.language, INTERPRETER_KEY)
    assert consent.nurse_verification.signature.meaning == NURSE_VERIFIED
    assert consent.attestation.signature.meaning == CLINICIAN_ATTESTED
    assert consent.attestation.statement == ATTESTATION_STATEMENT
    assert not consent.open_stop_flags()  # every flag cleared by the clinician first
    declined, _ = synthetic_consent(pack, VALUES, T0, stage="declined")
    assert declined.patient_signature.meaning == pack.refusal_meaning

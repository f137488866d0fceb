"""The check of understanding (teach-back, issue #15) in the legal documents: the PDF prints each
question, every answer and the clearance of a re-explain flag, in the patient's language with
staff words in the clinic's; the evidence digest covers the answers; FHIR carries them as a
QuestionnaireResponse. Never more or less than happened."""

from __future__ import annotations

import pytest
from pdf_helpers import CLINIC, T0, VALUES, pdf_text, squash, with_teach_back

from checklist.models import Pack
from forms.fhir import consent_bundle
from forms.fhir_answers import PACK_SYSTEM, resource_uuid
from forms.pdf import render_consent_pdf, when
from forms.pdf_evidence import PART_WORDS, record_parts
from forms.record_understanding import TeachBackAttempt, TeachBackResult
from forms.seal import seal_pdf, seal_reason
from forms.seal_check import read_evidence, verify_pdf
from forms.synthetic import SAMPLE_CLINICIAN, SAMPLE_NURSE, synthetic_consent
from forms.synthetic_understanding import RE_EXPLAIN_NOTE
from language.i18n import t
from language.placeholders import fill
from settings import get_settings


@pytest.fixture
def tb_pack(pack: Pack) -> Pack:
    return with_teach_back(pack)


def _text(consent, pack, audit, clinic=CLINIC) -> str:
    return pdf_text(render_consent_pdf(consent, pack, clinic, T0, audit))


def _section(text: str, lang: str = "en") -> str:
    """The check of understanding's part of the text (up to the screening that follows it)."""
    start = text.index(t(lang, "pdf.understanding.heading"))
    return text[start:]


def _attempt_line(lang: str, n: int, right: bool, at) -> str:
    verdict = t(lang, "pdf.understanding.right" if right else "pdf.understanding.wrong")
    return t(lang, "pdf.understanding.attempt", n=n, result=verdict, time=when(at, CLINIC.tz))


def _cleared_line(lang: str, role: str, clearance) -> str:
    """The record's line for a cleared flag: the sample nurse's or clinician's name, id, time."""
    who = {"nurse": SAMPLE_NURSE, "clinician": SAMPLE_CLINICIAN}[role]
    return t(
        lang,
        f"pdf.staff.re_explain.cleared.{role}",
        name=who[0],
        id=who[1],
        time=when(clearance.at, CLINIC.tz),
    )


def test_each_question_each_attempt_and_the_nurses_clearance(tb_pack: Pack) -> None:
    consent, audit = synthetic_consent(tb_pack, VALUES, T0, teach_back_wrong=["chest"])
    text = _section(_text(consent, tb_pack, audit))
    chest, stockings = tb_pack.teach_back
    flagged, right = consent.teach_back
    assert [r.question_id for r in consent.teach_back] == ["chest", "stockings"]
    for q in (chest, stockings):
        assert q.topic in text and q.question in text
    # Wrong twice: each attempt with the words chosen, its time, then the explanation once.
    assert len(flagged.attempts) == 2 and not any(a.right for a in flagged.attempts)
    wrong_words = chest.choice(flagged.attempts[0].choice).text
    for n, a in enumerate(flagged.attempts, start=1):
        assert f"✗ {wrong_words} {_attempt_line('en', n, False, a.at)}" in text
    assert text.count(chest.explain) == 1
    assert t("en", "pdf.understanding.outcome.re_explain", n=2) in text
    # The flag and who cleared it: name, role, time and the note as recorded.
    clearance = consent.clearance("chest")
    assert clearance is not None and clearance.by_role == "nurse"
    cleared = _cleared_line("en", "nurse", clearance)
    assert "RE-EXPLAIN" in text
    assert squash(f"{cleared}: {RE_EXPLAIN_NOTE}") in squash(text)
    assert t("en", "pdf.staff.re_explain.open") not in text
    # Right first time: the right choice's words (placeholders filled), once, and the outcome.
    words = fill(stockings.choice("days").text, VALUES)
    assert f"✓ {words} {_attempt_line('en', 1, True, right.attempts[0].at)}" in text
    assert t("en", "pdf.understanding.outcome.right_first") in text
    assert text.count("RE-EXPLAIN") == 1


def test_an_open_flag_says_not_yet_cleared(tb_pack: Pack) -> None:
    consent, audit = synthetic_consent(
        tb_pack, VALUES, T0, stage="submitted", teach_back_wrong=["stockings"]
    )
    assert [r.question_id for r in consent.open_re_explain()] == ["stockings"]
    text = _section(_text(consent, tb_pack, audit))
    assert squash(t("en", "pdf.staff.re_explain.open")) in squash(text)
    assert "Explained again and cleared" not in text
    assert t("en", "pdf.understanding.outcome.right_first") in text  # the chest question


def test_a_clinician_clears_it_before_attesting(tb_pack: Pack) -> None:
    consent, audit = synthetic_consent(
        tb_pack, VALUES, T0, teach_back_wrong=["chest"], re_explain_cleared_at="attested"
    )
    clearance = consent.clearance("chest")
    assert clearance is not None and clearance.by_role == "clinician"
    assert consent.attestation is not None and clearance.at < consent.attestation.attested_at
    # Verified and timed out with the flag still open: the clearance came after.
    assert consent.nurse_verification.verified_at < clearance.at
    text = _text(consent, tb_pack, audit)
    cleared = _cleared_line("en", "clinician", clearance)
    assert squash(cleared) in squash(text)
    assert "consent.re_explain_cleared" in {e.action for e in audit}


def test_right_at_the_second_answer(tb_pack: Pack) -> None:
    consent, audit = synthetic_consent(tb_pack, VALUES, T0)
    first = consent.teach_back[1].attempts[0]
    wrong = TeachBackAttempt(choice="nights", right=False, at=first.at.replace(second=1))
    consent.teach_back[1] = TeachBackResult(question_id="stockings", attempts=[wrong, first])
    text = _section(_text(consent, tb_pack, audit))
    assert f"✗ Only at night {_attempt_line('en', 1, False, wrong.at)}" in text
    assert _attempt_line("en", 2, True, first.at) in text
    assert t("en", "pdf.understanding.outcome.right_later", n=2) in text
    assert "RE-EXPLAIN" not in text


def test_a_pack_without_teach_back_prints_no_such_section(pack: Pack) -> None:
    consent, audit = synthetic_consent(pack, VALUES, T0)
    assert consent.teach_back == []
    text = _text(consent, pack, audit)
    assert t("en", "pdf.understanding.heading") not in text
    assert "RE-EXPLAIN" not in text and "Answer 1" not in text
    assert "understanding" not in record_parts(consent)


def test_a_refusal_signed_before_the_check_prints_what_was_answered(tb_pack: Pack) -> None:
    none, audit = synthetic_consent(tb_pack, VALUES, T0, stage="declined", teach_back_answered=0)
    assert t("en", "pdf.understanding.heading") not in _text(none, tb_pack, audit)
    one, audit = synthetic_consent(tb_pack, VALUES, T0, stage="declined", teach_back_answered=1)
    text = _section(_text(one, tb_pack, audit))
    chest, stockings = tb_pack.teach_back
    assert chest.question in text and stockings.question not in text
    # Wrong once, then signed: said as it is, no flag (the patient never had a second try).
    attempt = TeachBackAttempt(choice="wait", right=False, at=one.teach_back[0].attempts[0].at)
    one.teach_back = [TeachBackResult(question_id="chest", attempts=[attempt])]
    text = _section(_text(one, tb_pack, audit))
    assert t("en", "pdf.understanding.outcome.unfinished") in text
    assert "RE-EXPLAIN" not in text and "not right" in text


@pytest.mark.parametrize("clinic_lang", ["en", "es"])
def test_a_spanish_consent_reads_spanish(shipped_library, clinic_lang: str) -> None:
    values = get_settings().placeholder_values
    pack = with_teach_back(shipped_library.active("sclerotherapy", "es"))
    consent, audit = synthetic_consent(pack, values, T0, teach_back_wrong=["stockings"])
    clinic = CLINIC.model_copy(update={"language": clinic_lang})
    text = _section(_text(consent, pack, audit, clinic), "es")
    for q in pack.teach_back:
        assert fill(q.question, values) in text and fill(q.topic, values) in text
    assert "Un día" in text and "Llamo al 911 enseguida" in text  # the choices, in Spanish
    assert "Respuesta 1: no correcta" in text and "Respuesta 1: correcta" in text
    assert t("es", "pdf.understanding.outcome.re_explain", n=2) in text
    assert "Check of understanding" not in text and "not right" not in text
    # The flag is a staff matter: the clinic's words.
    badge = t(clinic_lang, "pdf.staff.re_explain.badge")
    assert badge in text
    clearance = consent.clearance("stockings")
    cleared = _cleared_line(clinic_lang, "nurse", clearance)
    assert squash(cleared) in squash(text)


def test_the_shipped_teach_back_pack_prints_every_question(shipped_library) -> None:
    values = get_settings().placeholder_values
    for lang in ("en", "es"):
        pack = shipped_library.active("sclerotherapy", lang)
        if not pack.teach_back:
            pytest.skip("the shipped pack has no teach-back yet")
        first = pack.teach_back[0].id
        consent, audit = synthetic_consent(pack, values, T0, teach_back_wrong=[first])
        text = squash(_section(_text(consent, pack, audit), lang))
        for q in pack.teach_back:
            assert squash(fill(q.question, values)) in text
            assert squash(fill(q.choice(q.answer).text, values)) in text or q.id == first
        assert squash(fill(pack.teach_back[0].explain, values)) in text


def test_the_seal_validates_and_the_evidence_covers_the_answers(tb_pack: Pack, sealer) -> None:
    consent, audit = synthetic_consent(
        tb_pack, VALUES, T0, stage="verified", teach_back_wrong=["chest"]
    )
    pdf = render_consent_pdf(consent, tb_pack, CLINIC, T0, audit, seal_note=sealer.describe())
    sealed = seal_pdf(pdf, sealer, reason=seal_reason(CLINIC.name), location=CLINIC.address)
    report = verify_pdf(sealed, [sealer.certificate])
    assert report.status == "valid" and report.intact and report.covers_whole_file
    assert "Check of understanding" in pdf_text(sealed)
    parts = record_parts(consent)
    assert "understanding" in parts and "understanding" in PART_WORDS
    # A clearance is a staff addition (like a flag review): the patient's part stays the same.
    uncleared, _ = synthetic_consent(
        tb_pack, VALUES, T0, stage="submitted", teach_back_wrong=["chest"]
    )
    assert record_parts(uncleared)["understanding"] == parts["understanding"]
    # Another answer is another part.
    other, _ = synthetic_consent(tb_pack, VALUES, T0, stage="verified")
    assert record_parts(other)["understanding"] != parts["understanding"]


def test_an_issued_document_carries_the_understanding_digest(tb_pack: Pack, sealer) -> None:
    from forms.pdf_evidence import ChainAnchor

    consent, audit = synthetic_consent(tb_pack, VALUES, T0, stage="submitted")
    anchor = ChainAnchor(last_id=3, last_hash="ab" * 32)
    pdf = render_consent_pdf(consent, tb_pack, CLINIC, T0, audit, anchor=anchor)
    sealed = seal_pdf(pdf, sealer, reason=seal_reason(CLINIC.name), location=CLINIC.address)
    evidence = read_evidence(sealed)
    assert evidence is not None
    assert evidence.parts["understanding"] == record_parts(consent)["understanding"]


def _understanding(bundle: dict) -> list[dict]:
    return [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
        and ":teach-back|" in e["resource"]["questionnaire"]
    ]


def _ext(element: dict, name: str) -> dict:
    return next(e for e in element["extension"] if e["url"].endswith(f"/{name}"))


def test_fhir_carries_the_check_as_a_questionnaire_response(tb_pack: Pack) -> None:
    consent, audit = synthetic_consent(tb_pack, VALUES, T0, teach_back_wrong=["chest"])
    bundle = consent_bundle(consent, tb_pack, CLINIC, audit=audit)
    (qr,) = _understanding(bundle)
    cid = str(consent.id)
    assert qr["identifier"]["value"] == f"urn:uuid:{resource_uuid(cid, 3)}"
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert f"urn:uuid:{resource_uuid(cid, 3)}" in urls and len(set(urls)) == len(urls)
    assert qr["questionnaire"] == f"{PACK_SYSTEM}:{tb_pack.id}:teach-back|{tb_pack.version}"
    assert qr["status"] == "completed" and qr["language"] == "en"
    chest, stockings = qr["item"]
    q = tb_pack.teach_back_question("chest")
    assert chest["linkId"] == "chest" and chest["text"] == q.question
    assert [a["valueCoding"]["code"] for a in chest["answer"]] == ["wait", "wait"]
    assert chest["answer"][0]["valueCoding"]["display"] == "Wait to see if it goes away"
    for n, (answer, attempt) in enumerate(
        zip(chest["answer"], consent.teach_back[0].attempts, strict=True), start=1
    ):
        assert _ext(answer, "attempt")["valueInteger"] == n
        assert _ext(answer, "answer-right")["valueBoolean"] is False
        assert _ext(answer, "answered-at")["valueDateTime"] == attempt.at.isoformat()
    assert _ext(chest, "teach-back-outcome")["valueCode"] == "re_explain"
    assert _ext(chest, "first-time-right")["valueBoolean"] is False
    cleared = {e["url"]: e for e in _ext(chest, "re-explain-cleared")["extension"]}
    assert cleared["by"]["valueString"] == f"{SAMPLE_NURSE[0]} (ID {SAMPLE_NURSE[1]})"
    assert cleared["role"]["valueCode"] == "nurse"
    assert cleared["note"]["valueString"] == RE_EXPLAIN_NOTE
    assert cleared["at"]["valueDateTime"] == consent.clearance("chest").at.isoformat()
    (right,) = stockings["answer"]
    assert right["valueCoding"] == {
        "system": f"{PACK_SYSTEM}:{tb_pack.id}:teach-back:stockings",
        "code": "days",
        "display": "7 days",  # the clinic's value filled in, as the patient read it
    }
    assert _ext(right, "answer-right")["valueBoolean"] is True
    assert _ext(stockings, "teach-back-outcome")["valueCode"] == "right"
    assert not any(e["url"].endswith("re-explain-cleared") for e in stockings["extension"])
    # The same record gives the same identifiers every time.
    assert consent_bundle(consent, tb_pack, CLINIC, audit=audit) == bundle


def test_fhir_says_an_open_flag_and_a_stopped_check(tb_pack: Pack) -> None:
    consent, audit = synthetic_consent(
        tb_pack, VALUES, T0, stage="submitted", teach_back_wrong=["chest"]
    )
    (qr,) = _understanding(consent_bundle(consent, tb_pack, CLINIC, audit=audit))
    assert _ext(qr["item"][0], "re-explain-open")["valueBoolean"] is True
    declined, audit = synthetic_consent(
        tb_pack, VALUES, T0, stage="declined", teach_back_answered=1
    )
    (qr,) = _understanding(consent_bundle(declined, tb_pack, CLINIC, audit=audit))
    assert qr["status"] == "stopped" and [i["linkId"] for i in qr["item"]] == ["chest"]


def test_fhir_without_teach_back_has_one_questionnaire_response(pack: Pack, worked) -> None:
    consent, audit = worked
    bundle = consent_bundle(consent, pack, CLINIC, audit=audit)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("QuestionnaireResponse") == 1 and _understanding(bundle) == []


def test_synthetic_checks_are_right_first_time_by_default(tb_pack: Pack) -> None:
    consent, _ = synthetic_consent(tb_pack, VALUES, T0)
    assert [r.first_time_right for r in consent.teach_back] == [True, True]
    assert consent.re_explain_flags() == [] and consent.re_explained == []
    with pytest.raises(ValueError, match="no such teach-back question"):
        synthetic_consent(tb_pack, VALUES, T0, teach_back_wrong=["nope"])

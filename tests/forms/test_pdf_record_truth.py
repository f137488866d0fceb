"""Issue 12: the PDF (read back with pypdf) and the FHIR bundle say exactly what happened, the
same way: no interpreter, witnessed or not, a countersigned refusal, an answered question, the
treatment plan on page 1, who was at the time-out. A record made before these fields loads and
renders without claiming what it never recorded."""

from __future__ import annotations

import datetime as dt
import io

from pdf_helpers import CLINIC, T0, VALUES, pdf_text, squash
from pypdf import PdfReader

from forms.fhir import consent_bundle
from forms.meanings import CLINICIAN_REFUSAL, NURSE_VERIFIED_AND_WITNESSED, REFUSAL_STATEMENT
from forms.pdf import render_consent_pdf, when
from forms.records import Consent
from forms.synthetic import SAMPLE_CLINICIAN, SAMPLE_NURSE, synthetic_consent

WITNESS = "1.2.840.10065.1.12.1.8"  # ASTM E1762 Signature Witness Signature
VERIFICATION = "1.2.840.10065.1.12.1.5"
VALIDATION = "1.2.840.10065.1.12.1.6"
EXT = "https://example.org/fhir/sclerotherapy-consent/StructureDefinition/"


def render(consent: Consent, pack, audit) -> bytes:
    return render_consent_pdf(consent, pack, CLINIC, T0, audit)


def at(value: dt.datetime) -> str:
    return when(value, CLINIC.tz)


def resources(consent: Consent, pack) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for entry in consent_bundle(consent, pack, CLINIC)["entry"]:
        out.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return out


def extensions(resource: dict) -> dict[str, object]:
    return {
        e["url"].removeprefix(EXT): next(v for k, v in e.items() if k != "url")
        for e in resource["extension"]
    }


def signature_types(res: dict) -> dict[str, list[str]]:
    return {
        p["reason"][0]["text"]: [c["code"] for c in p["signature"][0]["type"]]
        for p in res["Provenance"]
    }


def test_no_interpreter_is_recorded_with_its_time_in_the_pdf_and_fhir(pack) -> None:
    consent, audit = synthetic_consent(pack, VALUES, T0, interpreter=False)
    answered = consent.interpreter_answer.answered_at
    said = f"No interpreter used (answered by the patient at {at(answered)})"
    assert said in pdf_text(render(consent, pack, audit))
    res = resources(consent, pack)
    facts = extensions(res["Consent"][0])
    assert facts["interpreter-used"] is False and facts["interpreter"] == said
    assert facts["interpreter-answered-at"] == answered.isoformat(timespec="seconds")
    [group] = [g for g in res["QuestionnaireResponse"][0]["item"] if g["linkId"] == "interpreter"]
    assert group["item"][0]["answer"][0]["valueBoolean"] is False


def test_a_witness_at_hand_back_is_printed_with_its_own_time_and_typed_as_witness(
    pack, worked
) -> None:
    consent, audit = worked
    w = consent.witness
    name, staff_id = SAMPLE_NURSE
    said = (
        f"Witnessed: {name} (ID {staff_id}) was present when the patient signed, and said so "
        f"at hand-back on the tablet at {at(w.at)}."
    )
    assert squash(said) in squash(pdf_text(render(consent, pack, audit)))
    res = resources(consent, pack)
    facts = extensions(res["Consent"][0])
    assert facts["signature-witnessed"] is True and facts["signature-witness"] == said
    types = signature_types(res)
    assert types["Verified by nurse"] == [VERIFICATION]  # the nurse's own signature: verification
    assert types[w.signature.meaning] == [WITNESS]
    [prov] = [p for p in res["Provenance"] if p["signature"][0]["type"][0]["code"] == WITNESS]
    assert prov["recorded"] == w.at.isoformat(timespec="seconds")


def test_not_witnessed_says_so_and_fhir_has_no_witness_signature(pack) -> None:
    consent, audit = synthetic_consent(pack, VALUES, T0, stage="verified")
    consent.witness = None  # nobody said they saw the patient sign
    text = pdf_text(render(consent, pack, audit))
    said = "Not witnessed: no staff member recorded being present when the patient signed."
    assert said in text and "Witnessed:" not in text
    assert "Verified by nurse; witnessed" not in text
    res = resources(consent, pack)
    facts = extensions(res["Consent"][0])
    assert facts["signature-witnessed"] is False and facts["signature-witness"] == said
    assert all(WITNESS not in codes for codes in signature_types(res).values())


def test_a_countersigned_refusal_says_so_and_fhir_carries_the_countersignature(pack) -> None:
    consent, audit = synthetic_consent(pack, VALUES, T0, stage="declined")
    before = pdf_text(render(consent, pack, audit))
    assert (
        "Clinician countersignature of the refusal Not yet countersigned by a clinician." in before
    )
    name, staff_id = SAMPLE_CLINICIAN
    later = T0 + dt.timedelta(hours=1)
    for q in consent.open_questions():
        consent.answer_question(q.section_id, "Explained.", by_id=staff_id, by_name=name, now=later)
    consent.countersign_refusal(by_id=staff_id, by_name=name, device_id="desk", now=later)
    text = pdf_text(render(consent, pack, audit))
    assert squash(REFUSAL_STATEMENT) in squash(text)
    assert f"Countersigned by {name} (ID {staff_id}) at {at(later)}" in text
    assert "Not yet countersigned" not in text and "Clinician attestation" not in text
    res = resources(consent, pack)
    assert signature_types(res)[CLINICIAN_REFUSAL] == [VALIDATION]
    [group] = [g for g in res["QuestionnaireResponse"][0]["item"] if g["linkId"] == "attestation"]
    assert group["text"] == "Clinician countersignature of the refusal"
    assert group["item"][0]["text"] == REFUSAL_STATEMENT
    assert res["Consent"][0]["status"] == "rejected"


def test_an_answered_question_is_printed_beside_it_and_marks_only_what_was_flagged(
    pack, worked
) -> None:
    consent, audit = worked
    [q] = consent.questions
    a = q.answer
    text = pdf_text(render(consent, pack, audit))
    asked = f"Question for the doctor ({at(q.asked_at)}): {q.note}"
    answered = f"Answered by {a.by_name} (ID {a.by_id}) at {at(a.at)}: {a.text}"
    assert squash(asked + answered) in squash(text)  # the answer right under its question
    # The patient flagged the section: none of its items is marked as asked about.
    assert text.count("Question for the doctor") == 1
    res = resources(consent, pack)
    qr_items = [i for g in res["QuestionnaireResponse"][0]["item"] for i in g.get("item", [])]
    [item] = [i for i in qr_items if i["linkId"].endswith("question-for-doctor")]
    assert item["linkId"] == f"{q.section_id}.question-for-doctor"
    answer = item["answer"][0]
    assert answer["valueString"] == q.note
    got = {e["url"].removeprefix(EXT): e for e in answer["extension"]}
    assert got["clinician-answer"]["valueString"] == a.text
    assert got["answered-by"]["valueString"] == f"{a.by_name} (ID {a.by_id})"
    flagged = [
        i
        for i in qr_items
        for ans in i.get("answer", [])
        for e in ans.get("extension", [])
        if e["url"].endswith("question-for-doctor")
    ]
    assert flagged == []


def test_an_open_question_prints_that_no_clinician_answered_yet(pack) -> None:
    consent, audit = synthetic_consent(pack, VALUES, T0, stage="verified")
    assert "Not yet answered by a clinician." in pdf_text(render(consent, pack, audit))


def test_page_one_names_the_clinician_sclerosant_form_site_and_appointment(pack, worked) -> None:
    consent, audit = worked
    page1 = PdfReader(io.BytesIO(render(consent, pack, audit))).pages[0].extract_text()
    lines = [" ".join(line.split()) for line in page1.splitlines()]
    assert f"Treating clinician {SAMPLE_CLINICIAN[0]}" in lines
    assert "Planned medicine (sclerosant) polidocanol 1%" in lines
    assert "Liquid or foam Foam" in lines
    assert f"Appointment date November 23, 2026 ({consent.treatment.appointment_on})" in lines
    assert any(line.startswith("Limb / site ") for line in lines)
    facts = extensions(resources(consent, pack)["Consent"][0])
    assert facts["sclerosant"] == "polidocanol 1%" and facts["sclerosant-form"] == "foam"
    actor = resources(consent, pack)["Consent"][0]["provision"]["actor"][0]
    assert actor["role"]["coding"][0]["code"] == "PRF"
    assert actor["reference"]["display"].startswith(SAMPLE_CLINICIAN[0])


def test_the_timeout_prints_who_was_present_and_the_side_confirmed(pack, worked) -> None:
    consent, audit = worked
    text = pdf_text(render(consent, pack, audit))
    nurse, nurse_id = SAMPLE_NURSE
    doctor, doctor_id = SAMPLE_CLINICIAN
    present = f"Present: {nurse} (nurse, ID {nurse_id}); {doctor} (clinician, ID {doctor_id})"
    assert squash(present) in squash(text)
    assert squash(f"Side confirmed aloud: {consent.site}") in squash(text)


def test_a_record_from_before_these_fields_loads_renders_and_claims_nothing_new(
    pack, worked
) -> None:
    consent, audit = worked
    old = consent.model_dump(mode="json")
    for key in ("treatment", "witness", "interpreter_answer"):
        old.pop(key)
    for q in old["questions"]:
        q.pop("item_id"), q.pop("answer")
    old["timeout"].pop("participants"), old["timeout"].pop("side")
    old["attestation"].pop("refusal")
    old["nurse_verification"]["signature"]["meaning"] = NURSE_VERIFIED_AND_WITNESSED
    loaded = Consent.model_validate_json(Consent.model_validate(old).model_dump_json())
    text = pdf_text(render(loaded, pack, audit))
    assert squash(NURSE_VERIFIED_AND_WITNESSED) in squash(text)  # as it was signed
    assert "Not witnessed" not in text and "Present:" not in text
    assert "Interpreter used (answered" not in text  # never recorded when the patient answered
    types = signature_types(resources(loaded, pack))
    assert types[NURSE_VERIFIED_AND_WITNESSED] == [VERIFICATION, WITNESS]

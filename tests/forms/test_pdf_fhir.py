"""The FHIR export carries the same facts as the PDF."""

from __future__ import annotations

import json

from pdf_helpers import CLINIC, T0, VALUES

from forms.fhir import consent_bundle, consent_bundle_json
from forms.meanings import CLINICIAN_ATTESTED, INTERPRETER_KEY, NURSE_VERIFIED, SIGNATURE_WITNESSED
from forms.synthetic import synthetic_consent
from language.i18n import t
from language.placeholders import fill


def _resources(bundle: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for entry in bundle["entry"]:
        out.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return out


def _items(group_list: list[dict]) -> list[dict]:
    found = []
    for item in group_list:
        found.append(item)
        found.extend(_items(item.get("item", [])))
    return found


def test_bundle_has_patient_consent_answers_and_signatures(pack, worked) -> None:
    consent, audit = worked
    bundle = consent_bundle(consent, pack, CLINIC, audit=audit)
    res = _resources(bundle)
    patient = res["Patient"][0]
    assert patient["name"][0]["text"] == "Zoë O'Brien-Łukasz"
    assert patient["birthDate"] == "1984-03-07"
    fhir_consent = res["Consent"][0]
    # Attested with no stop flag left open: active (forms/fhir_status.py).
    assert fhir_consent["status"] == "active" and fhir_consent["provision"]["type"] == "permit"
    assert fhir_consent["policy"][0]["uri"].endswith(pack.fingerprint)
    assert fhir_consent["provision"]["provision"][0]["type"] == "permit"  # photographs
    assert fhir_consent["verification"][0]["verified"] is True
    items = {i["linkId"]: i for i in _items(res["QuestionnaireResponse"][0]["item"])}
    for _section, item in pack.items():
        assert items[item.id]["text"] == fill(item.text, VALUES)
        answer = items[item.id]["answer"][0]
        assert answer["valueBoolean"] is True
        assert answer["extension"][0]["valueDateTime"].startswith("2026-11-23T14:")
    meanings = {p["reason"][0]["text"]: p["signature"][0]["when"] for p in res["Provenance"]}
    # The meanings the app records (forms.meanings), the interpreter's in the patient's language.
    assert set(meanings) == {
        "Patient consent to treatment",
        t(pack.language, INTERPRETER_KEY),
        NURSE_VERIFIED,
        SIGNATURE_WITNESSED,  # the nurse took the tablet back and said she saw the signing
        CLINICIAN_ATTESTED,
    }
    assert (
        meanings["Patient consent to treatment"] == consent.patient_signature.signed_at.isoformat()
    )
    assert [e["item"]["display"].split()[0] for e in res["List"][0]["entry"]] == [
        a.action for a in audit
    ]
    assert bundle["meta"]["tag"][0]["code"] == consent.sha256()


def test_refusal_is_a_deny_and_rejected(pack) -> None:
    consent, audit = synthetic_consent(pack, VALUES, T0, stage="declined")
    res = _resources(consent_bundle(consent, pack, CLINIC, audit=audit))
    assert res["Consent"][0]["status"] == "rejected"
    assert res["Consent"][0]["provision"]["type"] == "deny"
    assert "verification" not in res["Consent"][0]


def test_json_is_stable_and_has_no_empty_elements(pack, worked) -> None:
    consent, audit = worked
    text = consent_bundle_json(consent, pack, CLINIC, audit=audit)
    assert text == consent_bundle_json(consent, pack, CLINIC, audit=audit)
    assert '""' not in text and "[]" not in text and "{}" not in text and "null" not in text
    assert json.loads(text)["type"] == "transaction"

"""The QuestionnaireResponse of the FHIR export (forms/fhir.py), and the vocabulary both share.

Every pack item acknowledged with its time, screening answers with their flags and reviews,
questions for the doctor, the photograph answer, the nurse checklist, the time-out and the
attestation (the check of understanding has a QuestionnaireResponse of its own,
forms/fhir_understanding.py). Pure: no I/O, same input gives the same JSON.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from checklist.models import Pack
from forms.record_parts import DoctorQuestion
from forms.records import Consent
from language.placeholders import fill

EXT = "https://example.org/fhir/sclerotherapy-consent/StructureDefinition/"  # our extensions
PACK_SYSTEM = "urn:sclerotherapy-consent:pack"
ANSWER_SYSTEM = "urn:sclerotherapy-consent:answer"
FLAG_SYSTEM = "urn:sclerotherapy-consent:flag"
SITE_SYSTEM = "urn:sclerotherapy-consent:site"


def when(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="seconds")


def resource_uuid(consent_id: str, n: int) -> str:
    """Stable ids for the bundle's other resources, derived from the consent id."""
    return str(uuid.uuid5(uuid.UUID(consent_id), f"resource-{n}"))


def questionnaire_response(
    consent: Consent, pack: Pack, patient: dict, consent_ref: dict
) -> dict[str, Any]:
    values = consent.pack.placeholder_values
    acks = {a.item_id: a for a in consent.acknowledgements}
    groups: list[dict[str, Any]] = []
    for section in pack.sections:
        items = []
        for item in section.items:
            ack = acks.get(item.id)
            entry: dict[str, Any] = {"linkId": item.id, "text": fill(item.text, values)}
            if ack:
                entry["answer"] = [
                    {
                        "valueBoolean": True,
                        "extension": [
                            {
                                "url": f"{EXT}acknowledged-at",
                                "valueDateTime": when(ack.acknowledged_at),
                            },
                            {"url": f"{EXT}question-for-doctor", "valueBoolean": True}
                            if any(q.item_id == item.id for q in consent.questions)
                            else None,
                        ],
                    }
                ]
            items.append(entry)
        for q in consent.questions:
            if q.section_id == section.id:
                items.append(_question(q))
        groups.append({"linkId": section.id, "text": fill(section.title, values), "item": items})
    groups.append(_screening_group(consent, pack))
    if consent.photo_consent is not None:
        photo = pack.photo_consent
        groups.append(
            {
                "linkId": photo.id,
                "text": fill(photo.title, values),
                "item": [
                    {
                        "linkId": f"{photo.id}.answer",
                        "text": fill(photo.text, values),
                        "answer": [{"valueBoolean": consent.photo_consent}],
                    }
                ],
            }
        )
    if consent.interpreter_answer is not None:
        a = consent.interpreter_answer
        groups.append(
            {
                "linkId": "interpreter",
                "text": "Interpreter",
                "item": [
                    {
                        "linkId": "interpreter.used",
                        "text": "Did an interpreter help the patient?",
                        "answer": [
                            {
                                "valueBoolean": a.used,
                                "extension": [
                                    {
                                        "url": f"{EXT}answered-at",
                                        "valueDateTime": when(a.answered_at),
                                    }
                                ],
                            }
                        ],
                    }
                ],
            }
        )
    groups.extend(_staff_groups(consent, pack))
    ref = consent.pack
    return {
        "resourceType": "QuestionnaireResponse",
        "identifier": {
            "system": "urn:ietf:rfc:3986",
            "value": f"urn:uuid:{resource_uuid(str(consent.id), 2)}",
        },
        "questionnaire": f"{PACK_SYSTEM}:{ref.pack_id}|{ref.version}",
        "status": "completed" if consent.patient_signature else "in-progress",
        "subject": patient,
        "authored": when(
            consent.patient_signature.signed_at if consent.patient_signature else consent.updated_at
        ),
        "author": patient,
        "language": ref.language,
        "extension": [{"url": f"{EXT}consent", "valueReference": consent_ref}],
        "item": groups,
    }


def _screening_group(consent: Consent, pack: Pack) -> dict[str, Any]:
    answers = {a.question_id: a for a in consent.screening}
    items = []
    for q in pack.screening.questions:
        a = answers.get(q.id)
        entry: dict[str, Any] = {
            "linkId": q.id,
            "text": fill(q.text, consent.pack.placeholder_values),
        }
        if a:
            reviews = [r for r in consent.flag_reviews if r.question_id == q.id]
            entry["answer"] = [
                {
                    "valueCoding": {"system": ANSWER_SYSTEM, "code": a.answer.value},
                    "extension": [
                        {"url": f"{EXT}answered-at", "valueDateTime": when(a.answered_at)},
                        {
                            "url": f"{EXT}flag",
                            "valueCoding": {"system": FLAG_SYSTEM, "code": a.flag.value},
                        }
                        if a.flag
                        else None,
                        *(
                            {
                                "url": f"{EXT}flag-review",
                                "valueString": f"{r.decision} by {r.by_name} (ID {r.by_id}) at {when(r.at)}"
                                + (f": {r.note}" if r.note else ""),
                            }
                            for r in reviews
                        ),
                    ],
                }
            ]
        items.append(entry)
    return {"linkId": "screening", "text": pack.screening.title, "item": items}


def _staff_groups(consent: Consent, pack: Pack) -> list[dict[str, Any]]:
    groups = []
    v = consent.nurse_verification
    if v:
        texts = {i.id: i.text for i in pack.nurse_checklist}
        groups.append(
            {
                "linkId": "nurse_checklist",
                "text": "Nurse pre-procedure verification",
                "item": [
                    {
                        "linkId": a.item_id,
                        "text": texts.get(a.item_id, a.item_id),
                        "answer": [
                            {
                                "valueCoding": {"system": ANSWER_SYSTEM, "code": a.answer},
                                "extension": [
                                    {
                                        "url": f"{EXT}answered-by",
                                        "valueString": f"{a.answered_by} (ID {a.answered_by_id})",
                                    },
                                    {
                                        "url": f"{EXT}answered-at",
                                        "valueDateTime": when(a.answered_at),
                                    },
                                    {"url": f"{EXT}note", "valueString": a.note}
                                    if a.note
                                    else None,
                                ],
                            }
                        ],
                    }
                    for a in v.answers
                ],
            }
        )
    to = consent.timeout
    if to:
        texts = {i.id: i.text for i in pack.timeout}
        present = [
            {
                "valueString": f"{p.name} ({p.role}"
                + (f", ID {p.staff_id})" if p.staff_id is not None else ")")
            }
            for p in to.participants
        ]
        groups.append(
            {
                "linkId": "timeout",
                "text": f"Time-out performed at {when(to.performed_at)} by {to.by_name} (ID {to.by_id})",
                "item": [
                    *(
                        {
                            "linkId": item_id,
                            "text": texts.get(item_id, item_id),
                            "answer": [{"valueBoolean": True}],
                        }
                        for item_id in to.items
                    ),
                    {"linkId": "timeout.participants", "text": "Present", "answer": present}
                    if present
                    else None,
                    {
                        "linkId": "timeout.side",
                        "text": "Side confirmed aloud",
                        "answer": [{"valueCoding": {"system": SITE_SYSTEM, "code": to.side}}],
                    }
                    if to.side
                    else None,
                ],
            }
        )
    a = consent.attestation
    if a:
        groups.append(
            {
                "linkId": "attestation",
                "text": "Clinician countersignature of the refusal"
                if a.refusal
                else "Clinician attestation",
                "item": [
                    {
                        "linkId": "attestation.statement",
                        "text": a.statement,
                        "answer": [{"valueString": f"{a.clinician_name} (ID {a.clinician_id})"}],
                    }
                ],
            }
        )
    return groups


def _question(q: DoctorQuestion) -> dict[str, Any]:
    """A question where the patient asked it (its section, or one item), with the answer."""
    where = f"{q.section_id}.{q.item_id}" if q.item_id else q.section_id
    a = q.answer
    extension = [
        {"url": f"{EXT}asked-at", "valueDateTime": when(q.asked_at)},
        {"url": f"{EXT}about-item", "valueString": q.item_id} if q.item_id else None,
    ]
    if a is not None:
        extension += [
            {"url": f"{EXT}clinician-answer", "valueString": a.text},
            {"url": f"{EXT}answered-by", "valueString": f"{a.by_name} (ID {a.by_id})"},
            {"url": f"{EXT}answered-at", "valueDateTime": when(a.at)},
        ]
    else:
        extension.append({"url": f"{EXT}clinician-answer-missing", "valueBoolean": True})
    return {
        "linkId": f"{where}.question-for-doctor",
        "text": "Question for the doctor",
        "answer": [{"valueString": q.note or "(no note)", "extension": extension}],
    }

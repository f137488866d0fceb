"""The check of understanding (teach-back, issue #15) as a QuestionnaireResponse of its own in
the FHIR export (forms/fhir.py): each question answered, every attempt with the choice's code
and words, its time and whether it was right, where the question ended, and who cleared a
re-explain flag (name, role, when, note) as extensions. Pure: same input, same JSON.
"""

from __future__ import annotations

from typing import Any

from checklist import teach_back as tb
from checklist.models import Pack
from forms.fhir_answers import EXT, PACK_SYSTEM, resource_uuid, when
from forms.record_understanding import ReExplainClearance
from forms.records import Consent
from language.placeholders import fill

RESOURCE_N = 3  # its stable id: resource_uuid(consent id, 3)


def understanding_response(
    consent: Consent, pack: Pack, patient: dict, consent_ref: dict
) -> dict[str, Any] | None:
    """The check of understanding (teach-back, issue #15) as its own QuestionnaireResponse: one
    item per question answered (linkId = question id), every attempt as an answer (the choice's
    code and words, its time, whether it was right), where it ended, and for a re-explain flag
    who cleared it (name, role, when, note) or that nobody has yet. None without results."""
    if not consent.teach_back:
        return None
    values, ref = consent.pack.placeholder_values, consent.pack
    items = []
    for result in consent.teach_back:
        q = pack.teach_back_question(result.question_id)  # the pinned pack (check_pack)
        system = f"{PACK_SYSTEM}:{ref.pack_id}:teach-back:{q.id}"
        words = {c.id: fill(c.text, values) for c in q.choices}
        cleared = consent.clearance(q.id)
        items.append(
            {
                "linkId": q.id,
                "text": fill(q.question, values),
                "extension": [
                    {"url": f"{EXT}teach-back-topic", "valueString": fill(q.topic, values)},
                    {"url": f"{EXT}teach-back-outcome", "valueCode": result.outcome.value},
                    {"url": f"{EXT}first-time-right", "valueBoolean": result.first_time_right},
                    _clearance(cleared) if cleared else None,
                    {"url": f"{EXT}re-explain-open", "valueBoolean": True}
                    if result.re_explain and cleared is None
                    else None,
                ],
                "answer": [
                    {
                        "valueCoding": {
                            "system": system,
                            "code": a.choice,
                            "display": words.get(a.choice, a.choice),
                        },
                        "extension": [
                            {"url": f"{EXT}attempt", "valueInteger": n},
                            {"url": f"{EXT}answered-at", "valueDateTime": when(a.at)},
                            {"url": f"{EXT}answer-right", "valueBoolean": a.right},
                        ],
                    }
                    for n, a in enumerate(result.attempts, start=1)
                ],
            }
        )
    answered = {r.question_id: r for r in consent.teach_back}
    finished = all(q.id in answered and tb.ended(answered[q.id].outcome) for q in pack.teach_back)
    last = max(a.at for r in consent.teach_back for a in r.attempts)
    return {
        "resourceType": "QuestionnaireResponse",
        "identifier": {
            "system": "urn:ietf:rfc:3986",
            "value": f"urn:uuid:{resource_uuid(str(consent.id), RESOURCE_N)}",
        },
        "questionnaire": f"{PACK_SYSTEM}:{ref.pack_id}:teach-back|{ref.version}",
        # Stopped: the patient signed (a refusal) before every check was done.
        "status": "completed"
        if finished
        else ("stopped" if consent.patient_signature else "in-progress"),
        "subject": patient,
        "authored": when(last),
        "author": patient,
        "language": ref.language,
        "extension": [{"url": f"{EXT}consent", "valueReference": consent_ref}],
        "item": items,
    }


def _clearance(c: ReExplainClearance) -> dict[str, Any]:
    """Who went over a re-explain flag again with the patient, as what, when, and their note."""
    return {
        "url": f"{EXT}re-explain-cleared",
        "extension": [
            {"url": "by", "valueString": f"{c.by_name} (ID {c.by_id})"},
            {"url": "role", "valueCode": c.by_role},
            {"url": "at", "valueDateTime": when(c.at)},
            {"url": "note", "valueString": c.note},
        ],
    }

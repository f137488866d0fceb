"""A record's SHA-256 survives the releases that add fields to it: a document sealed by an
earlier release still names the unchanged record (what ``cli.py check-all`` compares).

The fixture is a synthetic consent made by the code before issue #14 (commit 0321b0b~1), as it
was then stored and hashed: without the course fields (kind, course, visit_of, replaces,
sign_out) or the check of understanding (teach_back, re_explained)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from forms.records import Consent

BEFORE_COURSES = Path(__file__).parent / "data" / "record_before_courses.json"


def _sha(data: dict) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_a_record_sealed_before_the_course_fields_still_names_its_hash() -> None:
    saved = json.loads(BEFORE_COURSES.read_text(encoding="utf-8"))
    assert _sha(saved["record"]) == saved["sha256"]  # the fixture is what that release hashed
    consent = Consent.model_validate(saved["record"])
    assert consent.kind == "consent" and consent.teach_back == []
    assert saved["sha256"] in consent.known_sha256s()
    assert saved["sha256"] != consent.sha256()  # today's form names the course fields


def test_a_record_signed_before_the_check_of_understanding_keeps_its_hash() -> None:
    consent = Consent.model_validate(json.loads(BEFORE_COURSES.read_text())["record"])
    as_issue_14_hashed = consent.model_dump(mode="json")
    del as_issue_14_hashed["teach_back"], as_issue_14_hashed["re_explained"]
    assert consent.sha256() == _sha(as_issue_14_hashed)


def test_a_changed_record_matches_none_of_its_earlier_hashes() -> None:
    saved = json.loads(BEFORE_COURSES.read_text())
    consent = Consent.model_validate(saved["record"])
    changed = consent.model_copy(update={"site": "right_leg"})
    assert saved["sha256"] not in changed.known_sha256s()
    assert consent.known_sha256s().isdisjoint(changed.known_sha256s())

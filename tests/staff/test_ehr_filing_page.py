"""Issue #16 on the filing screen: the front desk downloads the consent for the EHR (FHIR) beside
its PDF, audited like the PDF download, and, when the clinic has an EHR endpoint, sends it there:
one transaction per press, a repeat that creates nothing new, and an unreachable EHR told in
words with nothing marked sent. AppTest on the real page; the EHR is tests/fhir_endpoint.py."""

from __future__ import annotations

import socket
from typing import ClassVar

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir_endpoint import FhirEndpoint
from page_helpers import assert_no_exception, click, ready_to_file, signed_in, texts
from staff_helpers import point_document_at
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import app_test

from accounts.staff import Role
from services import ehr_files, ehr_push

FHIR_BUTTON = "Download for the EHR (FHIR)"
SEND = "Send to EHR"
NOT_SENT = "Not sent to the EHR yet"


class _KeptMedia(MediaFileManager):
    """AppTest's media store, kept so a test can read what a download button hands out."""

    made: ClassVar[list[MediaFileManager]] = []

    def __init__(self, storage) -> None:  # type: ignore[no-untyped-def]
        super().__init__(storage)
        _KeptMedia.made.append(self)


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> list[MediaFileManager]:
    _KeptMedia.made = []
    monkeypatch.setattr(app_test, "MediaFileManager", _KeptMedia)
    return _KeptMedia.made


def _offered(media: list[MediaFileManager], button):
    """What a download button hands the browser (content, mimetype, filename), from the last
    run's media store."""
    file_id = button.proto.url.rsplit("/", 1)[-1].split(".")[0]
    return media[-1]._storage.get_file(file_id)


def _button(at, label: str):
    [found] = [b for b in at.get("download_button") if b.proto.label == label]
    return found


def _filing(request: pytest.FixtureRequest, monkeypatch, base_url: str | None = None):
    """A consent ready to file, and the front desk signed in on the filing screen."""
    if base_url is not None:
        monkeypatch.setenv("CONSENT_FHIR_BASE_URL", base_url)
    ctx = request.getfixturevalue("app_ctx")  # built after the setting, as the app reads it
    consent = ready_to_file(ctx)
    at = signed_in(ctx, Role.FRONT_DESK)
    assert_no_exception(at)
    return ctx, consent, at


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_front_desk_downloads_the_fhir_bundle_beside_the_pdf(request, monkeypatch, media):
    ctx, consent, at = _filing(request, monkeypatch)
    assert SEND not in [b.label for b in at.button]  # no EHR endpoint set: nothing to send to
    click(at, "Get the sealed PDF")
    click(at, FHIR_BUTTON)
    assert_no_exception(at)
    pdf = _offered(media, _button(at, "Download PDF (final)"))
    fhir = _offered(media, _button(at, "Save the FHIR file"))
    assert fhir.filename == pdf.filename.removesuffix(".pdf") + "-fhir.json"
    assert "Testperson" not in fhir.filename  # the PDF's name has none, nor has this
    assert fhir.mimetype == "application/fhir+json"
    bundle = Bundle.model_validate_json(fhir.content)
    assert bundle.type == "transaction"
    types = {e.resource.get_resource_type() for e in bundle.entry}
    assert {"Patient", "Consent", "DocumentReference"} <= types
    with ctx.database.uow() as uow:
        [event] = uow.audit.query(action="fhir.exported")
        user = uow.users.by_username("fran")
    assert (event.actor_id, event.actor_role, event.consent_id) == (
        str(user.id),
        "front_desk",
        str(consent.id),
    )


def test_send_to_ehr_sends_once_per_press_and_a_repeat_files_nothing_new(request, monkeypatch):
    with FhirEndpoint() as ehr:
        _ctx, _consent, at = _filing(request, monkeypatch, ehr.url)
        assert NOT_SENT in texts(at)
        click(at, SEND)
        assert_no_exception(at)
        assert len(ehr.received) == 1
        said = texts(at)
        assert "Sent to the EHR at" in said and NOT_SENT not in said
        assert "Last sent to the EHR at" in said and "Fran Front" in said
        created = ehr.created
        assert created > 0
        at.run()  # an unrelated rerun (any other tap) sends nothing
        assert len(ehr.received) == 1
        click(at, SEND)  # a deliberate second press: the same identifiers, nothing new filed
        assert len(ehr.received) == 2 and ehr.created == created
        assert "Sent to the EHR at" in texts(at)


def test_an_unreachable_ehr_is_told_in_words_and_nothing_is_marked_sent(request, monkeypatch):
    monkeypatch.setattr(ehr_push, "BACKOFF", (0.0, 0.0))  # still three tries, without the waits
    ctx, consent, at = _filing(request, monkeypatch, f"http://127.0.0.1:{_closed_port()}/fhir")
    click(at, SEND)
    assert_no_exception(at)
    assert [e.value for e in at.error] == [ehr_push.WORDS["unreachable"]]
    said = texts(at)
    assert "Traceback" not in said and "Sent to the EHR at" not in said
    assert NOT_SENT in said
    assert ehr_push.last_sent(ctx, consent.id) is None
    with ctx.database.uow() as uow:
        assert uow.audit.query(action="fhir.sent") == []
        [failed] = uow.audit.query(action="fhir.send_failed")
    assert failed.new["problem"] == "unreachable"


def test_a_refused_document_gives_no_fhir_file_and_the_refusal_is_audited(ctx, team, make_consent):

    from services.documents import DocumentRefused

    a, b = make_consent(legal_name="Astrid Alpha"), make_consent(legal_name="Bruno Beta")
    with ctx.database.uow() as uow:
        b_doc = uow.documents.latest(b.id, "submitted")
    point_document_at(ctx, b_doc.id, a.id)  # B's genuine document pointed at consent A
    with pytest.raises(DocumentRefused, match="different consent record"):
        ehr_files.download_fhir(ctx, team[Role.FRONT_DESK], a.id)
    with ctx.database.uow() as uow:
        events = [e for e in uow.audit.for_consent(str(a.id)) if e.action == "fhir.exported"]
    assert [(e.new["served"], e.new["problem"]) for e in events] == [(False, "other_consent")]
    assert events[0].actor_id == str(team[Role.FRONT_DESK].id)
    with pytest.raises(DocumentRefused, match="No document has been issued"):  # B has none left
        ehr_files.download_fhir(ctx, team[Role.NURSE], b.id)

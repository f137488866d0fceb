from store_builders import make_consent, fake_pdf, T0
def test_roundtrip(db):
    c = make_consent()
    with db.uow() as uow:
        uow.consents.add(c, draft_token="tok")
        uow.documents.add(c.id, "submitted", fake_pdf(), T0)
        uow.audit.append(at=T0, actor_id="patient", actor_role="patient", action="consent.submitted", consent_id=c.id, new={"status": "submitted"})
        uow.commit()
    with db.uow() as uow:
        got = uow.consents.get(c.id)
        assert got == c
        assert uow.audit.check_chain().ok
        assert uow.documents.latest(c.id).pdf == fake_pdf()

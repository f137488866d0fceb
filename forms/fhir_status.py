"""What a consent's state means in FHIR R4: the one mapping the bundle, the EHR push and the
tests use (issue #16).

A Consent is ``active`` only once a clinician attested it with no stop flag left open; until
then it is ``proposed`` (waiting for staff). A signed refusal is ``rejected``, a held one
``inactive``, a record entered in error ``entered-in-error``, a draft ``draft``. Its documents
are ``current`` (the document of record), ``superseded`` (an earlier document of the same
consent) or, with the record, ``entered-in-error``.
"""

from __future__ import annotations

from forms.records import Consent, Status

ATTESTED = frozenset({Status.ATTESTED, Status.FILED})
WAITING_FOR_STAFF = frozenset({Status.SUBMITTED, Status.VERIFIED})


def consent_status(consent: Consent) -> str:
    """The FHIR ``Consent.status`` code of this record as it stands."""
    if consent.status is Status.ENTERED_IN_ERROR:
        return "entered-in-error"
    if consent.status is Status.DRAFT:
        return "draft"
    if consent.on_hold:
        return "inactive"
    if consent.status is Status.DECLINED:
        return "rejected"
    if consent.status in ATTESTED and not consent.open_stop_flags():
        return "active"
    return "proposed"


def document_status(consent: Consent, *, of_record: bool) -> str:
    """``DocumentReference.status`` of one of the consent's sealed documents."""
    if consent.status is Status.ENTERED_IN_ERROR:
        return "entered-in-error"
    return "current" if of_record else "superseded"

"""The consent's status machine: its statuses, the clinic's words for them, and the one table of
the moves allowed between them. Pure. ``forms.records`` re-exports every name here, and each
staff step (a method of the record) asks this table before it changes anything.
"""

from __future__ import annotations

from enum import StrEnum

from errors import IllegalTransition


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # patient signed
    VERIFIED = "verified"  # nurse witnessed and checked
    ATTESTED = "attested"  # clinician attested
    FILED = "filed"  # front desk filed it in the chart
    DECLINED = "declined"  # informed refusal, signed
    ENTERED_IN_ERROR = "entered_in_error"


# The clinic's words for each status: the queue's badges and every refusal below use these.
STATUS_LABELS: dict[Status, str] = {
    Status.DRAFT: "In progress",
    Status.SUBMITTED: "Signed, to verify",
    Status.VERIFIED: "Verified, to attest",
    Status.ATTESTED: "Attested",
    Status.FILED: "Filed",
    Status.DECLINED: "Refused (signed)",
    Status.ENTERED_IN_ERROR: "Entered in error",
}

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.DECLINED, Status.ENTERED_IN_ERROR}),
    Status.SUBMITTED: frozenset({Status.VERIFIED, Status.ENTERED_IN_ERROR}),
    Status.VERIFIED: frozenset({Status.ATTESTED, Status.ENTERED_IN_ERROR}),
    Status.ATTESTED: frozenset({Status.FILED, Status.ENTERED_IN_ERROR}),
    Status.DECLINED: frozenset({Status.FILED, Status.ENTERED_IN_ERROR}),
    Status.FILED: frozenset({Status.ENTERED_IN_ERROR}),
    Status.ENTERED_IN_ERROR: frozenset(),
}

_WHY_NOT: dict[Status, str] = {
    Status.SUBMITTED: "the patient must sign a draft consent first",
    Status.VERIFIED: "a nurse can only verify a consent the patient has signed",
    Status.ATTESTED: "a clinician can only attest a consent a nurse has verified",
    Status.FILED: "only an attested consent or a signed refusal can be filed",
    Status.DECLINED: "only a consent still being filled in can be declined",
    Status.ENTERED_IN_ERROR: "this consent is already marked entered in error",
}


def status_words(status: Status) -> str:
    """A status inside a sentence ("This consent is verified, to attest")."""
    return STATUS_LABELS[status].lower()


def check_transition(current: Status, new: Status) -> None:
    if new not in TRANSITIONS[current]:
        raise IllegalTransition(
            f"This consent is {status_words(current)}: {_WHY_NOT.get(new, 'not allowed')}."
        )


def _reach(status: Status) -> set[Status]:
    return {status}.union(*(_reach(later) for later in TRANSITIONS[status]))  # no cycles


def _on_the_way(first: Status, last: Status) -> frozenset[Status]:
    """The statuses a consent passes through from ``first`` until it reaches ``last`` (not
    included), read from the table, so the steps that change no status follow it too."""
    return frozenset(s for s in _reach(first) if s is not last and last in _reach(s))


FLAGS_REVIEWABLE = _on_the_way(Status.SUBMITTED, Status.ATTESTED)  # until a clinician attests
HOLDABLE = _on_the_way(Status.SUBMITTED, Status.FILED)  # signed, not yet filed
TIMEOUT_WINDOW = _on_the_way(Status.VERIFIED, Status.FILED)  # verified, not yet filed

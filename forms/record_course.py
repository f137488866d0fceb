"""The course and the sign-out as parts of the consent record: whether this record is a course's
consent or one of its visits, what it replaces, and the procedure sign-out with its rules
(``CourseSteps``, mixed into ``forms.records.Consent``). Pure: no Streamlit, no SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

from errors import DomainError
from forms.course import CourseTerms, Replacement, VisitOf
from forms.meanings import SIGN_OUT_COSIGNED, SIGN_OUT_SIGNED
from forms.record_care import CareSteps, short_enough
from forms.record_parts import Signature, SignerRole
from forms.sign_out import Check, SignOut, SignOutEntry
from forms.status import Status, status_words
from language.i18n import REFERENCE, catalog, t

if TYPE_CHECKING:
    from forms.record_parts import TimeOut

Kind = Literal["consent", "visit"]
# While a sign-out may be entered: the nurse has verified and the procedure is not filed.
SIGN_OUT_OPEN = frozenset({Status.VERIFIED, Status.ATTESTED})


class CourseSteps(CareSteps):
    kind: Kind = "consent"  # a full consent, or a later session's visit re-confirmation
    course: CourseTerms | None = None  # a signed consent's course (None before courses)
    visit_of: VisitOf | None = None  # a visit: the course consent it continues
    replaces: Replacement | None = None  # a re-consent: the course consent it replaces
    sign_out: SignOut | None = None

    if TYPE_CHECKING:  # the consent's own fields, declared in forms.records.Consent
        site: str
        on_hold: str | None
        timeout: TimeOut | None

    @property
    def is_visit(self) -> bool:
        return self.kind == "visit"

    # --- sign-out ----------------------------------------------------------------------------
    @property
    def awaits_sign_out(self) -> bool:
        """After the time-out, before filing: the procedure's sign-out is not signed yet (the
        queue says so; filing waits for it)."""
        return (
            self.status in SIGN_OUT_OPEN
            and self.timeout is not None
            and not (self.sign_out is not None and self.sign_out.signed)
        )

    def sign_out_check(self, entry: SignOutEntry, today: dt.date) -> Check:
        return Check(
            errors=entry.errors(site=self.site, today=today),
            problems=entry.problems(site=self.site, today=today),
        )

    def check_sign_out_entry(self) -> None:
        """May the sign-out be entered (or corrected) now?"""
        if self.status is Status.DECLINED:
            raise DomainError("A signed refusal has no procedure to sign out.")
        if self.sign_out is not None and self.sign_out.signed:
            raise DomainError(
                f"{self.sign_out.clinician_name} has already signed the sign-out; it cannot be "
                "changed."
            )
        if self.status not in SIGN_OUT_OPEN:
            raise DomainError(
                f"This {self._noun()} is {status_words(self.status)}: the sign-out is recorded "
                "after the nurse's verification and the time-out."
            )
        if self.timeout is None:
            raise DomainError("Record the time-out first: the sign-out comes after the procedure.")
        if self.on_hold:
            raise DomainError(
                f"This {self._noun()} is on hold ({self.on_hold}). A clinician must release it "
                "first."
            )

    def enter_sign_out(
        self,
        entry: SignOutEntry,
        *,
        by_id: int,
        by_name: str,
        role: Literal["nurse", "clinician"],
        now: dt.datetime,
    ) -> SignOut:
        """Save the sign-out's fields (a nurse's entry waits for the clinician's co-signature);
        a later entry replaces an unsigned one."""
        self.check_sign_out_entry()
        errors = entry.errors(site=self.site, today=now.date())
        if errors:
            raise DomainError(_words(errors))
        self.sign_out = SignOut(
            entry=entry,
            entered_by_id=by_id,
            entered_by_name=by_name,
            entered_role=role,
            entered_at=now,
        )
        self.updated_at = now
        return self.sign_out

    def check_sign_sign_out(self, justifications: Mapping[str, str], today: dt.date) -> None:
        """May the clinician sign the sign-out entered, with these reasons? Asked before the
        password is checked."""
        self.check_sign_out_entry()
        if self.sign_out is None:
            raise DomainError("Enter the sign-out's fields first.")
        if self.status is not Status.ATTESTED:
            raise DomainError(
                f"A clinician attests the {self._noun()} before the procedure; attest it first, "
                "then sign the sign-out."
            )
        check = self.sign_out_check(self.sign_out.entry, today)
        if check.errors:
            raise DomainError(_words(check.errors))
        reasons = {k: (v or "").strip() for k, v in justifications.items()}
        unjustified = [p for p in check.problems if not reasons.get(p)]
        if unjustified:
            raise DomainError(
                "Correct these, or give your reason for each, before signing: "
                + "; ".join(problem_words(p) for p in unjustified)
                + "."
            )
        for reason in reasons.values():
            short_enough(reason)

    def sign_sign_out(
        self,
        justifications: Mapping[str, str],
        *,
        by_id: int,
        by_name: str,
        device_id: str | None,
        now: dt.datetime,
    ) -> SignOut:
        """The clinician signs the sign-out (co-signs a nurse's entry); the record keeps each
        problem found at signing with the clinician's reason for it."""
        self.check_sign_sign_out(justifications, now.date())
        assert self.sign_out is not None
        problems = self.sign_out_check(self.sign_out.entry, now.date()).problems
        cosign = self.sign_out.entered_role == "nurse"
        self.sign_out = self.sign_out.model_copy(
            update={
                "problems_at_signing": problems,
                "justifications": {p: justifications[p].strip() for p in problems},
                "clinician_id": by_id,
                "clinician_name": by_name,
                "signed_at": now,
                "signature": Signature.by_staff(
                    SignerRole.CLINICIAN,
                    by_name,
                    by_id,
                    device_id,
                    now,
                    meaning=SIGN_OUT_COSIGNED if cosign else SIGN_OUT_SIGNED,
                ),
            }
        )
        SignOut.model_validate(self.sign_out.model_dump())  # the copy skipped validation
        self.updated_at = now
        return self.sign_out

    def _noun(self) -> str:
        return "visit" if self.is_visit else "consent"


def problem_words(code: str, lang: str = REFERENCE) -> str:
    """A problem or error code in the clinic's words (``care.problem.<code>`` in the catalog):
    the staff screens, the refusals here and the PDF's sign-out block all say it this way."""
    key = f"care.problem.{code}"
    return t(lang, key) if key in catalog(REFERENCE) else code


def _words(codes: list[str]) -> str:
    return "Correct this first: " + "; ".join(problem_words(c) for c in codes) + "."

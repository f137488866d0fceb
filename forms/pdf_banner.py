"""A signed consent's standing (entered in error, on hold, hold released) as the document shows it.

A change of standing issues a new sealed document (``services.staff``); that document carries a
band under the header of every page saying what happened, why, who did it and when. The band is
read from the record and its audit trail, the two inputs every rendering already has, so the same
record renders the same band again: the reason from the record (``error_reason``, ``on_hold``),
who and when from the audit event of the change. ``document_type`` names the document (consent
or refusal, and its standing) in the file name, the manifest and the issue's audit event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from forms.pdf_layout import OK_GREEN, PT, REVIEW_AMBER, STOP_RED, Color, Layout
from forms.record_parts import AuditEntry
from forms.records import Consent, Status


class Standing(StrEnum):
    ENTERED_IN_ERROR = "entered_in_error"
    ON_HOLD = "on_hold"
    RELEASED = "released"


# The audit action of each change of standing (services.staff writes them).
ACTIONS = {
    Standing.ENTERED_IN_ERROR: "consent.entered_in_error",
    Standing.ON_HOLD: "consent.held",
    Standing.RELEASED: "consent.released",
}
COLORS: dict[Standing, Color] = {
    Standing.ENTERED_IN_ERROR: STOP_RED,
    Standing.ON_HOLD: REVIEW_AMBER,
    Standing.RELEASED: OK_GREEN,
}
BAND_TOP = 21.5  # just below the header's rule
BAND_LINES_AFTER_PAGE_ONE = 2  # page 1 prints the whole text; later pages a two-line reminder


@dataclass(frozen=True)
class Banner:
    """What happened to the consent's standing, why, who did it and when."""

    standing: Standing
    reason: str  # the hold's or the error's reason; empty for a release
    by: str  # as the evidence page names the actor ("Dr Lee (#3)"); empty if not in the audit
    at: dt.datetime | None


ISSUED = "document.issued"


def banner_of(consent: Consent, audit: Sequence[AuditEntry]) -> Banner | None:
    """The band a document of ``consent`` carries, or None for a consent in good standing.

    Entered in error and on hold last as long as the record says so; a release is shown on the
    document the release issued (the first one issued after it), not on later ones.
    """

    def last(standing: Standing) -> AuditEntry | None:
        return next((e for e in reversed(audit) if e.action == ACTIONS[standing]), None)

    def banner(standing: Standing, reason: str, event: AuditEntry | None) -> Banner:
        return Banner(standing, reason, event.actor if event else "", event.at if event else None)

    if consent.status is Status.ENTERED_IN_ERROR:
        return banner(
            Standing.ENTERED_IN_ERROR, consent.error_reason or "", last(Standing.ENTERED_IN_ERROR)
        )
    if consent.on_hold:
        return banner(Standing.ON_HOLD, consent.on_hold, last(Standing.ON_HOLD))
    for event in reversed(audit):
        if event.action == ISSUED:  # a document since the last release: it carried the band
            return None
        if event.action == ACTIONS[Standing.RELEASED]:
            return banner(Standing.RELEASED, "", event)
    return None


def document_type(consent: Consent, banner: Banner | None) -> str:
    """A code naming the document: ``consent``, ``refusal`` or a course's ``visit`` (a refusal
    at a visit: ``visit-refusal``), then its standing if any (``consent-entered-in-error``,
    ``refusal-on-hold``, ``visit-released``)."""
    kind = "refusal" if consent.decision == "decline" else "consent"
    if consent.is_visit:
        kind = "visit-refusal" if kind == "refusal" else "visit"
    if banner is None:
        return kind
    return f"{kind}-{banner.standing.value.replace('_', '-')}"


def banner_text(
    banner: Banner, st: Callable[..., str], when: Callable[[dt.datetime | None], str]
) -> str:
    """The band's words in the clinic's language (``st`` looks up pdf.staff.* keys)."""
    who = banner.by or st("pdf.staff.banner.nobody")
    reason = banner.reason or st("pdf.staff.no_reason")
    return st(
        f"pdf.staff.banner.{banner.standing.value}", reason=reason, who=who, time=when(banner.at)
    )


def draw_band(pdf: Layout, text: str, color: Color, *, continued: str = "") -> float:
    """A filled band in ``color`` with the text in white bold across the page, under the header;
    returns the y where the page's content may start. With ``continued`` (pages after the
    first) the text is cut to two lines, the second ending in ``continued``."""
    size, pad = 8.5, 1.6
    line_h = size * 1.25 * PT
    width = pdf.width - 2 * 2.5
    pdf.font(size, True, (255, 255, 255))
    lines = pdf.wrap(text, width)
    if continued and len(lines) > BAND_LINES_AFTER_PAGE_ONE:
        lines = lines[:BAND_LINES_AFTER_PAGE_ONE]
        tail = f" … {continued}"
        last = lines[-1]
        while last and pdf.measure(last + tail) > width:
            last = last[:-1].rstrip()
        lines[-1] = last + tail
    h = len(lines) * line_h + 2 * pad
    pdf.set_fill_color(*color)
    pdf.rect(pdf.l_margin, BAND_TOP, pdf.width, h, style="F")
    y = BAND_TOP + pad
    for line in lines:
        pdf.put(pdf.l_margin + 2.5, y + size * 0.95 * PT, line)
        y += line_h
    return BAND_TOP + h + 3.0

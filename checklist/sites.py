"""The treatment site: stored as a code, shown in the reader's words.

Codes are stored, words are rendered: the draft and the consent record keep ``left_leg``,
``right_leg`` or ``both_legs``; every screen and document turns the code into the patient's or the
clinic's language here, from the message catalog's ``patient.site.<code>`` keys.
"""

from __future__ import annotations

from language.i18n import t

SITE_CHOICES: tuple[str, ...] = ("left_leg", "right_leg", "both_legs")


def site_label(site: str, lang: str) -> str:
    """``site`` in ``lang``'s words; anything that is not a known code is shown as recorded.

    New records hold a code (services.consent refuses anything else). A consent stored before
    codes held words: migration 0002 turned the catalog's own labels into codes, so what is left
    is a staff member's free text ("Left leg, below knee"), kept and shown as it was recorded,
    never guessed into a code."""
    return t(lang, f"patient.site.{site}") if site in SITE_CHOICES else site

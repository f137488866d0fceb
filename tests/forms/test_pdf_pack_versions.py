"""A consent signed on content 1.0.0 re-renders from 1.0.0, byte for byte, now that newer versions
are the default; the frequency band reads the same on paper as on the tablet (issue #12 points 11, 12)."""

from __future__ import annotations

import pytest
from pdf_helpers import CLINIC, T0, pdf_text

from checklist.models import Pack
from forms.pdf import render_consent_pdf
from forms.synthetic import synthetic_consent
from language.i18n import t
from language.placeholders import fill
from settings import get_settings


def _record_pack(library, consent) -> Pack:
    """The pack a stored record names, looked up as services.documents does."""
    ref = consent.pack
    return library.get(ref.pack_id, ref.version, ref.language)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_1_0_0_record_re_renders_byte_identical_from_1_0_0(shipped_library, lang) -> None:
    values = get_settings().placeholder_values
    assert shipped_library.active("sclerotherapy", lang).version == "1.3.0"  # the newest
    old = shipped_library.get("sclerotherapy", "1.0.0", lang)
    consent, audit = synthetic_consent(old, values, T0, stage="signed")
    assert consent.pack.version == "1.0.0"

    first = render_consent_pdf(consent, _record_pack(shipped_library, consent), CLINIC, T0, audit)
    # A document on the newest content in between: nothing of the newer pack leaks into the older record.
    new = shipped_library.active("sclerotherapy", lang)
    newer, newer_audit = synthetic_consent(new, values, T0, stage="signed", seed=3)
    render_consent_pdf(newer, new, CLINIC, T0, newer_audit)
    again = render_consent_pdf(consent, _record_pack(shipped_library, consent), CLINIC, T0, audit)
    assert again == first

    text = pdf_text(first)
    for _section, item in old.items():
        assert " ".join(fill(item.text, values).split()) in text, item.id
    only_new = {i.id for _, i in new.items()} - {i.id for _, i in old.items()}
    assert {"alt.untreated", "alt.surgery", "risk.chest", "after.travel"} <= only_new
    for _section, item in new.items():
        if item.id in only_new:
            assert " ".join(fill(item.text, values).split()) not in text, item.id


@pytest.mark.parametrize("lang", ["en", "es"])
def test_frequency_band_reads_as_on_the_tablet(shipped_library, lang) -> None:
    values = get_settings().placeholder_values
    pack = shipped_library.active("sclerotherapy", lang)
    consent, audit = synthetic_consent(pack, values, T0, stage="signed")
    text = pdf_text(render_consent_pdf(consent, pack, CLINIC, T0, audit))
    bands = {i.frequency for _, i in pack.items() if i.frequency is not None}
    assert len(bands) >= 4
    for band in bands:
        assert t(lang, f"patient.frequency.{band.value}") in text, band
    assert "in every" not in text and "de 1 a 10" not in text  # the PDF's old, second wording

"""The fonts and the first document are prepared at server start, not on the first signature."""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Iterator

import pytest
from pypdf import PdfReader

import services.context as context_module
from forms import pdf_fonts
from forms.pdf import render_consent_pdf
from forms.synthetic import synthetic_consent
from services.context import AppContext, build_context, warm_documents
from settings import get_settings

T0 = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)


@pytest.fixture
def ctx(prepared_data_dir) -> Iterator[AppContext]:  # type: ignore[no-untyped-def]
    context = build_context(get_settings())
    yield context
    context.database.dispose()


def test_after_the_warm_up_the_first_document_prepares_no_font(ctx: AppContext) -> None:
    pdf_fonts._faces.cache_clear()  # as a server process starts: nothing prepared yet
    pdf_fonts.full_codepoints.cache_clear()
    warm_documents(ctx)
    assert pdf_fonts._faces.cache_info().currsize >= 1  # the shared faces are kept
    built = pdf_fonts._faces.cache_info().misses, pdf_fonts.full_codepoints.cache_info().misses
    pack = ctx.library.active("sclerotherapy", "en")
    consent, audit = synthetic_consent(
        pack, ctx.settings.placeholder_values, T0, patient_name="Nguyễn Thị Hương", seed=3
    )
    pdf = render_consent_pdf(consent, pack, ctx.clinic, T0, audit, ctx.sealer.describe())
    after = pdf_fonts._faces.cache_info().misses, pdf_fonts.full_codepoints.cache_info().misses
    assert after == built  # the patient's document reused what the start prepared
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages[:2])
    assert "Nguyễn Thị Hương" in text


def test_a_server_context_starts_the_warm_up_in_the_background(
    prepared_data_dir, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    started = threading.Event()
    seen: list[str] = []

    def fake(ctx: AppContext) -> None:
        seen.append(threading.current_thread().name)
        started.set()

    monkeypatch.setattr(context_module, "warm_documents", fake)
    ctx = build_context(get_settings(), warm_pdf_fonts=True)  # as ui/resources.py does
    try:
        assert started.wait(5)
        assert seen == ["pdf-warm-up"]  # its own thread: the first page does not wait for it
    finally:
        ctx.database.dispose()

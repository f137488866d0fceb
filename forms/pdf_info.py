"""The document information dictionary (/Info) of a consent PDF, beside its XMP metadata.

fpdf2 leaves /Info out of a PDF/A file and writes XMP only; PDF/A-2 allows /Info where it says
what the XMP says, and viewers and file managers show its Title. ``WithDocInfo`` is fpdf2's own
output with the compliance flag lifted around the one step that adds the dictionary (right after
the XMP, before encryption), so every other step still enforces PDF/A. The caller sets the same
title, subject, author, keywords, creator and producer as its XMP (``forms.pdf``).
"""

from __future__ import annotations

from typing import Any

from fpdf.output import OutputProducer


class WithDocInfo(OutputProducer):
    def _add_xmp_metadata(self) -> Any:
        xmp = super()._add_xmp_metadata()
        self._pdfa, self.fpdf._compliance = self.fpdf._compliance, None
        return xmp

    def _add_encryption(self) -> Any:
        self.fpdf._compliance = self._pdfa
        return super()._add_encryption()

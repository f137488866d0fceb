"""Every CSV the app writes (the day export's manifest, the audit trail) goes through here, so a
cell a spreadsheet would run as a formula arrives as text.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel, LibreOffice and Google Sheets (``=HYPERLINK("http://...")`` in a chart reference, a
name or a hold reason). As OWASP advises, such a cell gets a single quote in front: the
spreadsheet shows the text as typed and runs nothing. Text that merely looks like a negative
number ("-5") is quoted too; the numbers we write ourselves (ints, floats) are left as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """``value`` as a CSV cell that no spreadsheet runs as a formula."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        text = "" if value is None else str(value)
        return "'" + text if text.startswith(FORMULA_START) else text
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 CSV of ``header`` and ``rows``, every cell through ``spreadsheet_safe``."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([spreadsheet_safe(h) for h in header])
    for row in rows:
        writer.writerow([spreadsheet_safe(v) for v in row])
    return out.getvalue().encode("utf-8")

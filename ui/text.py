"""Words someone typed, shown as typed on every screen.

One helper for every user-typed text (patient names and notes, the interpreter's name, staff
notes, reasons, chart references): Markdown and HTML characters are escaped, so a note such as
``![](http://...)`` shows literally and never makes the tablet or a clinic PC fetch an address.
"""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~$:&])")
# GFM turns a bare web or mail address into a link even when its characters are escaped (the
# autolink is found in the text after escapes are resolved). An invisible word joiner (U+2060)
# after "http:"/"https:", after "www" and before "@" stops that: the address reads as typed but
# is not a link a patient could tap off the kiosk.
_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(\bhttps?\\:|\bwww(?=\\\.))")


def shown_as_typed(text: str) -> str:
    """``text`` escaped for ``st.markdown`` (and any widget label that renders Markdown)."""
    escaped = _MARKDOWN.sub(r"\\\1", text)
    return _AUTOLINK.sub(r"\1" + _JOINER, escaped).replace("@", _JOINER + "@")

"""Words someone typed, shown as typed on every screen.

One helper for every user-typed text (patient names and notes, the interpreter's name, staff
notes): Markdown and HTML characters are escaped, so a note such as ``![](http://...)`` shows
literally and never makes the tablet or a clinic PC fetch an address.
"""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~$:&])")


def shown_as_typed(text: str) -> str:
    """``text`` escaped for ``st.markdown`` (and any widget label that renders Markdown)."""
    return _MARKDOWN.sub(r"\\\1", text)

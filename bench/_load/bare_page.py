"""The bare page bench/load.py measures the app against: plain Streamlit, no database, no content
service. The same widgets as the app's risks screen had when issue #17 was opened: a header,
each item in a bordered box with its words and "I understand", the question for the doctor
(a checkbox and a note), Back and Next. Next starts the screen again with nothing ticked.

The items' words come from the file ``BENCH_BARE_ITEMS`` names (JSON: title and texts), written
by bench/load.py from the shipped pack.

    streamlit run bench/_load/bare_page.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import streamlit as st

SCREEN = json.loads(Path(os.environ["BENCH_BARE_ITEMS"]).read_text(encoding="utf-8"))
round_ = st.session_state.setdefault("round", 0)


def go() -> None:  # a callback, as the app's Next: one script run per tap
    st.session_state["round"] += 1


st.header(f"{SCREEN['title']} · {round_}", anchor=False)
for i, text in enumerate(SCREEN["items"]):
    with st.container(border=True):
        st.markdown(text)
        # A new key each round: the next round starts with nothing ticked.
        st.checkbox("I understand", key=f"ack:{round_}.{i}")
st.checkbox("I have a question about this section", key=f"ask:{round_}")
st.text_input("Your question (optional)", key=f"note:{round_}")
back, nxt = st.columns([1, 2])
back.button("Back", key="nav:back", width="stretch")
nxt.button("Next", key="nav:next", type="primary", width="stretch", on_click=go)

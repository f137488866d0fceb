"""The patient screens' look: big touch targets, strong contrast, and the large-text mode.

CSS only, no content: every word on the screen comes from the message catalog.
"""

from __future__ import annotations

import streamlit as st

BASE_CSS = """
<style>
.stApp { font-size: 1.15rem; }
.stButton button, .stFormSubmitButton button { min-height: 52px; min-width: 120px; font-size: 1.1rem; }
.stButton button[kind="primary"], .stFormSubmitButton button[kind="primaryFormSubmit"],
.stButton button[kind="primary"]:hover, .stFormSubmitButton button[kind="primaryFormSubmit"]:hover {
  background-color: #1f4e79; border-color: #1f4e79; color: #fff; }
.stCheckbox label, .stRadio label { min-height: 44px; display: flex; align-items: center; }
.stRadio [role="radiogroup"] { gap: 0.25rem 1.5rem; }
[data-testid="stWidgetLabel"] p { font-size: 1.1rem; }
div[data-baseweb="select"] > div { min-height: 48px; }
.stTextInput input { min-height: 44px; font-size: 1.1rem; }
[data-testid="stHeader"] { display: none; }
/* Streamlit's own English hint ("Press Enter to submit form"): not for patients, not translated. */
[data-testid="InputInstructions"] { display: none; }
.block-container { padding-top: 1.2rem; }
a { color: #0b4f9c; }
</style>
"""
LARGE_CSS = """
<style>
html { font-size: 150%; }
.stApp, .stMarkdown p, .stCheckbox label p, .stRadio label p, label p,
[data-testid="stWidgetLabel"] p { font-size: 1.5rem !important; }
</style>
"""


def style(large: bool) -> None:
    st.html(BASE_CSS + (LARGE_CSS if large else ""))

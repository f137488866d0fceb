"""The patient screens' look: big touch targets, strong contrast, and the large-text mode.

Sizes are in rem, so the large-text mode only has to make the root font 1.5 times bigger and every
text (labels, buttons, inputs, select values, alerts, the signature pad's words) grows with it.
Streamlit's own truncation (ellipsis on toggle and button labels) is turned off: a label wraps
rather than being cut.

``words_script`` swaps the English that Streamlit's widgets put on the screen or read aloud (skip
link, "No results", "Open", screen-reader counts) for the patient's language, from the catalog.
"""

from __future__ import annotations

import json
from functools import cache

import streamlit as st

from language.i18n import languages, t

LARGE = 1.5  # issue #7: large text is at least half as big again

BASE_CSS = """
<style>
.stApp { --consent-box: 26px; --consent-ink: #4a4a4a; font-size: 1.15rem; }
[data-testid="stHeader"] { display: none; }
/* Streamlit's own English hint ("Press Enter to submit form"): not for patients. */
[data-testid="InputInstructions"] { display: none; }
.block-container { padding-top: 1.2rem; }
a { color: #0b4f9c; }

/* Buttons: big, and their words wrap instead of being cut with an ellipsis. */
.stButton button, .stFormSubmitButton button {
  min-height: 2.9rem; min-width: min(120px, 100%); max-width: 100%; height: auto; }
.stButton button p, .stFormSubmitButton button p { font-size: 1.1rem; }
.stButton button[kind="primary"], .stFormSubmitButton button[kind="primaryFormSubmit"],
.stButton button[kind="primary"]:hover, .stFormSubmitButton button[kind="primaryFormSubmit"]:hover {
  background-color: #1f4e79; border-color: #1f4e79; color: #fff; }
.stMarkdownEllipsis, .stMarkdownEllipsis p, [data-testid="stButtonGroup"] button,
[data-testid="stButtonGroup"] button p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
[data-testid="stButtonGroup"] button { min-height: 2.5rem; height: auto; }
[data-testid="stButtonGroup"] button p { font-size: 1rem; }

/* Labels, inputs and the select lists' shown value and placeholder. */
[data-testid="stWidgetLabel"] p, [data-testid="stRadioOption"] p { font-size: 1.1rem; }
.stTextInput input { min-height: 2.45rem; font-size: 1.1rem; }
[data-testid="stSelectbox"] [role="group"] { min-height: 2.7rem; }
[data-testid="stSelectbox"] input { font-size: 1.1rem; }
/* No clear (x) button on the lists: choosing again is enough, and its room goes to the words. */
[data-testid="stSelectbox"] [role="group"] button:not([aria-haspopup]) { display: none; }
[data-testid="stSelectboxVirtualDropdown"] [role="option"], [data-testid="stSelectboxVirtualDropdown"] span {
  font-size: 1.1rem; }

/* Tick boxes and round choices: a big box with a dark edge (at least 3:1 against white). */
.stCheckbox label, .stRadio label { min-height: 44px; display: flex; align-items: center; }
.stRadio [role="radiogroup"] { gap: 0.25rem 1.5rem; }
[data-testid="stCheckbox"]:not(:has(input[role="switch"])) label > span + div,
[data-testid="stRadioOption"] > div > div:first-child {
  width: var(--consent-box); height: var(--consent-box); min-width: var(--consent-box);
  flex: 0 0 auto; border-width: 2px; margin-top: 0; }
[data-testid="stCheckbox"] label:not(:has(input:checked)) > span + div,
[data-testid="stRadioOption"]:not(:has(input:checked)) > div > div:first-child {
  border-color: var(--consent-ink); }
[data-testid="stCheckbox"] label > span + div svg { width: 72%; height: 72%; }
[data-testid="stRadioOption"]:has(input:checked) > div > div:first-child > div {
  width: calc(var(--consent-box) * 0.38); height: calc(var(--consent-box) * 0.38); }
[data-testid="stRadioOption"] { min-height: 44px; }
/* The (?) help beside a question: a 44 px target, and a darker ring. */
[data-testid="stTooltipHoverTarget"] button { min-width: 44px; min-height: 44px; display: flex;
  align-items: center; justify-content: center; color: var(--consent-ink); }
/* What the Listen button is reading now (ui/read_aloud.py): a dark frame on a pale yellow, a
   little wider than the words (padding taken back by margin: nothing moves while it reads). */
.consent-reading { background-color: #fff3bf; outline: 3px solid #1f4e79; outline-offset: 2px;
  border-radius: 0.2rem; padding-inline: 0.4rem; margin-inline: -0.4rem; }
/* The header (step, language, large text) and the Back / Next row are one flex row each
   (ui/patient/common.py): Back takes a third, Next (or what opens the way on) two thirds. */
.st-key-patient_nav > div:first-child { flex: 1 1 0; min-width: 0; }
.st-key-patient_nav > div:nth-child(2) { flex: 2 1 0; min-width: 0; }
/* The large-text switch: when off, its track was as pale as the old boxes. */
[data-testid="stCheckbox"]:has(input[role="switch"]:not(:checked)) label > span + div {
  background-color: #6b6b6b; }
</style>
"""


def _large_css() -> str:
    """The root font 1.5 times Streamlit's base size (config: theme.baseFontSize)."""
    base = float(st.get_option("theme.baseFontSize") or 16)
    return (
        "<style>"
        f"html {{ font-size: {base * LARGE:g}px !important; }}"
        ".stApp { --consent-box: 32px; }"
        # At 1.5x the header's three do not fit one row: the step goes on a line of its own.
        ".st-key-patient_header > div:first-child { order: 3; flex-basis: 100%; }"
        "</style>"
    )


@cache
def css(large: bool) -> str:
    """The style sheet (built once per mode: it is sent with every run of every tablet)."""
    return BASE_CSS + (_large_css() if large else "")


# Streamlit 1.67's own English in the page (text, aria-label, title or placeholder), with the
# catalog key that says the same to the patient. {name} parts are kept as they are.
STREAMLIT_ENGLISH = {
    "widget.skip_link": "Skip to main content",
    "widget.no_results": "No results",
    "widget.open_list": "Open",
    "widget.clear_value": "Clear value",
    "widget.clear_entry": "Clear entry",
    "widget.dismiss": "Dismiss",
    "widget.close": "Close",
    "widget.link_to_heading": "Link to heading",
    "widget.progress": "progress",
    "widget.help_for": "Help for {label}",
    "widget.options_available": "{count} options available.",
    "widget.option_available": "1 option available.",
    "widget.selected": "{option}, selected",
    "widget.show_suggestions": "Show suggestions",
    "widget.suggestions": "Suggestions",
    "widget.press_enter": "Press Enter to submit form",
}

_JS = """
(() => {
  const DATA = PAYLOAD;
  const W = window.__consentWords || (window.__consentWords = {});
  const esc = (s) => s.replace(/[.*+?^${}()|[\\]\\\\]/g, '\\\\$&');
  W.rules = DATA.entries.map((e) => ({ key: e.key, rx: e.forms.map((f) =>
    new RegExp('^' + esc(f).replace(/\\\\\\{(\\w+)\\\\\\}/g, '(?<$1>.+?)') + '$')) }));
  W.target = DATA.target;
  W.tr = (s) => {
    const v = (s || '').trim();
    if (!v || v.length > 400) return null;
    for (const r of W.rules) for (const rx of r.rx) {
      const m = v.match(rx);
      if (m) {
        const out = W.target[r.key].replace(/\\{(\\w+)\\}/g, (_, n) => (m.groups || {})[n] || '');
        return out === v ? null : out;
      }
    }
    return null;
  };
  const ATTRS = ['aria-label', 'title', 'placeholder'];
  const one = (n) => {
    if (n.nodeType === 3) { const x = W.tr(n.nodeValue); if (x) n.nodeValue = x; return; }
    if (n.nodeType !== 1 || n.tagName === 'SCRIPT' || n.tagName === 'STYLE') return;
    for (const a of ATTRS) { const x = W.tr(n.getAttribute(a)); if (x) n.setAttribute(a, x); }
  };
  W.fix = (root, deep) => {
    one(root);
    if (!deep || root.nodeType !== 1) return;
    const it = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let n = it.nextNode(); n; n = it.nextNode()) one(n);
  };
  if (!W.observer) {
    W.observer = new MutationObserver((changes) => {
      for (const c of changes) {
        if (c.type === 'childList') c.addedNodes.forEach((n) => W.fix(n, true));
        else W.fix(c.target, false);
      }
    });
    W.observer.observe(document.body, { subtree: true, childList: true, characterData: true,
      attributes: true, attributeFilter: ATTRS });
  }
  W.fix(document.body, true);
})();
"""


@cache  # per language: the catalogs ship with the app
def words_script(lang: str) -> str:
    """A <script> that puts Streamlit's built-in English into ``lang``, now and as it appears.

    Each rule matches Streamlit's English or any catalog's text for that key, so switching
    language mid-flow turns Spanish words back into English and the other way round.
    """
    entries = [
        {"key": key, "forms": [english] + [t(code, key) for code in languages()]}
        for key, english in STREAMLIT_ENGLISH.items()
    ]
    data = {"entries": entries, "target": {key: t(lang, key) for key in STREAMLIT_ENGLISH}}
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return "<script>" + _JS.replace("PAYLOAD", payload, 1) + "</script>"

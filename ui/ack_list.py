"""A section's "I understand" list as ONE element: a Streamlit Components v2 component.

Drawn the Streamlit way, each item was a bordered box, a text and a checkbox: three elements a
tap, re-sent and re-drawn on every tap (issue #17: a quarter of the server's time per run went to
handing elements to the event loop, and the tablet re-rendered hundreds of them). Here the items
are one static HTML string, built once per pack, language, screen and section, and the ticks
are native checkboxes in it. Each tap sends the whole list of ticked item ids as the component's
state (``ticked``); the caller's ``on_change`` saves it.

The page keeps what the patient ticked: the HTML is put in once per screen, with the ticks the
draft holds, and a redraw of the same screen (a tick's own run, the large text) leaves the boxes
alone, so a quick second tap is never undone by the run of the first. AppTest cannot tap a
component: tests set ``st.session_state[key] = {"ticked": [...]}``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import streamlit as st

CSS = """
.consent-acks { display: flex; flex-direction: column; gap: 1rem; font-size: 1rem; }
.consent-ack { border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem;
  padding: calc(1rem - 1px); display: flex; flex-direction: column; gap: 1rem; }
.consent-ack-text { margin: 0; line-height: 1.6; overflow-wrap: break-word; }
.consent-ack-text em { display: block; }
.consent-ack-tick { display: flex; align-items: center; gap: 0.5rem; min-height: 44px;
  width: fit-content; max-width: 100%; cursor: pointer; font-size: 1.1rem; line-height: 1.6;
  -webkit-tap-highlight-color: transparent; }
.consent-ack-tick input { appearance: none; -webkit-appearance: none; margin: 0; flex: 0 0 auto;
  width: var(--consent-box, 26px); height: var(--consent-box, 26px); border: 2px solid #4a4a4a;
  border-radius: 0.25rem; background: #fff center / 72% no-repeat; cursor: pointer; }
.consent-ack-tick input:checked { border-color: #0b5cad; background-color: #0b5cad;
  background-image: url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24'%3E%3Cpath fill='none' stroke='%23fff' stroke-width='4' stroke-linecap='round' stroke-linejoin='round' d='M5 12.5l4.5 4.5L19 7.5'/%3E%3C/svg%3E"); }
.consent-ack-tick input:focus-visible { outline: 3px solid #0b62d6; outline-offset: 2px; }
"""

JS = """
export default function ({ parentElement, data, setStateValue }) {
  const d = data || {};
  let host = parentElement.querySelector(':scope > .consent-acks-host');
  if (!host) {  // a child of its own: the component's style sheet sits beside it
    host = document.createElement('div');
    host.className = 'consent-acks-host';
    parentElement.appendChild(host);
  }
  if (host.dataset.screen === d.screen) return;  // the same screen: the page keeps its ticks
  host.innerHTML = d.html;
  host.dataset.screen = d.screen;
  const root = host.querySelector('.consent-acks');
  const ticked = new Set(d.ticked || []);
  const boxes = [...root.querySelectorAll('input[type=checkbox]')];
  for (const box of boxes) box.checked = ticked.has(box.value);
  root.addEventListener('change', () => {
    setStateValue('ticked', boxes.filter((b) => b.checked).map((b) => b.value));
  });
}
"""

_list = st.components.v2.component("consent_acks", css=CSS, js=JS, isolate_styles=False)


def ack_list(
    *, key: str, html: str, screen: str, ticked: Iterable[str], on_change: Callable[[], None]
) -> None:
    """Show the list, its boxes ticked as ``ticked`` (the draft's) when the screen is new; what
    the page holds after a tap is ``ticked_now(key)``."""
    drafted = sorted(ticked)
    _list(
        key=key,
        data={"html": html, "screen": screen, "ticked": drafted},
        default={"ticked": drafted},
        on_ticked_change=on_change,
    )


def ticked_now(key: str) -> list[str] | None:
    """What the list keyed ``key`` holds this run (inside a callback too); None before it is
    drawn."""
    value = st.session_state.get(key)
    ticked = value.get("ticked") if isinstance(value, dict) else None
    return [str(v) for v in ticked] if isinstance(ticked, list) else None

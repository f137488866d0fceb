"""The "Listen" button: the tablet reads the screen aloud with its own voices (Web Speech API).

Nothing goes over the network and the server makes no audio: ``speechSynthesis`` speaks with the
voices the iPad or Android tablet has, offline. One Components v2 element per patient screen,
placed under the header: it reads what follows it in the main block (the heading, the intro,
each item, question and choice, in order, a repeated label such as "I understand" once; not the
header, the buttons, a folded section or anything hidden), one utterance per element, and marks the element being read with the class
``consent-reading`` (drawn by ui/patient_style.py). Tapped again, on a new screen, or when the
element goes away, speech stops (``speechSynthesis.cancel()``). A tablet with no voice for the
patient's language gets a disabled button that says so; the screen works as before.

Until the tablet has listed its voices (Chrome does so a moment after the page opens, or never
when it has none) the button says there is no voice: a tablet without voices shows the same
words from the first moment, and one with voices turns to "Listen" as soon as they are in.
"""

from __future__ import annotations

from functools import cache

import streamlit as st
from babel.core import Locale, UnknownLocaleError, get_global

from language.i18n import t

CSS = """
:host { display: block; }
.listen { display: inline-flex; align-items: center; gap: 0.5rem; min-height: 2.9rem;
  min-width: 44px; max-width: 100%; padding: 0.35rem 1rem; box-sizing: border-box;
  font: inherit; font-size: 1.1rem; line-height: 1.3; text-align: left; border-radius: 0.5rem;
  border: 2px solid #1f4e79; background: #fff; color: #1f4e79; cursor: pointer; }
.listen[aria-pressed="true"] { background: #1f4e79; color: #fff; }
.listen:disabled { border-color: #6b6b6b; color: #4a4a4a; background: #f3f3f3; cursor: default; }
.listen:focus-visible { outline: 3px solid #0b62d6; outline-offset: 2px; }
.listen svg { width: 1.4rem; height: 1.4rem; flex: 0 0 auto; }
"""

JS = """
const SPEAKER = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor"'
  + ' d="M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0'
  + ' 13.4v2.1a9 9 0 0 0 0-17.6z"/></svg>';
const SQUARE = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">'
  + '<rect x="6" y="6" width="12" height="12" rx="1.5" fill="currentColor"/></svg>';
// What is read, in page order: the outermost of these after the button, in the main block.
const UNITS = ['[data-testid=stHeading]', '[data-testid=stMarkdown]', '[data-testid=stCaptionContainer]',
  '[data-testid=stAlert]', '[data-testid=stWidgetLabel]', '[data-testid=stRadioOption]',
  '[data-testid=stCheckbox] label', '[data-testid=stExpander] summary', '[data-testid=stHtml]',
  '[data-testid=stTable] tr', '[role=img][aria-label]', 'img[alt]',
  '.consent-ack-text', '.consent-ack-tick'].join(',');  // the last two: ui/ack_list.py
const SKIP = 'button, [data-testid=stSidebar], .st-key-idle_prompt, script, style';
const READING = 'consent-reading';
const WAIT_FOR_VOICES = 1500;  // ms: Chrome lists its voices a moment after the page opens

const S = window.__consentListen || (window.__consentListen = { run: 0, on: null, step: null });

function synth() {
  return window.speechSynthesis && window.SpeechSynthesisUtterance ? window.speechSynthesis : null;
}

function voiceFor(tag) {
  const tts = synth();
  if (!tts) return null;
  const want = tag.toLowerCase(), prefix = want.split('-')[0];
  const voices = (tts.getVoices() || []).filter((v) => v.lang);
  const norm = (v) => v.lang.toLowerCase().replace('_', '-');
  const same = voices.filter((v) => norm(v) === want);
  const near = voices.filter((v) => norm(v).split('-')[0] === prefix);
  const pick = (list) => list.find((v) => v.localService) || list[0];
  return pick(same) || pick(near) || null;
}

function voicesKnown() {  // resolves once the tablet's voice list is in (or it has none)
  if (S.voices) return S.voices;
  S.voices = new Promise((resolve) => {
    const tts = synth();
    if (!tts) { resolve(); return; }
    if ((tts.getVoices() || []).length) { resolve(); return; }
    const done = () => { clearTimeout(timer); tts.removeEventListener('voiceschanged', done); resolve(); };
    const timer = setTimeout(done, WAIT_FOR_VOICES);
    tts.addEventListener('voiceschanged', done);
  });
  const tts = synth();  // voices that come later (a slow tablet) still reach the button on screen
  if (tts) tts.addEventListener('voiceschanged', () => S.refresh && S.refresh());
  return S.voices;
}

function unmark() {
  for (const el of document.querySelectorAll('.' + READING)) el.classList.remove(READING);
}

function stop() {
  S.run += 1;  // every utterance of the old run ignores its events from now on
  if (S.unwatch) { S.unwatch(); S.unwatch = null; }
  const tts = synth();
  if (S.on && tts && (tts.speaking || tts.pending)) tts.cancel();
  if (S.on) S.on.show(false);
  S.on = null;
  unmark();
}

function hidden(el) {
  if (el.closest(SKIP)) return true;
  if (el.closest('details:not([open])') && !el.closest('summary')) return true;
  const style = getComputedStyle(el);
  return !el.getClientRects().length || style.visibility === 'hidden' || style.display === 'none';
}

function textOf(el) {
  if (el.matches('[role=img][aria-label]')) return el.getAttribute('aria-label');
  if (el.matches('img[alt]')) return el.getAttribute('alt');
  return el.innerText;
}

function units(host) {
  const main = document.querySelector('[data-testid=stMain]') || document.body;
  const after = (el) => host.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING;
  const found = [...main.querySelectorAll(UNITS)].filter((el) => after(el) && !hidden(el));
  const said = new Set();  // words said once on a screen (each "I understand") are not said again
  return found.filter((el) => !found.some((o) => o !== el && o.contains(el)))
    .map((el) => ({ el, text: (textOf(el) || '').replace(/\\s+/g, ' ').trim() }))
    .filter((u) => u.text && !said.has(u.text) && said.add(u.text));
}

// Any other button (Next, Back, Check my answer, a language) leaves or redraws the screen: the
// reading stops at the tap, before the new screen arrives. Ticks and the large-text switch don't.
if (!S.listening) {
  S.listening = true;
  document.addEventListener('click', (e) => {
    if (S.on && e.target instanceof Element && e.target.closest('button')) stop();
  }, true);
}

export default function ({ parentElement, data }) {
  const d = data || {};
  const host = parentElement.host || parentElement;
  if (S.step !== d.step || S.lang !== d.lang) stop();  // a new screen or language: quiet
  S.step = d.step; S.lang = d.lang;
  let button = parentElement.querySelector('.listen');
  if (!button) {
    button = document.createElement('button');
    button.type = 'button'; button.className = 'listen';
    parentElement.appendChild(button);
  }
  let voice = null;
  const show = (speaking) => {
    button.disabled = !voice;
    if (voice) button.setAttribute('aria-pressed', speaking ? 'true' : 'false');
    else button.removeAttribute('aria-pressed');
    button.innerHTML = (speaking ? SQUARE : SPEAKER) + '<span></span>';
    button.querySelector('span').textContent = !voice ? d.no_voice : speaking ? d.stop : d.listen;
  };
  const me = { show };
  if (S.on) S.on = me;  // still reading (the same screen, redrawn): this button stops it
  const speak = () => {
    const list = units(host), tts = synth();
    if (!list.length || !tts || !voice) return;
    stop();
    const run = S.run;
    S.on = me; show(true);
    let now = -1;  // the unit being said
    // The i-th unit as the page is now: a rerun (a tick, the large text) may draw it anew.
    const at = (i) => {
      if (list[i].el.isConnected) return list[i].el;
      const fresh = units(host)[i];
      return fresh && fresh.text === list[i].text ? (list[i].el = fresh.el) : null;
    };
    const keep = () => {  // the mark follows the element being said through a redraw
      const el = now >= 0 && run === S.run ? at(now) : null;
      if (el && !el.classList.contains(READING)) { unmark(); el.classList.add(READING); }
    };
    const watch = new MutationObserver(keep);
    watch.observe(document.querySelector('[data-testid=stMain]') || document.body,
      { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
    S.unwatch = () => watch.disconnect();
    const next = (i) => {
      if (run !== S.run) return;
      unmark(); now = -1;
      const el = i < list.length ? at(i) : null;
      if (!el) { stop(); return; }  // the end, or the screen changed under the reading
      const u = new SpeechSynthesisUtterance(list[i].text);
      u.lang = d.lang; u.voice = voice; u.rate = 0.9;
      u.onstart = () => { if (run !== S.run) return; now = i; keep();
        (at(i) || el).scrollIntoView({ block: 'nearest', behavior: 'smooth' }); };
      u.onend = () => next(i + 1);
      u.onerror = (e) => { if (e && (e.error === 'interrupted' || e.error === 'canceled')) return;
        next(i + 1); };
      S.utterance = u;  // held: Chrome forgets an utterance nobody holds, and never ends it
      tts.speak(u);
    };
    if (tts.speaking || tts.pending) tts.cancel();  // what an older screen left queued
    next(0);
  };
  button.onclick = () => (S.on ? stop() : speak());
  show(S.on === me);  // until the voices are in: no voice (the words that stay, on most tests)
  S.refresh = () => { voice = voiceFor(d.lang); show(S.on === me); };
  voicesKnown().then(S.refresh);
  return () => stop();  // unmounted: the patient left the patient screens
}
"""

_listen = st.components.v2.component("consent_listen", css=CSS, js=JS)


@cache
def speech_tag(lang: str) -> str:
    """The BCP 47 tag a voice is asked for: the language's most likely region (CLDR), e.g.
    "en" -> "en-US", "es" -> "es-ES"; a voice is then chosen by the language part alone."""
    likely = get_global("likely_subtags").get(lang, lang)
    try:
        locale = Locale.parse(likely)
    except (UnknownLocaleError, ValueError, TypeError):
        return lang
    return f"{locale.language}-{locale.territory}" if locale.territory else locale.language


def listen_button(lang: str, step_id: str) -> None:
    """The Listen button for this screen; its words from the catalog in the patient's language."""
    _listen(
        key="listen",
        data={
            "lang": speech_tag(lang),
            "step": step_id,
            "listen": t(lang, "patient.listen.button"),
            "stop": t(lang, "patient.listen.stop"),
            "no_voice": t(lang, "patient.listen.no_voice"),
        },
    )

"""A stand-in for the browser's speech synthesis, for the Listen tests (headless Chromium has no
voices). ``page.add_init_script(fake_speech(["en-US"]))`` before the first ``goto``: the page's
``speechSynthesis`` and ``SpeechSynthesisUtterance`` are replaced by a fake with those voices that
records every utterance (text, lang, voice) and every cancel in ``window.__speech``, and fires
start and end the way a tablet does. With ``hold`` set, an utterance starts and stays "spoken"
until ``window.__speech.finish()``: a test can look at the screen mid-sentence."""

from __future__ import annotations

import json

_JS = """
(() => {
  const VOICES = __VOICES__.map((lang, i) => ({ lang, name: 'Fake ' + lang, voiceURI: 'fake-' + i,
    localService: true, default: i === 0 }));
  const log = window.__speech = { said: [], cancels: 0, hold: false, current: null, queue: [] };
  const fire = (u, type, extra) => {
    const e = Object.assign(new Event(type), extra || {});
    if (typeof u['on' + type] === 'function') u['on' + type](e);
  };
  const begin = () => {
    if (log.current || !log.queue.length) return;
    const u = log.current = log.queue.shift();
    setTimeout(() => {
      if (log.current !== u) return;
      fire(u, 'start');
      if (!log.hold) setTimeout(() => log.current === u && log.finish(), 15);
    }, 5);
  };
  log.finish = () => {  // the utterance being spoken ends; the next one starts
    const u = log.current;
    if (!u) return;
    log.current = null;
    fire(u, 'end');
    begin();
  };
  class Utterance {
    constructor(text) { Object.assign(this, { text: text || '', lang: '', voice: null, rate: 1,
      pitch: 1, volume: 1, onstart: null, onend: null, onerror: null }); }
  }
  const synth = new EventTarget();
  Object.assign(synth, {
    getVoices: () => VOICES.slice(),
    speak(u) {
      log.said.push({ text: u.text, lang: u.lang, voice: u.voice ? u.voice.lang : null });
      log.queue.push(u);
      begin();
    },
    cancel() {
      log.cancels += 1;
      const gone = [log.current, ...log.queue].filter(Boolean);
      log.current = null; log.queue = [];
      for (const u of gone) fire(u, 'error', { error: 'canceled' });
    },
    pause() {}, resume() {},
  });
  Object.defineProperty(synth, 'speaking', { get: () => !!log.current });
  Object.defineProperty(synth, 'pending', { get: () => log.queue.length > 0 });
  Object.defineProperty(synth, 'paused', { get: () => false });
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
  window.SpeechSynthesisUtterance = Utterance;
})();
"""


def fake_speech(voices: list[str]) -> str:
    """The init script: a speech synthesis with these voices (BCP 47 tags; none = no voice)."""
    return _JS.replace("__VOICES__", json.dumps(voices))

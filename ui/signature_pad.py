"""A finger signature pad: a Streamlit Components v2 component with inline HTML, CSS and JS.

Full width, sharp on high-density screens (canvas scaled by devicePixelRatio), pointer events
with ``touch-action: none`` so the page does not scroll under the finger, strokes smoothed with
quadratic curves, and a Clear button. It reports ``{strokes: [[{x, y, t}]], png, width, height}``
(CSS pixels, milliseconds since the pad appeared) through ``setStateValue``; inside ``st.form``
that arrives when the form is submitted. AppTest cannot draw: tests set ``st.session_state[key]``.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

HTML = """
<div class="pad">
  <canvas role="img"></canvas>
  <div class="row"><span class="hint"></span><button type="button" class="clear"></button></div>
</div>
"""

CSS = """
.pad { width: 100%; font-family: var(--st-font, "Source Sans", sans-serif); }
canvas { display: block; box-sizing: border-box; width: 100%; height: 220px; background: #fff; border: 2px solid #1f3b57;
  border-radius: 10px; touch-action: none; -webkit-user-select: none; user-select: none; cursor: crosshair; }
.row { display: flex; justify-content: space-between; align-items: center; margin-top: 6px; gap: 8px; }
.hint { color: #333; font-size: 1rem; }
.clear { min-height: 48px; min-width: 120px; font: inherit; font-size: 1.1rem; border-radius: 8px;
  border: 2px solid #1f3b57; background: #fff; color: #1f3b57; cursor: pointer; }
.clear:focus-visible { outline: 3px solid #0b62d6; outline-offset: 2px; }
"""

JS = """
export default function ({ parentElement, setStateValue, data }) {
  const root = parentElement.querySelector('.pad');
  const canvas = root.querySelector('canvas');
  const clear = root.querySelector('.clear');
  const d = data || {};
  clear.textContent = d.clear || 'Clear';
  root.querySelector('.hint').textContent = d.hint || '';
  canvas.setAttribute('aria-label', d.label || 'Signature');
  canvas.style.height = (d.height || 220) + 'px';
  const ctx = canvas.getContext('2d');
  const st = root.__pad || (root.__pad = { strokes: [], t0: performance.now() });
  let current = null;

  function size() {
    const r = canvas.getBoundingClientRect(), dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(r.width * dpr); canvas.height = Math.round(r.height * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    redraw();
  }
  function path(points) {  // midpoints as anchors, points as control: a smooth curve
    ctx.beginPath(); ctx.moveTo(points[0].x, points[0].y);
    if (points.length === 1) { ctx.lineTo(points[0].x + 0.1, points[0].y); }
    for (let i = 1; i < points.length - 1; i++) {
      const mx = (points[i].x + points[i + 1].x) / 2, my = (points[i].y + points[i + 1].y) / 2;
      ctx.quadraticCurveTo(points[i].x, points[i].y, mx, my);
    }
    if (points.length > 1) { const p = points[points.length - 1]; ctx.lineTo(p.x, p.y); }
    ctx.stroke();
  }
  function redraw() {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.lineWidth = 2.5; ctx.lineCap = 'round'; ctx.lineJoin = 'round'; ctx.strokeStyle = '#000';
    st.strokes.forEach(path);
  }
  function at(e) {
    const r = canvas.getBoundingClientRect();
    return { x: Math.round((e.clientX - r.left) * 10) / 10, y: Math.round((e.clientY - r.top) * 10) / 10,
             t: Math.round(performance.now() - st.t0) };
  }
  function report() {
    const r = canvas.getBoundingClientRect();
    setStateValue('signature', st.strokes.length ? { strokes: st.strokes, png: canvas.toDataURL('image/png'),
      width: Math.round(r.width), height: Math.round(r.height) } : null);
  }
  function down(e) { e.preventDefault(); canvas.setPointerCapture(e.pointerId); current = [at(e)];
    st.strokes.push(current); redraw(); }
  function move(e) { if (!current) return; e.preventDefault();
    const evs = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
    (evs.length ? evs : [e]).forEach((ev) => current.push(at(ev))); redraw(); }
  function up(e) { if (!current) return; e.preventDefault(); current = null; report(); }
  function wipe() { st.strokes = []; redraw(); report(); }
  const stop = (e) => e.preventDefault();  // no scroll, zoom or callout under the finger
  canvas.addEventListener('pointerdown', down); canvas.addEventListener('pointermove', move);
  canvas.addEventListener('pointerup', up); canvas.addEventListener('pointercancel', up);
  canvas.addEventListener('touchstart', stop, { passive: false });
  canvas.addEventListener('touchmove', stop, { passive: false });
  clear.addEventListener('click', wipe);
  const ro = new ResizeObserver(size); ro.observe(canvas); size();
  return () => { ro.disconnect(); clear.removeEventListener('click', wipe);
    canvas.removeEventListener('pointerdown', down); canvas.removeEventListener('pointermove', move);
    canvas.removeEventListener('pointerup', up); canvas.removeEventListener('pointercancel', up);
    canvas.removeEventListener('touchstart', stop); canvas.removeEventListener('touchmove', stop); };
}
"""

_pad = st.components.v2.component("consent_signature_pad", html=HTML, css=CSS, js=JS)


def signature_pad(
    *, key: str, label: str, clear: str, hint: str = "", height: int = 220
) -> dict[str, Any] | None:
    """Show the pad; returns the last drawing (strokes, png, width, height) or None if empty."""
    result = _pad(
        key=key,
        data={"label": label, "clear": clear, "hint": hint, "height": height},
        default={"signature": None},
        on_signature_change=lambda: None,
    )
    value = result.get("signature") if result else None
    return value if isinstance(value, dict) else None

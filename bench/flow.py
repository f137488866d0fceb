"""How fast is a tap on the patient's tablet?

In process (AppTest): the server-side script time of every tap through the whole patient
flow (language, details, screening, sections, photos, interpreter, review, sign), against a bare
Streamlit page with the same widgets on each screen and no drafts, database or content, measured
in the same run the same way. Prints the median per tap for both and the ratio (target: at most
1.5x the bare page and under 50 ms). The sign tap (PDF render + seal + store) is reported apart.

What a real server does under several tablets at once: bench/gc_load.py.

    python bench/flow.py [--patients 5] [--quick]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from checklist import flow  # noqa: E402
from checklist.flow import StepKind  # noqa: E402

PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9Q"
    "DwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
NAME = "Ana María Núñez"


def _scribble() -> list[list[dict[str, float]]]:
    import math

    pts = [
        {
            "x": 40 + 520 * i / 119,
            "y": 100 + 40 * math.sin(i / 20) + 15 * math.cos(i / 7),
            "t": i * 8,
        }
        for i in range(120)
    ]
    return [pts[:60], pts[60:]]


# --- the bare page: same widgets per screen, nothing behind them ------------------------------

BARE = textwrap.dedent(
    """
    import json, os
    import streamlit as st

    SCREENS = json.loads(os.environ["BENCH_SCREENS"])
    i = st.session_state.setdefault("i", 0)
    if i >= len(SCREENS):
        st.title("Thank you")
        st.stop()
    kind, n = SCREENS[i]
    def go():  # a callback, as the real page uses: one script run per tap
        st.session_state.i += 1

    if kind == "language":
        st.title("Clinic")
        for code in ("en", "es"):
            st.button(code, key="lang_" + code, on_click=go)
        st.stop()
    c1, c2, c3 = st.columns(3)
    c1.markdown("**Step %d of %d**" % (i + 1, len(SCREENS)))
    c2.segmented_control("Language", ["en", "es"], default="en", key="lang_switch")
    c3.toggle("Large text", key="large_text")
    st.progress((i + 1) / len(SCREENS))
    st.header(kind)
    if kind in ("section", "screening"):  # as on the real page: no form, each tick is a tap
        for k in range(n):
            if kind == "screening":
                st.radio("question %d" % k, ["yes", "no", "not_sure"], index=None,
                         horizontal=True, key="q%d_%d" % (i, k))
                continue
            with st.container(border=True):
                st.markdown("item text %d" % k)
                st.checkbox("I understand", key="ack%d_%d" % (i, k))
        b, nxt = st.columns([1, 2])
        b.button("Back")
        nxt.button("Next", type="primary", on_click=go, key="nav:next")
        st.stop()
    with st.form("f%d" % i):
        for k in range(n):
            if kind in ("screening", "photos", "interpreter", "details", "teach_back"):
                st.radio("question %d" % k, ["yes", "no", "not_sure"], index=None, horizontal=True,
                         key="q%d_%d" % (i, k))
            else:
                st.checkbox("tick %d" % k, key="c%d_%d" % (i, k))
        b, nxt = st.columns([1, 2])
        b.form_submit_button("Back")
        nxt.form_submit_button("Next", type="primary", on_click=go)
    """
)


def _screens(pack) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    """Each step of the real flow as (kind, number of inputs on it)."""
    out: list[tuple[str, int]] = []
    for step in flow.steps_for(pack):
        if step.kind is StepKind.SCREENING:
            out.append(("screening", len(step.question_ids)))
        elif step.kind is StepKind.SECTION:
            out.append(("section", sum(len(pack.section(s).items) for s in step.section_ids) + 2))
        elif step.kind is StepKind.DETAILS:
            out.append(("details", 6))
        elif step.kind is StepKind.INTERPRETER:
            out.append(("interpreter", 4))
        elif step.kind is StepKind.TEACH_BACK:
            out.append(("teach_back", 1))
        elif step.kind is StepKind.PHOTOS:
            out.append(("photos", 1))
        elif step.kind is StepKind.REVIEW:
            out.append(("review", 1))
        elif step.kind is StepKind.SIGN:
            out.append(("sign", 2))
        else:
            out.append(("language", 0))
    return out


def _timed(at: AppTest) -> float:
    t0 = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - t0
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return elapsed


def _press_primary(at: AppTest) -> None:
    [
        b
        for b in at.button
        if b.proto.type == "primary" and (b.proto.is_form_submitter or b.key == "nav:next")
    ][-1].click()


def bare_patient(screens: list[tuple[str, int]], path: Path) -> list[float]:
    at = AppTest.from_file(str(path), default_timeout=60)
    at.run()
    taps = []
    for kind, _n in screens:
        if kind == "language":
            at.button(key="lang_en").click()
        else:
            if kind == "screening":  # each answer is a tap
                for key in [r.key for r in at.radio]:
                    at.radio(key=key).set_value("no")
                    taps.append(_timed(at))
            for r in at.radio:
                r.set_value("no")
            if kind == "section":  # each tick is a tap
                for key in [c.key for c in at.checkbox if c.key.startswith("ack")]:
                    at.checkbox(key=key).check()
                    taps.append(_timed(at))
            else:
                for c in at.checkbox:
                    c.check()
            _press_primary(at)
        taps.append(_timed(at))
    return taps


def real_patient(ctx) -> tuple[list[float], float]:  # type: ignore[no-untyped-def]
    """One patient through the real page; the tap times (sign apart) and the sign tap."""
    from services import drafts

    at = AppTest.from_file(str(ROOT / "app_pages" / "patient.py"), default_timeout=60)
    at.run()
    at.button(key="lang_en").click()
    taps = [_timed(at)]
    token = at.query_params["resume"]
    sign = 0.0
    while True:
        state = drafts.load_draft(ctx, token)
        if state is None:
            break
        step = state.step
        if step == "details":
            at.text_input(key="details:name").input(NAME)
            at.selectbox(key="details:month").select(3)
            at.selectbox(key="details:day").select(14)
            at.selectbox(key="details:year").select(1958)
            at.radio(key="details:site").set_value("left_leg")
            at.checkbox(key="details:confirm").check()
        elif step.startswith("screening"):
            for key in [r.key for r in at.radio if r.key.startswith("q:")]:
                at.radio(key=key).set_value("no")  # each answer is a tap, saved to the draft
                taps.append(_timed(at))
        elif step.startswith("section"):
            for key in [c.key for c in at.checkbox if c.key.startswith("ack:")]:
                at.checkbox(key=key).check()  # each tick is a tap, saved to the draft
                taps.append(_timed(at))
        elif step.startswith("teach-back"):  # the right answer, "Check my answer", then Next
            question = drafts.pack_of(ctx, state).teach_back_question(step.split("-", 2)[2])
            at.radio(key=f"tb:{question.id}:0").set_value(question.answer)
            _press_primary(at)
            taps.append(_timed(at))
        elif step == "photos":
            at.radio(key="photos:choice").set_value("yes")
        elif step == "interpreter":
            at.radio(key="interp:used").set_value("no")
        elif step == "review":
            at.checkbox(key="review:certify").check()
            taps.append(_timed(at))  # the tick is a tap: "Go to sign" appears only after it
        elif step == "sign":
            at.session_state["sig_patient"] = {
                "signature": {"strokes": _scribble(), "png": PNG, "width": 600, "height": 240}
            }
            at.text_input(key="sign:name").input(NAME)
        _press_primary(at)
        elapsed = _timed(at)
        if step == "sign":
            sign = elapsed
        else:
            taps.append(elapsed)
        if drafts.load_draft(ctx, token) is not None and drafts.load_draft(ctx, token).step == step:
            raise RuntimeError(f"stuck on {step}: {[e.value for e in at.error]}")
    return taps, sign


def part_one(patients: int) -> dict[str, float]:
    from services.context import build_context
    from settings import get_settings
    from ui import resources

    data = Path(tempfile.mkdtemp(prefix="bench-flow-"))
    os.environ["CONSENT_DATA_DIR"] = str(data)
    ctx = build_context(get_settings())
    resources.app_context = lambda: ctx  # the page's cached context, built once as in the server
    pack = ctx.active_pack("en")
    screens = _screens(pack)
    bare_path = data / "bare_page.py"
    bare_path.write_text(BARE, encoding="utf-8")
    import json

    os.environ["BENCH_SCREENS"] = json.dumps(screens[:-1])  # the sign tap is measured apart
    real_patient(ctx)  # warm-up: imports, fonts, first PDF
    bare_patient(screens[:-1], bare_path)
    real: list[float] = []
    bare: list[float] = []
    signs: list[float] = []
    for _ in range(patients):  # interleaved, so both see the same machine
        taps, sign = real_patient(ctx)
        real += taps
        signs.append(sign)
        bare += bare_patient(screens[:-1], bare_path)
    ms = 1000.0
    result = {
        "taps_per_patient": len(real) / patients,
        "real_median_ms": statistics.median(real) * ms,
        "bare_median_ms": statistics.median(bare) * ms,
        "real_p90_ms": statistics.quantiles(real, n=10)[-1] * ms,
        "bare_p90_ms": statistics.quantiles(bare, n=10)[-1] * ms,
        "sign_median_ms": statistics.median(signs) * ms,
    }
    result["ratio"] = result["real_median_ms"] / result["bare_median_ms"]
    ctx.database.dispose()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="a small fast run (CI): 1 patient")
    args = parser.parse_args(argv)
    if args.quick:
        args.patients = 1

    one = part_one(args.patients)
    print(
        f"Per tap through the whole patient flow ({one['taps_per_patient']:.0f} taps, {args.patients} patients):"
    )
    print(f"  app : median {one['real_median_ms']:.1f} ms, p90 {one['real_p90_ms']:.1f} ms")
    print(f"  bare: median {one['bare_median_ms']:.1f} ms, p90 {one['bare_p90_ms']:.1f} ms")
    ok = one["ratio"] <= 1.5 and one["real_median_ms"] < 50
    print(f"  ratio {one['ratio']:.2f}x (target <= 1.5x and < 50 ms: {'met' if ok else 'NOT met'})")
    print(f"  sign tap (render + seal + store the PDF): median {one['sign_median_ms']:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

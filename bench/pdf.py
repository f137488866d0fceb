"""Render and seal N realistic consents; print median / min / max milliseconds and size.

    python bench/pdf.py [-n 30] [--lang en] [--quick]

Each consent is the shipped pack's full worked example (every item acknowledged, screening with
flags and clinician reviews, patient + interpreter + nurse + clinician signatures drawn as strokes,
nurse checklist, time-out, evidence page). Different patients each time, so nothing is cached per
document. The first document (font preparation, once per process) is reported separately.

"First PDF after start" is measured in fresh processes, as a server meets it: one that built its
context with the same warm-up the server runs at start (``services.context.warm_documents``, let
finish: a patient signs minutes after the server starts), and one with no warm-up at all.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checklist.loader import load_library
from forms.clinic import ClinicInfo
from forms.pdf import render_consent_pdf
from forms.seal import load_or_create_sealer, seal_pdf, seal_reason
from forms.synthetic import synthetic_consent
from settings import get_settings

NAMES = ("Zoë O'Brien-Łukasz", "Nguyễn Thị Hương", "Ñandú Pérez", "Ólafur Þórsson", "Chloé Dubois")


def _first_after_start(warm: bool) -> None:
    """In this fresh process: build the server's context (warmed as the server is, or not), then
    time the first consent's render + seal; prints one JSON line."""
    from services.context import build_context, warm_documents

    with tempfile.TemporaryDirectory() as data_dir:
        ctx = build_context(get_settings(data_dir=Path(data_dir)))
        if warm:
            warm_documents(ctx)  # what the server's start-up thread does
        pack = ctx.library.active("sclerotherapy", "en")
        start = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
        values = ctx.settings.placeholder_values
        consent, audit = synthetic_consent(pack, values, start, patient_name=NAMES[1], seed=7)
        c0, t0 = time.process_time(), time.perf_counter()
        pdf = render_consent_pdf(consent, pack, ctx.clinic, start, audit, ctx.sealer.describe())
        seal_pdf(pdf, ctx.sealer, reason=seal_reason(ctx.clinic.name), location="")
        ms, cpu = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
        ctx.database.dispose()
    print(json.dumps({"ms": ms, "cpu": cpu}))


def _fresh_process(warm: bool) -> tuple[float, float]:
    child = "warm" if warm else "cold"
    out = subprocess.run(
        [sys.executable, __file__, "--child", child],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    got = json.loads(out.stdout.strip().splitlines()[-1])
    return float(got["ms"]), float(got["cpu"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=30)
    parser.add_argument("--lang", default="en")
    parser.add_argument("--quick", action="store_true", help="a small fast run (CI): -n 3")
    parser.add_argument(
        "--starts", type=int, default=3, help="fresh processes per kind (first PDF)"
    )
    parser.add_argument("--child", choices=("warm", "cold"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _first_after_start(args.child == "warm")
        return 0
    if args.quick:
        args.n, args.starts = 3, 1

    with tempfile.TemporaryDirectory() as data_dir:
        settings = get_settings(data_dir=Path(data_dir))
        values = settings.placeholder_values
        pack = load_library(values, [settings.content_dir]).active("sclerotherapy", args.lang)
        clinic = ClinicInfo(
            name=settings.clinic_name, address=settings.clinic_address, phone=settings.clinic_phone
        )
        sealer = load_or_create_sealer(settings)
        start = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
        consents = [
            synthetic_consent(pack, values, start, patient_name=NAMES[i % len(NAMES)], seed=i)
            for i in range(args.n + 1)
        ]

        def one(consent, audit) -> tuple[float, float, int, int, float]:
            c0, t0 = time.process_time(), time.perf_counter()
            pdf = render_consent_pdf(
                consent, pack, clinic, start, audit, seal_note=sealer.describe()
            )
            t1 = time.perf_counter()
            sealed = seal_pdf(pdf, sealer, reason=seal_reason(clinic.name), location=clinic.address)
            t2, c2 = time.perf_counter(), time.process_time()
            pages = pdf.count(b"/Type /Page\n")
            return (t1 - t0) * 1000, (t2 - t0) * 1000, len(sealed), pages, (c2 - c0) * 1000

        first = one(*consents[0])
        runs = [one(*c) for c in consents[1:]]
    render = [r[0] for r in runs]
    total = [r[1] for r in runs]
    sizes = [r[2] / 1024 for r in runs]
    print(
        f"pack {pack.id} {pack.version} ({pack.language}): {len(pack.item_ids())} items, {runs[0][3]} pages"
    )
    print(f"first document (prepares fonts once per process): {first[1]:.0f} ms")
    print(
        f"render         median {statistics.median(render):6.1f} ms  min {min(render):6.1f}  max {max(render):6.1f}"
    )
    print(
        f"render + seal  median {statistics.median(total):6.1f} ms  min {min(total):6.1f}  max {max(total):6.1f}"
    )
    cpu = [r[4] for r in runs]
    print(
        f"  (CPU time)   median {statistics.median(cpu):6.1f} ms  min {min(cpu):6.1f}  max {max(cpu):6.1f}"
    )
    print(
        f"size           median {statistics.median(sizes):6.1f} KB  min {min(sizes):6.1f}  max {max(sizes):6.1f}"
    )
    print(f"n = {len(runs)}")
    warm = [_fresh_process(True) for _ in range(args.starts)]
    cold = [_fresh_process(False) for _ in range(args.starts)]
    for label, got in (("server's warm-up done", warm), ("no warm-up", cold)):
        ms, cpu = [g[0] for g in got], [g[1] for g in got]
        print(
            f"first PDF after start, {label:21s} median {statistics.median(ms):6.1f} ms"
            f"  max {max(ms):6.1f}  CPU {statistics.median(cpu):6.1f} ms"
            f"  ({statistics.median(ms) / statistics.median(total):.1f}x the later ones)"
        )
    print(f"  (render + seal, {args.starts} fresh process(es) each; target <= 150 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

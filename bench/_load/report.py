"""What bench/load.py prints: app and bare side by side, the ratios, and the memory soak."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from _load.drive import Stats


@dataclass
class Result:
    stats: Stats
    seconds: float
    runs: int
    cpu_ms_per_run: float
    rss_mb: float
    rss_trace: list[tuple[int, float]] = field(default_factory=list)  # (runs, MB)


def _q(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0] * 1000
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] * 1000


def _row(label: str, app: float, bare: float, fmt: str = "{:.1f}") -> str:
    ratio = app / bare if bare else float("nan")
    return f"  {label:<22}{fmt.format(app):>10}{fmt.format(bare):>10}{ratio:>9.2f}x"


def report(title: str, app: Result, bare: Result) -> None:
    a, b = app.stats, bare.stats
    print(f"\n{title}")
    print(f"  {'':<22}{'app':>10}{'bare':>10}{'ratio':>10}")
    print(f"  {'taps timed':<22}{len(a.taps):>10}{len(b.taps):>10}")
    print(_row("p50 per tap, ms", _q(a.taps, 50), _q(b.taps, 50)))
    print(_row("p95 per tap, ms", _q(a.taps, 95), _q(b.taps, 95)))
    print(_row("max per tap, ms", max(a.taps, default=0) * 1000, max(b.taps, default=0) * 1000))
    print(_row("runs per second", app.runs / app.seconds, bare.runs / bare.seconds))
    print(_row("server CPU ms per run", app.cpu_ms_per_run, bare.cpu_ms_per_run, "{:.2f}"))
    print(_row("RSS MB", app.rss_mb, bare.rss_mb, "{:.0f}"))
    print(
        f"  {'flows completed':<22}{a.patients:>10}{b.patients:>10}   (app: signed; bare: rounds)"
    )
    print(f"  {'errors':<22}{len(a.errors):>10}{len(b.errors):>10}")
    ways = ", ".join(f"{n} as {how}" for how, n in a.ticks.items())
    print(f'  app\'s "I understand" taps: {ways or "none"}')
    if a.signs:
        print(
            f"  sign tap (PDF + seal + store): {len(a.signs)}, p50 {_q(a.signs, 50):.0f} ms, "
            f"max {max(a.signs) * 1000:.0f} ms"
        )
    for err in (a.errors + b.errors)[:5]:
        print(f"    error: {err}")


def soak_report(name: str, r: Result, warm_runs: int) -> bool:
    warm = next((mb for runs, mb in r.rss_trace if runs >= warm_runs), r.rss_trace[0][1])
    end = r.rss_trace[-1][1] if r.rss_trace else r.rss_mb
    flat = end <= warm * 1.10
    points = ", ".join(
        f"{runs}:{mb:.0f}" for runs, mb in r.rss_trace[:: max(1, len(r.rss_trace) // 8)]
    )
    print(
        f"  {name:<5} {r.runs} runs in {r.seconds:.0f} s: RSS {warm:.0f} MB after {warm_runs} runs "
        f"-> {end:.0f} MB at the end ({(end / warm - 1) * 100:+.1f} %, "
        f"{'within' if flat else 'NOT within'} 10 %); errors {len(r.stats.errors)}"
    )
    print(f"        RSS by runs: {points}")
    return flat

"""What bench/cluster.py prints: taps before, during and after the lost server, and its cost."""

from __future__ import annotations

import argparse
import statistics
from dataclasses import dataclass

from _load.drive import Stats

from _cluster.tablet import Tap


@dataclass
class Loss:
    """One tablet back after its server was lost."""

    reconnect_seconds: float  # socket closed -> the reopened screen drawn
    lost: list[str]  # acknowledged taps the stored draft lacks
    taps_checked: int = 0  # acknowledged taps of the draft compared with the stored one


def _ms(values: list[float], p: int) -> str:
    if not values:
        return "-"
    if len(values) == 1:
        return f"{values[0] * 1000:.0f}"
    return f"{statistics.quantiles(values, n=100, method='inclusive')[p - 1] * 1000:.0f}"


def report(
    args: argparse.Namespace,
    stats: Stats,
    taps: list[Tap],
    losses: list[Loss],
    marks: dict[str, float],
    on_victim: int,
    seconds: float,
    signed: list[str],
    unsigned: list[str],
) -> bool:
    kill, back = marks.get("kill", float("inf")), marks.get("back", float("inf"))
    phases = {
        "before": [t.seconds for t in taps if t.at < kill],
        "during": [t.seconds for t in taps if kill <= t.at < back],
        "after": [t.seconds for t in taps if t.at >= back],
    }
    print(
        f"\n{args.tablets} tablets through nginx on 3 servers, {args.think:g} s think, "
        f"{seconds:.0f} s; one server killed at {args.kill_at:g} s, started again "
        f"{args.down:g} s later ('during' lasts until it is healthy)"
    )
    print(f"  {'':<8}{'taps':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for name, values in phases.items():
        top = f"{max(values) * 1000:.0f}" if values else "-"
        print(f"  {name:<8}{len(values):>7}{_ms(values, 50):>9}{_ms(values, 95):>9}{top:>9}")
    lost = [item for loss in losses for item in loss.lost]
    waits = [loss.reconnect_seconds for loss in losses]
    print(
        f"  patients signed: {stats.patients}; sign tap (PDF + seal + store) "
        f"p50 {_ms(stats.signs, 50)} ms, max {max(stats.signs, default=0) * 1000:.0f} ms"
    )
    print(
        f"  the lost server's tablets: {on_victim}; reconnected {len(losses)}; reconnect "
        f"p50 {_ms(waits, 50)} ms, max {max(waits, default=0) * 1000:.0f} ms"
    )
    checked = sum(loss.taps_checked for loss in losses)
    print(
        f"  lost taps: {len(lost)} of {checked} acknowledged on the lost server's drafts; "
        f"signatures acknowledged {len(signed)}, not stored {len(unsigned)}"
    )
    print(f"  errors (besides the reconnects): {len(stats.errors)}")
    for item in (lost + stats.errors)[:5]:
        print(f"    {item}")
    ok = not lost and not unsigned and not stats.errors and len(losses) >= on_victim > 0
    ok &= bool(phases["after"])
    print(f"\n{'OK' if ok else 'FAILED'}: {'nothing lost' if ok else 'see above'}")
    return ok


def compare_report(args: argparse.Namespace, direct: Stats, proxied: Stats) -> None:
    print(
        f"\nThe proxy's own cost: {args.compare} tablets, {args.think:g} s think, "
        f"{args.compare_seconds:g} s each, on one server"
    )
    print(f"  {'':<16}{'taps':>7}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
    for name, s in (("straight to it", direct), ("through nginx", proxied)):
        print(f"  {name:<16}{len(s.taps):>7}{_ms(s.taps, 50):>9}{_ms(s.taps, 95):>9}"
              f"{len(s.errors):>8}")  # fmt: skip

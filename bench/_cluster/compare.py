"""The same taps straight to one app server and through nginx to that same server: what the
proxy itself adds to a tap (bench/cluster.py prints it before the kill run)."""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

from _load import drive as _drive
from _load.drive import Budget, Stats, Stop, Stuck
from _load.ws import Tablet

from _cluster.tablet import Acked, NginxTablet, TrackingDriver


async def _one(
    tab: Tablet, pack: Any, stats: Stats, budget: Budget, think: float, seed: int
) -> None:
    budget.tablets.append(tab)
    rng = random.Random(seed)
    try:
        async with tab:
            await tab.open()
            d = TrackingDriver(tab, stats, budget, think, rng, log=[], acked=Acked(), signed=[])
            while True:
                await _drive.app_patient(d, pack)
    except Stop:
        return
    except (Stuck, TimeoutError, OSError) as exc:
        stats.errors.append(f"{type(exc).__name__}: {exc}")


async def direct_and_proxied(
    node_port: int, nginx_port: int, affinity: str, pack: Any, tablets: int, seconds: float,
    think: float,
) -> tuple[Stats, Stats]:  # fmt: skip
    """``tablets`` for ``seconds`` on the server's own port, then as many through nginx (their
    cookie routes to that same server), after a pass that is not counted."""
    out = []
    straight, proxied = (lambda: Tablet(node_port)), (lambda: NginxTablet(nginx_port, affinity))
    # A first pass warms what a server's first patients pay for (drafts, screens); not shown.
    for make in (proxied, straight, proxied):
        stats = Stats()
        budget = Budget(until=time.perf_counter() + seconds, max_runs=10**9)
        await asyncio.gather(*(_one(make(), pack, stats, budget, think, k) for k in range(tablets)))
        out.append(stats)
    return out[1], out[2]

"""Speed under a clinic's load: the real app against a bare page, over the websocket, on loopback.

Starts the app (``streamlit run app.py``, a temporary data directory, synthetic patients only)
and bench/_load/bare_page.py (the risks screen's widgets with nothing behind them) with the same server
flags, then drives N simulated tablets through the whole patient flow on the app (language,
details, every health question, every "I understand" one tap at a time, the checks of
understanding, photos, interpreter, review, sign with a drawn signature, then the next patient)
and the same taps on the bare page, one after the other in the same run. Prints per tap p50 / p95
/ max (tap sent -> script finished), runs per second, server CPU ms per script run, RSS, errors;
the sign tap (PDF + seal) apart; app and bare side by side and as ratios.

    python bench/load.py --tablets 100 --think 3 [--seconds 60]   # a clinic at work
    python bench/load.py --stress 10 [--stress-seconds 20]         # 10 tablets, no think time
    python bench/load.py --soak 20000                              # RSS flat over N runs?
    python bench/load.py --quick                                   # CI: small versions, < 60 s

Loopback only; every run is bounded in time and in script runs. Exits 1 when a tablet could not
go through the flow (a broken screen or driver) or any tap showed an error.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# The project first: bench/store.py must not shadow the store package.
sys.path[:0] = [str(ROOT), str(BENCH)]

from _load import drive as _drive  # noqa: E402
from _load import ws as _ws  # noqa: E402
from _load.drive import Budget, Driver, Stats, Stop, Stuck  # noqa: E402
from _load.report import Result, report, soak_report  # noqa: E402
from _load.setup import prepare as _prepare  # noqa: E402
from _load.setup import spread_drafts  # noqa: E402

from checklist.models import Pack  # noqa: E402


@dataclass
class Server:
    name: str
    proc: object
    port: int
    pid: int


def _env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONSENT_", "BENCH_"))}
    env["CONSENT_DATA_DIR"] = str(data)
    env["BENCH_BARE_ITEMS"] = str(data / "bare_items.json")
    return env


async def _tablet(
    server: Server,
    pack: Pack,
    stats: Stats,
    budget: Budget,
    think: float,
    seed: int,
    query: str,
    patients: int | None,
) -> None:
    rng = random.Random(seed)
    await asyncio.sleep(rng.uniform(0, think))  # tablets do not all tap at the same instant
    failures = 0
    while not budget.spent() and failures < 3:
        tab = _ws.Tablet(server.port)
        budget.tablets.append(tab)
        try:
            async with tab:
                await tab.open(query)
                query = ""  # the next patient starts at the language screen
                d = Driver(tab, stats, budget, think, rng)
                done = 0
                while patients is None or done < patients:
                    if server.name == "app":
                        await _drive.app_patient(d, pack)
                    else:
                        await _drive.bare_round(d)
                    done += 1
                return
        except Stop:
            return
        except (Stuck, TimeoutError, OSError) as exc:  # a broken flow: counted, then a new tab
            stats.errors.append(f"{type(exc).__name__}: {exc}")
            failures += 1


async def _phase(
    server: Server,
    pack: Pack,
    tablets: int,
    think: float,
    seconds: float,
    max_runs: int,
    queries: list[str] | None = None,
    patients: int | None = None,
    trace_every: int = 0,
) -> Result:
    stats = Stats()
    budget = Budget(until=time.perf_counter() + seconds, max_runs=max_runs)
    queries = queries or []
    cpu0, t0 = _ws.cpu_seconds(server.pid), time.perf_counter()
    trace: list[tuple[int, float]] = []

    async def sample() -> None:
        nxt = trace_every
        while True:
            await asyncio.sleep(0.25)
            if budget.runs() >= nxt:
                trace.append((budget.runs(), _ws.rss_mb(server.pid)))
                nxt += trace_every

    sampler = asyncio.create_task(sample()) if trace_every else None
    await asyncio.gather(
        *(
            _tablet(
                server,
                pack,
                stats,
                budget,
                think,
                seed=k,
                query=f"resume={queries[k]}" if k < len(queries) else "",
                patients=patients,
            )
            for k in range(tablets)
        )
    )
    if sampler:
        sampler.cancel()
    elapsed = time.perf_counter() - t0
    runs = budget.runs()
    cpu = _ws.cpu_seconds(server.pid) - cpu0
    rss = _ws.rss_mb(server.pid)
    trace.append((runs, rss))
    return Result(stats, elapsed, runs, cpu / max(runs, 1) * 1000, rss, trace)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tablets", type=int, help="tablets with think time (default 100)")
    p.add_argument("--think", type=float, default=3.0, help="seconds between taps, jittered ±50 %%")
    p.add_argument("--seconds", type=float, default=60.0, help="length of the think-time run")
    p.add_argument("--stress", type=int, help="tablets with no think time (default 10)")
    p.add_argument("--stress-seconds", type=float, default=20.0)
    p.add_argument("--soak", type=int, help="script runs for the memory soak (each server)")
    p.add_argument("--soak-tablets", type=int, default=10)
    p.add_argument("--soak-seconds", type=float, default=1800.0, help="the soak's time bound")
    p.add_argument("--no-spread", action="store_true", help="every tablet starts at language")
    p.add_argument("--max-runs", type=int, default=200_000, help="bound on runs per phase")
    p.add_argument("--quick", action="store_true", help="small versions of each (CI, < 60 s)")
    args = p.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # long runs: as it goes
    if args.quick:
        args.tablets, args.think, args.seconds = 1, 0.0, 30.0
        args.stress, args.stress_seconds = 2, 1.5
        args.soak, args.soak_tablets, args.soak_seconds = 150, 2, 3.0
    elif args.tablets is None and args.stress is None and args.soak is None:
        args.tablets, args.stress = 100, 10

    t_start = time.perf_counter()
    data = Path(tempfile.mkdtemp(prefix="bench-load-"))
    rng = random.Random(17)
    pack = _prepare(data)
    env = _env(data)
    procs = [_ws.start("app.py", env), _ws.start(str(BENCH / "_load" / "bare_page.py"), env)]
    try:
        servers = []
        for n, script in enumerate(("app.py", str(BENCH / "_load" / "bare_page.py"))):
            for _attempt in range(3):  # a free port taken meanwhile: start again on another
                proc, port = procs[n]
                try:
                    _ws.wait_ready(proc, port)
                    break
                except RuntimeError:
                    procs[n] = _ws.start(script, env)
            else:
                raise RuntimeError(f"{script} did not start")
            servers.append(Server(("app", "bare")[n], proc, port, proc.pid))
        app, bare = servers
        n_spread = 0 if args.quick or args.no_spread else (args.tablets or 0) + (args.stress or 0)
        tokens = spread_drafts(data, pack, n_spread, rng) if n_spread else []
        ok = True
        print(f"[{time.perf_counter() - t_start:.0f} s] servers up.", end=" ")
        print(
            f"Pack {pack.version}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
        if not args.quick:  # imports, the first PDF, caches: one whole flow each, not measured
            warm = asyncio.run(_phase(app, pack, 1, 0.0, 60.0, 2000, patients=1))
            asyncio.run(_phase(bare, pack, 1, 0.0, 10.0, 200, patients=2))
            if warm.stats.errors or not warm.stats.patients:
                print(f"warm-up flow failed: {warm.stats.errors[:3]}")
                return 1
            print(
                f"Warm-up: one patient, {len(warm.stats.taps) + 1} taps, first sign tap "
                f"{warm.stats.signs[0] * 1000:.0f} ms"
            )
        if args.tablets:
            t_spread, tokens = tokens[: args.tablets], tokens[args.tablets :]
            kw = {"patients": 1} if args.quick else {}
            r_app = asyncio.run(
                _phase(
                    app, pack, args.tablets, args.think, args.seconds, args.max_runs, t_spread, **kw
                )
            )
            r_bare = asyncio.run(
                _phase(bare, pack, args.tablets, args.think, args.seconds, args.max_runs, **kw)
            )
            report(
                f"{args.tablets} tablets, {args.think:g} s think, {r_app.seconds:.0f} s:",
                r_app,
                r_bare,
            )
            ok &= not r_app.stats.errors and not r_bare.stats.errors
            if args.quick:
                ok &= r_app.stats.patients >= args.tablets  # each tablet signed once
        if args.stress:
            r_app = asyncio.run(
                _phase(app, pack, args.stress, 0.0, args.stress_seconds, args.max_runs, tokens)
            )
            r_bare = asyncio.run(
                _phase(bare, pack, args.stress, 0.0, args.stress_seconds, args.max_runs)
            )
            report(
                f"Stress, {args.stress} tablets, no think, {r_app.seconds:.0f} s:", r_app, r_bare
            )
            ok &= not r_app.stats.errors and not r_bare.stats.errors
        if args.soak:
            warm_runs = min(2000, args.soak // 5)
            print(f"\nSoak, {args.soak_tablets} tablets, no think, up to {args.soak} runs each:")
            for server in (app, bare):
                r = asyncio.run(
                    _phase(
                        server, pack, args.soak_tablets, 0.0, args.soak_seconds, args.soak,
                        trace_every=max(1, args.soak // 40),
                    )
                )  # fmt: skip
                flat = soak_report(server.name, r, warm_runs)
                # The app's memory is what must stay flat; the bare page is the reference.
                ok &= not r.stats.errors and (flat or args.quick or server is bare)
        print(f"\n[{time.perf_counter() - t_start:.0f} s] load average {os.getloadavg()[0]:.1f}.")
        print(f"\n{'OK' if ok else 'FAILED'}: {'every flow went through' if ok else 'see above'}")
        return 0 if ok else 1
    finally:
        for proc, _port in procs:
            proc.kill()
            proc.wait(timeout=20)


if __name__ == "__main__":
    raise SystemExit(main())

"""Speed under a clinic's load: the real app against a bare page, over the websocket, on loopback.

Starts the app (``streamlit run app.py``, a temporary data directory, synthetic patients only)
and bench/bare_page.py (the risks screen's widgets with nothing behind them) with the same server
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
import json
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# The project first: bench/store.py must not shadow the store package.
sys.path[:0] = [str(ROOT), str(BENCH)]

from _load import drive as _drive  # noqa: E402
from _load import ws as _ws  # noqa: E402
from _load.drive import Budget, Driver, Stats, Stop, Stuck  # noqa: E402

from checklist.models import Pack, SectionKind  # noqa: E402


@dataclass
class Server:
    name: str
    proc: object
    port: int
    pid: int


@dataclass
class Result:
    stats: Stats
    seconds: float
    runs: int
    cpu_ms_per_run: float
    rss_mb: float
    rss_trace: list[tuple[int, float]] = field(default_factory=list)  # (runs, MB)


def _env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONSENT_", "BENCH_"))}
    env["CONSENT_DATA_DIR"] = str(data)
    env["BENCH_BARE_ITEMS"] = str(data / "bare_items.json")
    return env


def _prepare(data: Path) -> Pack:
    """The pack a new consent starts on (the newest shipped: the data directory is new) and the
    bare page's items, its risks section; no database, so both servers can start at once."""
    from checklist.loader import load_library
    from settings import get_settings

    library = load_library(get_settings(data_dir=data).placeholder_values)
    pack = library.active("sclerotherapy", "en")
    risks = next(s for s in pack.sections if s.kind is SectionKind.RISKS)
    items = [" ".join(i.text.split()) for i in risks.items]
    (data / "bare_items.json").write_text(json.dumps({"title": risks.title, "items": items}))
    return pack


def spread_drafts(data: Path, pack: Pack, n: int, rng: random.Random) -> list[str]:
    """n patients part-way through (details done, then a random number of the screening and
    section screens), made through the real services: at a clinic the tablets are everywhere in
    the flow, not all on the first screen together. Cuts are weighted by the taps of each
    screen, so the section screens (most of the taps) are where most tablets stand."""
    from checklist import flow
    from services import consent as svc
    from services.context import build_context
    from settings import get_settings

    ctx = build_context(get_settings(data_dir=data))  # the app made the schema and the key

    steps = [
        s
        for s in flow.steps_for(pack)
        if s.kind in (flow.StepKind.SCREENING, flow.StepKind.SECTION)
    ]
    weights = [1 + len(s.question_ids) + len(flow.items_on(pack, s)) for s in steps]
    tokens = []
    for _ in range(n):
        token = svc.start_consent(ctx, language="en")
        born = _drive.date_of_birth()
        svc.confirm_details(
            ctx, token, legal_name=_drive.NAME, date_of_birth=born, mrn=None, site="left_leg"
        )
        cut = rng.choices(range(len(steps) + 1), weights=[weights[0], *weights])[0]
        for step in steps[:cut]:
            if step.question_ids:
                svc.answer_screening(ctx, token, dict.fromkeys(step.question_ids, "no"))
            else:
                ticks = {i.id: True for _, i in flow.items_on(pack, step)}
                svc.acknowledge_section(ctx, token, ticked=ticks, questions={})
        tokens.append(token)
    ctx.database.dispose()
    return tokens


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
    procs = [_ws.start("app.py", env), _ws.start(str(BENCH / "bare_page.py"), env)]
    try:
        servers = []
        for n, script in enumerate(("app.py", str(BENCH / "bare_page.py"))):
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
                ok &= not r.stats.errors and (flat or args.quick)
        print(f"\n[{time.perf_counter() - t_start:.0f} s] load average {os.getloadavg()[0]:.1f}.")
        print(f"\n{'OK' if ok else 'FAILED'}: {'every flow went through' if ok else 'see errors'}")
        return 0 if ok else 1
    finally:
        for proc, _port in procs:
            proc.kill()
            proc.wait(timeout=20)


if __name__ == "__main__":
    raise SystemExit(main())

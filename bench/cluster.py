"""A lost server under load: N tablets through nginx across three app servers, one killed.

Starts the loopback cluster of deploy/cluster.py (three `streamlit run app.py` on one fresh
PostgreSQL schema, nginx in front with its affinity cookie) and drives N simulated tablets over
the real websocket protocol (bench/_load: every tap of the whole patient flow, then the next
patient). Each tablet has its own affinity cookie, as a browser does. Part-way through, the
server holding the most tablets is killed (kill -9) and, a few seconds later, started again.
A tablet whose websocket closes reconnects as Streamlit's page does (through nginx, which sends
it to a live server) and reopens its draft by the resume token in its address.

Prints p50/p95/max per tap and errors before, during (kill to restarted and healthy) and after;
what the lost server cost its tablets: reconnect time (socket closed -> screen drawn again) and
lost taps (a tap the client saw acknowledged that the database does not have: checked against
the stored draft at each reconnect, and signatures acknowledged against consents stored). Goal:
0 lost, 0 errors other than the reconnects.

    python bench/cluster.py                           # 30 tablets, 2 s think, ~2 minutes
    python bench/cluster.py --tablets 60 --think 3 --seconds 120
    python bench/cluster.py --quick                   # CI: 6 tablets, under a minute

Needs nginx and PostgreSQL (CONSENT_TEST_POSTGRES_URL or --database-url: a schema is made in it
and dropped after). Exits 1 on a lost tap, an error, or a tablet that never reconnected.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

from _cluster.compare import direct_and_proxied  # noqa: E402
from _cluster.report import Loss, compare_report, report  # noqa: E402
from _cluster.tablet import Acked, NginxTablet, Tap, TrackingDriver  # noqa: E402
from _load import drive as _drive  # noqa: E402
from _load import ws as _ws  # noqa: E402
from _load.drive import Budget, Stats, Stop, Stuck  # noqa: E402
from _load.setup import spread_drafts  # noqa: E402
from websockets.exceptions import ConnectionClosed, InvalidHandshake  # noqa: E402

from checklist import flow  # noqa: E402
from deploy import cluster as trial  # noqa: E402

CHEAP_ARGON2 = {  # no staff sign in here; the servers start faster
    "CONSENT_ARGON2_TIME_COST": "1",
    "CONSENT_ARGON2_MEMORY_KIB": "8",
    "CONSENT_ARGON2_PARALLELISM": "1",
}


async def _tablet(
    port: int,
    affinity: str,
    pack: object,
    stats: Stats,
    taps: list[Tap],
    losses: list[Loss],
    signed: list[str],
    budget: Budget,
    think: float,
    seed: int,
    draft_of,  # type: ignore[no-untyped-def]  # token -> stored draft (in a thread)
    query: str = "",  # a patient part-way through: resume=<token>
) -> None:
    rng = random.Random(seed)
    order = [s.id for s in flow.steps_for(pack)]  # type: ignore[arg-type]
    await asyncio.sleep(rng.uniform(0, max(think, 0.2)))
    acked, closed_at = Acked(), None
    while not budget.spent():
        tab = NginxTablet(port, affinity)
        budget.tablets.append(tab)
        try:
            async with tab:
                await tab.open(query)  # a reload: the address still holds the resume token
                if closed_at is not None:  # back after a lost server: what did it cost?
                    lost: list[str] = []
                    checked = 0
                    if acked.token and acked.token not in signed:  # signed: checked at the end
                        draft = await asyncio.to_thread(draft_of, acked.token)
                        lost, checked = acked.missing_from(draft, order), acked.taps()
                    losses.append(Loss(time.perf_counter() - closed_at, lost, checked))
                    closed_at = None
                d = TrackingDriver(
                    tab, stats, budget, think, rng, log=taps, acked=acked, signed=signed
                )
                while True:
                    await _drive.app_patient(d, pack)
        except Stop:
            return
        except (ConnectionClosed, InvalidHandshake, OSError) as exc:  # server lost: reconnect
            if closed_at is None:
                closed_at = time.perf_counter()
            query = tab.query
            if not isinstance(exc, ConnectionClosed) and time.perf_counter() - closed_at > 30:
                stats.errors.append(f"no reconnect in 30 s: {exc}")
                return
            await asyncio.sleep(0.2)
        except (Stuck, TimeoutError) as exc:
            stats.errors.append(f"{type(exc).__name__}: {exc}")
            acked, query = Acked(), ""


async def _run(args: argparse.Namespace, running: trial.Cluster, pack: object, draft_of, tokens):  # type: ignore[no-untyped-def]
    port = int(running.url.rsplit(":", 1)[1])
    cookies = [f"bench-{k:04d}" for k in range(args.tablets)]
    placed = {c: running.node_for(c) for c in cookies}
    victim = max(running.nodes, key=lambda n: sum(p is n for p in placed.values()))
    on_victim = sum(p is victim for p in placed.values())
    stats, taps, losses, signed = Stats(), [], [], []

    async def warm(node: trial.Node) -> None:  # each server's first page loads the packs
        async with _ws.Tablet(node.port) as tab:
            await tab.open()

    await asyncio.gather(*(warm(n) for n in running.nodes))
    if args.compare:
        node = running.nodes[-1]
        direct, proxied = await direct_and_proxied(
            node.port, port, running.affinity_on(node), pack, args.compare, args.compare_seconds,
            args.think,
        )  # fmt: skip
        compare_report(args, direct, proxied)
    t0 = time.perf_counter()
    budget = Budget(until=t0 + args.seconds, max_runs=10**9)
    marks: dict[str, float] = {}

    async def chaos() -> None:
        await asyncio.sleep(args.kill_at)
        marks["kill"] = time.perf_counter()
        victim.kill()
        print(f"[{marks['kill'] - t0:.0f} s] kill -9 {victim.name} ({on_victim} tablets on it)")
        await asyncio.sleep(args.down)
        await asyncio.to_thread(running.restart, victim)
        marks["back"] = time.perf_counter()
        budget.until = max(budget.until, marks["back"] + args.after)  # a slow restart: still after
        print(f"[{marks['back'] - t0:.0f} s] {victim.name} restarted and healthy")

    tablets = [
        _tablet(
            port, c, pack, stats, taps, losses, signed, budget, args.think, k, draft_of,
            f"resume={tokens[k]}" if k < len(tokens) else "",
        )
        for k, c in enumerate(cookies)
    ]  # fmt: skip
    await asyncio.gather(chaos(), *tablets)
    return stats, taps, losses, signed, marks, on_victim, time.perf_counter() - t0


def _schema(base: str) -> tuple[str, str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = "bench_" + uuid.uuid4().hex[:12]
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), schema


def _drop(base: str, schema: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tablets", type=int, default=30)
    p.add_argument("--think", type=float, default=2.0, help="seconds between taps, ±50 %%")
    p.add_argument("--seconds", type=float, default=75.0, help="length of the run")
    p.add_argument("--kill-at", type=float, default=25.0, help="seconds in: kill -9 a server")
    p.add_argument("--down", type=float, default=10.0, help="seconds before it is restarted")
    p.add_argument("--after", type=float, default=15.0, help="at least this long after it is back")
    p.add_argument("--compare", type=int, default=5, help="tablets straight vs via nginx (0: no)")
    p.add_argument("--compare-seconds", type=float, default=15.0)
    p.add_argument("--no-spread", action="store_true", help="every tablet starts at language")
    p.add_argument("--database-url", default=os.environ.get("CONSENT_TEST_POSTGRES_URL"))
    p.add_argument("--quick", action="store_true", help="6 tablets, under a minute (CI)")
    args = p.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    if args.quick:
        args.tablets, args.think, args.seconds, args.kill_at, args.down = 6, 0.5, 16.0, 5.0, 3.0
        args.compare, args.compare_seconds, args.after = 2, 3.0, 5.0
    if trial.nginx_or_none() is None or not args.database_url:
        print("needs nginx and PostgreSQL (CONSENT_TEST_POSTGRES_URL or --database-url)")
        return 1
    url, schema = _schema(args.database_url)
    work = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    running = None
    try:
        t_start = time.perf_counter()
        running = trial.start_cluster(url, workdir=work, extra_env=CHEAP_ARGON2)
        for name, value in running.env.items():  # this process reads the drafts the servers wrote
            if name.startswith("CONSENT_"):
                os.environ[name] = value
        from checklist.loader import load_library
        from services import drafts
        from services.context import build_context
        from settings import get_settings

        settings = get_settings(data_dir=work / "bench-data")
        ctx = build_context(settings)
        pack = load_library(settings.placeholder_values).active("sclerotherapy", "en")
        # As at a clinic, the tablets are everywhere in the flow, not all on its first screen
        # (bench/load.py's spread): the kill finds drafts with many taps, and some sign.
        n = 0 if args.quick or args.no_spread else args.tablets
        tokens = spread_drafts(settings.resolved_data_dir, pack, n, random.Random(17))
        print(
            f"[{time.perf_counter() - t_start:.0f} s] cluster up at {running.url}: "
            f"{len(running.nodes)} servers; load average {os.getloadavg()[0]:.1f} "
            f"on {os.cpu_count()} cores"
        )
        stats, taps, losses, signed, marks, on_victim, seconds = asyncio.run(
            _run(args, running, pack, lambda token: drafts.load_draft(ctx, token), tokens)
        )
        with ctx.database.uow(read_only=True) as uow:  # every acknowledged signature stored?
            unsigned = [t for t in signed if uow.consents.find_by_draft_token(t) is None]
        ctx.database.dispose()
        ok = report(args, stats, taps, losses, marks, on_victim, seconds, signed, unsigned)
        return 0 if ok else 1
    finally:
        if running is not None:
            running.stop()
        _drop(args.database_url, schema)


if __name__ == "__main__":
    raise SystemExit(main())

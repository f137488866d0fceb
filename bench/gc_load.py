"""What does runner.postScriptGC cost a real server? (Loopback only, bounded in time.)

N simulated tablets (websocket clients speaking Streamlit's protocol) re-run a mid-flow screen for
a few seconds against the real app on 127.0.0.1, once with runner.postScriptGC on and once off;
prints runs per second, p50/p95 latency, the server's CPU milliseconds per run and its memory.

    python bench/gc_load.py [--clients 20] [--seconds 8] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]  # the project first: bench/store.py is not the store

from _load import ws as _ws  # noqa: E402 (the server's start, its CPU and memory)

from checklist import flow  # noqa: E402

NAME = "Ana María Núñez"


def _start(data: Path, gc_on: bool) -> tuple[subprocess.Popen[bytes], int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONSENT_", "BENCH_"))}
    env["CONSENT_DATA_DIR"] = str(data)
    proc, port = _ws.start("app.py", env, post_script_gc=gc_on)
    _ws.wait_ready(proc, port)
    return proc, port


async def _tablet(port: int, query: str, until: float, latencies: list[float]) -> None:
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    async with websockets.connect(url, subprotocols=["streamlit"], max_size=None) as ws:
        while time.perf_counter() < until:
            msg = BackMsg()
            msg.rerun_script.query_string = query
            t0 = time.perf_counter()
            await ws.send(msg.SerializeToString())
            while True:
                fwd = ForwardMsg()
                fwd.ParseFromString(await ws.recv())
                if fwd.WhichOneof("type") == "script_finished":
                    break
            latencies.append(time.perf_counter() - t0)


async def _load(port: int, tokens: list[str], until: float, latencies: list[float]) -> None:
    await asyncio.gather(*(_tablet(port, f"resume={t}", until, latencies) for t in tokens))


def _drafts(data: Path, n: int) -> list[str]:
    """n tablets half-way through (on the risks screen), made through the real services."""
    from services import consent as svc
    from services import drafts
    from services.context import build_context
    from settings import get_settings

    ctx = build_context(get_settings(data_dir=data))
    tokens = []
    for _ in range(n):
        token = svc.start_consent(ctx, language="en")
        svc.confirm_details(
            ctx,
            token,
            legal_name=NAME,
            date_of_birth=dt.date(1958, 3, 14),
            mrn=None,
            site="left_leg",
        )
        state = drafts.load_draft(ctx, token)
        pack = drafts.pack_of(ctx, state)
        while state.step.startswith("screening") or state.step in (
            "section-about",
            "section-options",
        ):
            step = flow.step_by_id(pack, state.step)
            if step.question_ids:
                state = svc.answer_screening(ctx, token, dict.fromkeys(step.question_ids, "no"))
            else:
                ticks = {i.id: True for s in step.section_ids for i in pack.section(s).items}
                state = svc.acknowledge_section(ctx, token, ticked=ticks, questions={})
        tokens.append(token)
    ctx.database.dispose()
    return tokens


def part_two(clients: int, seconds: float) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for gc_on in (True, False):
        data = Path(tempfile.mkdtemp(prefix="bench-load-"))
        tokens = _drafts(data, clients)  # also creates the schema and the seal key
        proc, port = _start(data, gc_on)
        try:
            warm: list[float] = []
            asyncio.run(_tablet(port, f"resume={tokens[0]}", time.perf_counter() + 2, warm))
            cpu0, latencies = _ws.cpu_seconds(proc.pid), []
            until = time.perf_counter() + seconds

            asyncio.run(_load(port, tokens, until, latencies))
            cpu = _ws.cpu_seconds(proc.pid) - cpu0
            runs = len(latencies)
            q = statistics.quantiles(latencies, n=20)
            out["on" if gc_on else "off"] = {
                "runs_per_s": runs / seconds,
                "p50_ms": statistics.median(latencies) * 1000,
                "p95_ms": q[-1] * 1000,
                "cpu_ms_per_run": cpu / max(runs, 1) * 1000,
                "rss_mb": _ws.rss_mb(proc.pid),
            }
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument(
        "--quick", action="store_true", help="a small fast run (CI): 3 tablets, 2 s"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.clients, args.seconds = 3, 2.0
    two = part_two(args.clients, args.seconds)
    print(
        f"Loopback load, {args.clients} tablets re-running the risks screen for {args.seconds:.0f} s:"
    )
    for name, r in two.items():
        print(
            f"  postScriptGC {name:>3}: {r['runs_per_s']:.0f} runs/s, p50 {r['p50_ms']:.0f} ms, "
            f"p95 {r['p95_ms']:.0f} ms, server CPU {r['cpu_ms_per_run']:.1f} ms/run, RSS {r['rss_mb']:.0f} MB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

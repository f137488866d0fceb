"""A trial cluster on loopback in one command: PostgreSQL, three app servers, nginx in front.

    python deploy/cluster.py                      # http://127.0.0.1:8080, Ctrl-C stops it all
    python deploy/cluster.py --servers 3 --port 8080 --database-url postgresql+psycopg://...
    python deploy/cluster.py nginx-config --server 10.0.0.11:8501 --server 10.0.0.12:8501 \\
        --server-name consent.clinic.example --tls-cert /etc/ssl/consent.pem --tls-key ...

Without --database-url it starts the system PostgreSQL 15 cluster (Debian's ``pg_ctlcluster``)
and makes a database ``consent_trial`` owned by a role ``consent`` (needs root, for
``su postgres``). Every app server gets the same identity (database, encryption key, seal
passphrase, Streamlit cookie secret: deploy/README.md) and its own data folder; nginx runs in
the foreground from a generated configuration in a temporary folder (its own pid, logs and
temporary paths, nothing of the system's). The cluster browser test (tests/cluster/) and
bench/cluster.py start the same cluster through ``start_cluster``.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python deploy/cluster.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deploy.identity import identity_file, new_identity, trial_database
from deploy.nginx_site import (
    AFFINITY_COOKIE,
    UPSTREAM_HEADER,
    nginx_main,
    nginx_or_none,
    render_site,
)

DEPLOY = Path(__file__).resolve().parent
ROOT = DEPLOY.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def streamlit_command(port: int) -> list[str]:
    """One app server on loopback: the trial cluster's, and the browser tests' (e2e_server)."""
    return [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip


def wait_healthy(
    url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 90
) -> None:
    """Until ``url``/_stcore/health answers 200 (what nginx's passive checks cannot tell)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{log.name} exited ({process.returncode}):\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not become healthy:\n{_tail(log)}")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"


# --- the app servers -----------------------------------------------------------------------


@dataclass
class Node:
    """One app server: ``streamlit run app.py`` on its own port and data folder."""

    name: str
    port: int
    data_dir: Path
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, env: dict[str, str]) -> None:
        cmd = streamlit_command(self.port)
        node_env = env | {"CONSENT_DATA_DIR": str(self.data_dir), "PYTHONUNBUFFERED": "1"}
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                cmd, cwd=ROOT, env=node_env, stdout=out, stderr=subprocess.STDOUT
            )

    def kill(self) -> None:
        """kill -9: what a lost machine does (every tap is committed as it is given)."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class Cluster:
    url: str
    nodes: list[Node]
    env: dict[str, str]  # the shared identity every server and `cli.py` run with
    workdir: Path
    nginx: subprocess.Popen[bytes] | None = None
    stopped: bool = field(default=False)

    def node_for(self, affinity: str) -> Node:
        """The server nginx sends a browser with this affinity cookie to (asked through nginx)."""
        req = urllib.request.Request(
            self.url + "/_stcore/health", headers={"Cookie": f"{AFFINITY_COOKIE}={affinity}"}
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            upstream = resp.headers[UPSTREAM_HEADER].split(",")[-1].strip()
        return next(n for n in self.nodes if n.address == upstream)

    def affinity_on(self, node: Node, avoid: set[str] = frozenset()) -> str:  # type: ignore[assignment]
        """An affinity cookie value nginx routes to ``node`` (hashes are tried until one fits)."""
        for k in range(500):
            value = f"trial-{k:04d}"
            if value not in avoid and self.node_for(value) is node:
                return value
        raise RuntimeError(f"no affinity value lands on {node.name}")

    def restart(self, node: Node) -> None:
        node.kill()
        node.start(self.env)
        wait_healthy(node.url, node.process, node.log)  # type: ignore[arg-type]

    def cli(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        """`python cli.py ...` with the cluster's identity (any server's view: they share it)."""
        env = self.env | {"CONSENT_DATA_DIR": str(self.workdir / "cli-data")}
        return subprocess.run(
            [sys.executable, "cli.py", *args], cwd=ROOT, env=env, input=stdin,
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        for node in self.nodes:
            node.kill()
        if self.nginx and self.nginx.poll() is None:
            # Fast shutdown: a graceful one (QUIT) waits for every open websocket to close.
            self.nginx.send_signal(signal.SIGTERM)
            try:
                self.nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.nginx.kill()


def _base_env(identity: dict[str, str], extra_env: dict[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONSENT_", "STREAMLIT_"))}
    return env | identity | (extra_env or {})


def start_cluster(
    database_url: str,
    *,
    servers: int = 3,
    port: int | None = None,
    workdir: Path | None = None,
    extra_env: dict[str, str] | None = None,
    identity: dict[str, str] | None = None,
    debug_upstream: bool = True,
) -> Cluster:
    """The database migrated once (`cli.py init`), then the servers side by side, then nginx."""
    nginx = nginx_or_none()
    if nginx is None:
        raise RuntimeError("nginx is not installed (Debian: apt-get install nginx)")
    workdir = workdir or Path(tempfile.mkdtemp(prefix="consent-cluster-"))
    workdir.mkdir(parents=True, exist_ok=True)
    identity = (identity or new_identity(database_url)) | {"CONSENT_DATABASE_URL": database_url}
    env = _base_env(identity, extra_env)
    cluster = Cluster("", [], env, workdir)
    try:
        init = cluster.cli("init")
        if init.returncode != 0:
            raise RuntimeError(f"cli.py init failed:\n{init.stdout}{init.stderr}")
        for k in range(servers):
            p = free_port()
            node = Node(f"app{k + 1}", p, workdir / f"app{k + 1}-data", workdir / f"app{k + 1}.log")
            node.start(cluster.env)
            cluster.nodes.append(node)
        for node in cluster.nodes:
            wait_healthy(node.url, node.process, node.log)  # type: ignore[arg-type]
        port = port or free_port()
        site = render_site(
            [n.address for n in cluster.nodes],
            listen=f"127.0.0.1:{port}",
            debug_upstream=debug_upstream,
        )
        conf = workdir / "nginx.conf"
        conf.write_text(nginx_main(site, workdir))
        log = workdir / "nginx.out"
        with log.open("wb") as out:
            cluster.nginx = subprocess.Popen(
                [nginx, "-c", str(conf), "-p", str(workdir), "-e", str(workdir / "nginx-error.log")],
                stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        cluster.url = f"http://127.0.0.1:{port}"
        wait_healthy(cluster.url, cluster.nginx, workdir / "nginx-error.log", timeout=20)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command")
    p.add_argument("--servers", type=int, default=3)
    p.add_argument("--port", type=int, default=8080, help="nginx on 127.0.0.1:PORT")
    p.add_argument("--database-url", help="a PostgreSQL URL (default: a local trial database)")
    p.add_argument(
        "--identity",
        type=Path,
        default=ROOT / "data" / "trial-cluster.env",
        help="the shared identity, made on the first run and kept (default: %(default)s)",
    )
    cfg = sub.add_parser("nginx-config", help="print the nginx site for real app servers")
    cfg.add_argument("--server", action="append", required=True, help="HOST:PORT, repeatable")
    cfg.add_argument("--listen", default="443")
    cfg.add_argument("--server-name", default="_")
    cfg.add_argument("--tls-cert")
    cfg.add_argument("--tls-key")
    args = p.parse_args(argv)
    if args.command == "nginx-config":
        tls = (args.tls_cert, args.tls_key) if args.tls_cert and args.tls_key else None
        print(render_site(args.server, listen=args.listen, server_name=args.server_name, tls=tls))
        return 0
    # Ctrl-C, or a TERM from a service manager, stops everything (the servers are children).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    url = args.database_url or trial_database()
    identity = identity_file(args.identity, url)
    cluster = start_cluster(url, servers=args.servers, port=args.port, identity=identity)
    try:
        print(f"Trial cluster: {cluster.url}  (staff: {cluster.url}/staff)")
        for node in cluster.nodes:
            print(f"  {node.name}: {node.url} (pid {node.process.pid}, log {node.log})")  # type: ignore[union-attr]
        print(f"  nginx: {cluster.workdir / 'nginx.conf'}; database {url.split('@')[-1]}")
        print(f"  a first administrator: set -a; . {args.identity}; set +a;")
        print("      python cli.py add-user admin --role admin --display-name 'Clinic Admin'")
        print("Ctrl-C stops everything.")
        # A lost app server is started again, as systemd's Restart=always would (meanwhile nginx
        # routes its browsers to the others: kill one to watch it); losing nginx ends the trial.
        while cluster.nginx.poll() is None:  # type: ignore[union-attr]
            for node in cluster.nodes:
                if not node.alive():
                    code = node.process.returncode if node.process else None
                    print(f"{node.name} stopped (exit {code}); starting it again")
                    cluster.restart(node)
                    print(f"{node.name} is back: {node.url} (pid {node.process.pid})")  # type: ignore[union-attr]
            time.sleep(1)
        print("nginx stopped; stopping the app servers")
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        cluster.stop()


if __name__ == "__main__":
    raise SystemExit(main())

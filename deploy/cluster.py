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
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
ROOT = DEPLOY.parent
TEMPLATE = DEPLOY / "nginx" / "consent.conf.template"
AFFINITY_COOKIE = "consent_node"  # the template's cookie
UPSTREAM_HEADER = "X-Consent-Upstream"  # trial only: which server answered
NGINX = os.environ.get("CONSENT_NGINX", "/usr/sbin/nginx")
TRIAL_DATABASE = "consent_trial"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


# --- nginx ---------------------------------------------------------------------------------


def render_site(
    servers: list[str],
    *,
    listen: str = "127.0.0.1:8080",
    server_name: str = "_",
    tls: tuple[str, str] | None = None,
    debug_upstream: bool = False,
) -> str:
    """The template filled in: the upstream servers, where to listen, TLS or not."""
    upstreams = "\n".join(f"    server {s} max_fails=1 fail_timeout=10s;" for s in servers)
    if tls:
        cert, key = tls
        listen_block = f"    listen {listen} ssl http2;\n" + (  # nginx 1.22's spelling
            f"    ssl_certificate {cert};\n    ssl_certificate_key {key};\n"
            "    ssl_protocols TLSv1.2 TLSv1.3;\n"
            '    add_header Strict-Transport-Security "max-age=31536000" always;'
        )
        redirect = (
            "server {\n    listen 80;\n"
            f"    server_name {server_name};\n"
            "    return 301 https://$host$request_uri;\n}"
        )
    else:
        listen_block, redirect = f"    listen {listen};", ""
    debug = f"    add_header {UPSTREAM_HEADER} $upstream_addr always;\n" if debug_upstream else ""
    text = TEMPLATE.read_text(encoding="utf-8")
    for marker, value in {
        "@@UPSTREAM_SERVERS@@": upstreams,
        "@@LISTEN@@": listen_block,
        "@@SERVER_NAME@@": server_name,
        "@@COOKIE_SECURE@@": "; Secure" if tls else "",
        "@@DEBUG_HEADERS@@": debug,
        "@@TLS_REDIRECT@@": redirect,
    }.items():
        text = text.replace(marker, value)
    return text


def nginx_main(site: str, workdir: Path) -> str:
    """A whole nginx.conf for a foreground nginx that touches nothing outside ``workdir``."""
    temp = workdir / "nginx-temp"
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (temp / sub).mkdir(parents=True, exist_ok=True)
    user = ""
    if os.geteuid() == 0:  # root's workers become nobody: let them write their temp files
        user = "user nobody nogroup;\n"
        for path in [temp, *temp.iterdir()]:
            shutil.chown(path, "nobody", "nogroup")
    return (
        f"{user}worker_processes 1;\ndaemon off;\npid {workdir / 'nginx.pid'};\n"
        f"error_log {workdir / 'nginx-error.log'} warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        f"    access_log {workdir / 'nginx-access.log'};\n"
        f"    client_body_temp_path {temp / 'body'};\n    proxy_temp_path {temp / 'proxy'};\n"
        f"    fastcgi_temp_path {temp / 'fastcgi'};\n    uwsgi_temp_path {temp / 'uwsgi'};\n"
        f"    scgi_temp_path {temp / 'scgi'};\n" + site + "\n}\n"
    )


def nginx_or_none() -> str | None:
    return NGINX if Path(NGINX).exists() else shutil.which("nginx")


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
        cmd = [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.headless", "true", "--server.port", str(self.port),
            "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
            "--browser.gatherUsageStats", "false",
        ]  # fmt: skip
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
        if self.nginx and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)  # graceful: closes its websockets
            try:
                self.nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
        for node in self.nodes:
            node.kill()


def new_identity(database_url: str) -> dict[str, str]:
    """What every server of one clinic must share (deploy/README.md: "One identity"), made fresh;
    a real site keeps these in /etc/consent/cluster.env (deploy/systemd/cluster.env.example)."""
    from cryptography.fernet import Fernet

    return {
        "CONSENT_DATABASE_URL": database_url,
        "CONSENT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "CONSENT_SEAL_KEY_PASSPHRASE": secrets.token_urlsafe(24),
        "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_urlsafe(32),
    }


def identity_file(path: Path, database_url: str) -> dict[str, str]:
    """The trial's identity, kept beside its database between runs (a new encryption key would
    make the stored records unreadable); made on the first run."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [f"{k}={v}" for k, v in new_identity(database_url).items()]
        path.write_text("\n".join(lines) + "\n")
        path.chmod(0o600)
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, v in pairs}


def _base_env(identity: dict[str, str], extra_env: dict[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONSENT_", "STREAMLIT_"))}
    return env | identity | (extra_env or {})


def trial_database() -> str:
    """The system PostgreSQL 15 started (if it is not) and a trial database made in it."""
    subprocess.run(["pg_ctlcluster", "15", "main", "start"], capture_output=True)
    for _ in range(30):
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0:
            break
        time.sleep(1)
    sql = (
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'consent') THEN "
        "CREATE ROLE consent LOGIN PASSWORD 'consent'; END IF; END $$;\n"
        f"SELECT 'CREATE DATABASE {TRIAL_DATABASE} OWNER consent' WHERE NOT EXISTS "
        f"(SELECT FROM pg_database WHERE datname = '{TRIAL_DATABASE}')\\gexec\n"
    )
    done = subprocess.run(
        ["su", "postgres", "-c", "psql -q -v ON_ERROR_STOP=1"], input=sql, text=True,
        capture_output=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"could not make the trial database: {done.stderr.strip()}")
    return f"postgresql+psycopg://consent:consent@127.0.0.1:5432/{TRIAL_DATABASE}"


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
        while all(n.alive() for n in cluster.nodes) and cluster.nginx.poll() is None:  # type: ignore[union-attr]
            time.sleep(1)
        print("a process of the cluster stopped; stopping the rest")
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        cluster.stop()


if __name__ == "__main__":
    raise SystemExit(main())

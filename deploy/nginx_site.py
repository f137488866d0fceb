"""The nginx side of deploy/: the site template filled in (deploy/nginx/consent.conf.template),
and a whole nginx.conf for a foreground nginx that keeps to its own folder (the trial cluster)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "nginx" / "consent.conf.template"
AFFINITY_COOKIE = "consent_node"  # the template's cookie
UPSTREAM_HEADER = "X-Consent-Upstream"  # trial only: which server answered
NGINX = os.environ.get("CONSENT_NGINX", "/usr/sbin/nginx")


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

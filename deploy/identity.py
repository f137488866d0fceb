"""What the servers of one clinic share (deploy/README.md, "One identity"), for the trial
cluster: made fresh, or kept in a file beside the trial database; and that database itself."""

from __future__ import annotations

import secrets
import subprocess
import time
from pathlib import Path

TRIAL_DATABASE = "consent_trial"


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

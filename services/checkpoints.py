"""Signed audit checkpoints: the chain's head, signed with the seal key, kept outside the database.

Someone who can write to the database alone can cut the last audit events and rewrite the head
row to match; the chain itself cannot tell. Two anchors sit where they cannot reach: the head
printed into every sealed PDF (``forms.pdf_evidence``), and these checkpoints, one JSON line per
statement ``{"last_id", "last_hash", "at"}`` with its signature, appended to
``<data dir>/audit/checkpoints.jsonl`` (file 0600, folder 0700). They are files, not rows: a
checkpoint stored in the database could be cut together with the tail it protects. ``check-all``
writes one after each clean run (so a nightly run anchors the day), and checks that the chain
still reaches every checkpoint with the same hash. A line whose signature does not verify with
the seal certificate counts as a finding: the file was edited.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forms.seal_check import sign_statement, statement_verifies

CHECKPOINT_DIR = "audit"
CHECKPOINT_FILE = "checkpoints.jsonl"


@dataclass(frozen=True)
class Checkpoint:
    line: int  # 1-based line in the file, to name it in a finding
    last_id: int
    last_hash: str
    at: str


@dataclass(frozen=True)
class CheckpointRead:
    valid: list[Checkpoint]
    bad: list[tuple[int, str]]  # (line, what is wrong)


def checkpoint_path(data_dir: Path) -> Path:
    return Path(data_dir) / CHECKPOINT_DIR / CHECKPOINT_FILE


def _statement(last_id: int, last_hash: str, at: str) -> bytes:
    fields = {"last_id": last_id, "last_hash": last_hash, "at": at}
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode("utf-8")


def read_checkpoints(path: Path, certificates: list[Any]) -> CheckpointRead:
    """Every checkpoint in ``path`` whose signature verifies; the others named by line."""
    valid: list[Checkpoint] = []
    bad: list[tuple[int, str]] = []
    if not path.is_file():
        return CheckpointRead(valid, bad)
    for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            entry = json.loads(text)
            last_id, last_hash, at = int(entry["last_id"]), str(entry["last_hash"]), entry["at"]
            signature = base64.b64decode(entry["signature"], validate=True)
        except (ValueError, KeyError, TypeError):
            bad.append((n, "cannot be read"))
            continue
        if not statement_verifies(certificates, _statement(last_id, last_hash, at), signature):
            bad.append((n, "its signature does not verify with the seal certificate"))
            continue
        valid.append(Checkpoint(n, last_id, last_hash, at))
    return CheckpointRead(valid, bad)


def write_checkpoint(
    path: Path, sealer: Any, last_id: int, last_hash: str, at: dt.datetime
) -> None:
    """Append one signed statement (a no-op for an empty chain); owner-only file and folder."""
    if last_id <= 0:
        return
    when = at.astimezone(dt.UTC).isoformat(timespec="seconds")
    signature = sign_statement(sealer, _statement(last_id, last_hash, when))
    line = {
        "last_id": last_id,
        "last_hash": last_hash,
        "at": when,
        "signature": base64.b64encode(signature).decode("ascii"),
    }
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(line, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


@dataclass(frozen=True)
class Anchor:
    """A point the chain must still reach with this hash: a sealed PDF's head or a checkpoint."""

    last_id: int
    last_hash: str
    source: str  # "document 12 (final, consent ...)" or "the checkpoint signed at ..."


def check_anchors(uow: Any, report: Any, anchors: list[Anchor], last_id: int) -> None:
    """The chain reaches every anchor, and holds there the event it held when anchored."""
    report.checked["anchors"] = len(anchors)
    if not anchors:
        return
    newest = max(anchors, key=lambda a: a.last_id)
    report.notes.append(f"Newest anchor: audit event {newest.last_id}, in {newest.source}.")
    if newest.last_id > last_id:
        report.fail(
            "audit trail",
            f"it ends at event {last_id}, but {newest.source} shows it had already reached "
            f"event {newest.last_id}: events were removed from its end",
        )
    hashes = uow.audit.hashes(a.last_id for a in anchors if 0 < a.last_id <= last_id)
    for a in sorted(anchors, key=lambda a: a.last_id):
        if 0 < a.last_id <= last_id and hashes.get(a.last_id) != a.last_hash:
            report.fail(
                f"audit event {a.last_id}",
                f"it is not the event {a.source} anchored (the trail was rewritten from there)",
            )

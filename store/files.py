"""Files private by default: what the app writes holding patients' data is owner-only.

The database (SQLite gives its -wal and -shm files the database file's own mode), backups, day
exports and the seal key are created mode 0600 in folders created 0700, whatever the process
umask. ``wide_modes`` lists what another user on the host could read, for a check to warn on.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Make ``path`` (and any missing parent) as an owner-only folder. An existing folder is
    left as it is: it may be the clinic's own (a backup share), and ``wide_modes`` reports it."""
    path = path.expanduser()
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue  # made a moment ago by another process
        os.chmod(folder, DIR_MODE)  # mkdir's mode is filtered by the umask
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty and owner-only if it is missing; make an existing one owner-only."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        pass
    else:
        os.close(fd)
    os.chmod(path, FILE_MODE)
    return path


def write_private(path: Path, data: bytes) -> Path:
    """Write ``data`` to a new owner-only file at ``path`` (replaced whole, never half-written)."""
    private_dir(path.parent)
    part = path.with_name(path.name + ".part")
    part.unlink(missing_ok=True)
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(part, path)
    return path


def wide_modes(paths: Iterable[Path]) -> list[str]:
    """One line for each existing path that group or others may use (missing paths are skipped)."""
    found = []
    for path in paths:
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except FileNotFoundError:
            continue
        want = DIR_MODE if os.path.isdir(path) else FILE_MODE
        if mode & 0o077:
            found.append(
                f"{path} is mode {mode:04o}; other users on this host may read it "
                f"(make it {want:04o}: chmod {want:o} {path})"
            )
    return found


def sqlite_files(db_path: Path) -> list[Path]:
    """A SQLite database and the files SQLite keeps beside it."""
    return [db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm"), Path(f"{db_path}-journal")]


def clinic_files(data_dir: Path, db_path: Path | None) -> list[Path]:
    """What the app itself keeps private: the data folder, the SQLite files, the seal key."""
    from forms.seal import KEY_FILE, SEAL_DIR

    paths = [data_dir, data_dir / SEAL_DIR, data_dir / SEAL_DIR / KEY_FILE]
    return paths + (sqlite_files(db_path) if db_path is not None else [])

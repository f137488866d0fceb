"""Find, parse and validate content packs.

Packs live in ``checklist/packs/<pack id>/<version>/<language>.yaml`` (shipped) and in the same
layout under a clinic's own directory (``CONSENT_CONTENT_DIR``). Every version stays on disk so
any filed consent can be re-rendered from exactly what its patient saw. This is a plain function;
the UI wraps it in ``st.cache_resource`` so it runs once per process.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from checklist.models import Pack
from checklist.pack_errors import describe_validation_error
from checklist.translation import validate_translation
from checklist.validation import validate_pack
from language import yaml_text

SHIPPED_DIR = Path(__file__).resolve().parent / "packs"


class PackError(Exception):
    """One or more packs are broken; ``problems`` are full sentences naming file, item and fix."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class LoadedPack:
    pack: Pack
    path: Path


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


@dataclass
class PackLibrary:
    packs: dict[tuple[str, str, str], LoadedPack] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def get(self, pack_id: str, version: str, language: str) -> Pack:
        try:
            return self.packs[(pack_id, version, language)].pack
        except KeyError:
            raise KeyError(f"no content pack {pack_id} {version} ({language}) on disk") from None

    def path_of(self, pack: Pack) -> Path:
        return self.packs[pack.key].path

    def versions(self, pack_id: str, language: str) -> list[str]:
        found = [v for (i, v, lang) in self.packs if i == pack_id and lang == language]
        return sorted(found, key=_version_key)

    def languages(self, pack_id: str) -> list[str]:
        return sorted({lang for (i, _v, lang) in self.packs if i == pack_id})

    def pack_ids(self) -> list[str]:
        return sorted({i for (i, _v, _l) in self.packs})

    def active(
        self, pack_id: str, language: str, active_versions: Mapping[str, str] | None = None
    ) -> Pack:
        """The version settings choose for this language, else the newest on disk."""
        wanted = (active_versions or {}).get(language)
        if wanted:
            return self.get(pack_id, wanted, language)
        versions = self.versions(pack_id, language)
        if not versions:
            raise KeyError(f"no content pack {pack_id} in language {language}")
        return self.get(pack_id, versions[-1], language)

    def content_line(self, pack: Pack) -> str:
        """The version that began ``pack``'s major line: the newest version up to and including
        it whose change is major (``Pack.change``). A course is valid while the active pack's
        line is its own; a minor version carries the line on."""
        line = None
        for version in self.versions(pack.id, pack.language):
            if _version_key(version) > _version_key(pack.version):
                break
            if line is None or self.get(pack.id, version, pack.language).change == "major":
                line = version  # the first version on disk begins a line whatever it says
        return line or pack.version

    def all(self) -> Iterable[LoadedPack]:
        return (self.packs[k] for k in sorted(self.packs))


def pack_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*/*/*.yaml") if p.is_file())


def parse_pack_file(path: Path) -> tuple[Pack | None, list[str]]:
    """Parse one file into a Pack, or return the problems found."""
    try:
        raw = yaml_text.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml_text.YAMLError) as exc:
        return None, [f"{path}: cannot be read as YAML ({exc}). Fix the file's syntax."]
    if not isinstance(raw, dict):
        return None, [
            f"{path}: the file must hold one pack (a mapping of keys), not {type(raw).__name__}."
        ]
    try:
        pack = Pack.model_validate(raw)
    except ValidationError as exc:
        return None, [f"{path}: {line}" for line in describe_validation_error(exc, raw)]
    problems = []
    parts = path.parts
    expected = (parts[-3], parts[-2], path.stem)
    if pack.key != expected:
        problems.append(
            f"{path}: the file declares {pack.id} {pack.version} ({pack.language}) but sits at "
            f"{'/'.join(expected)}. Move it to <id>/<version>/<language>.yaml."
        )
    return pack, problems


def load_library(
    values: Mapping[str, str], extra_dirs: Iterable[Path | None] = (), *, strict: bool = False
) -> PackLibrary:
    """Load every pack from the shipped directory and any clinic directories.

    A broken pack is left out and its problems kept in ``library.problems``; with ``strict`` the
    first problem raises ``PackError`` instead (what tests and ``cli.py check-content`` want).
    """
    library = PackLibrary()
    dirs = [SHIPPED_DIR, *(d for d in extra_dirs if d is not None)]
    for directory in dirs:
        if not directory.is_dir():
            library.problems.append(f"{directory}: content directory not found.")
            continue
        for path in pack_files(directory):
            pack, problems = parse_pack_file(path)
            if pack is not None:
                problems += [f"{path}: {p}" for p in validate_pack(pack, values)]
            if problems or pack is None:
                library.problems.extend(problems)
                continue
            if pack.key in library.packs:
                library.problems.append(
                    f"{path}: {pack.id} {pack.version} ({pack.language}) is already loaded from "
                    f"{library.packs[pack.key].path}; a clinic pack must use a new version number."
                )
                continue
            library.packs[pack.key] = LoadedPack(pack, path)
    for loaded in list(library.all()):
        pack = loaded.pack
        if pack.source_language is None:
            continue
        source_key = (pack.id, pack.version, pack.source_language)
        source = library.packs.get(source_key)
        if source is None:
            library.problems.append(
                f"{loaded.path}: translation of {pack.source_language} {pack.version}, which is "
                "not on disk. Add the source pack or fix source_language."
            )
            del library.packs[pack.key]
            continue
        drift = validate_translation(source.pack, pack)
        if drift:
            library.problems.extend(f"{loaded.path}: {d}" for d in drift)
            del library.packs[pack.key]
    if strict and library.problems:
        raise PackError(library.problems)
    return library

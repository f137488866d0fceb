"""Everything a use case needs from the running app, built once per process."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from checklist.loader import PackLibrary, load_library
from checklist.models import Pack
from forms.clinic import ClinicInfo
from services.clock import Clock, SystemClock
from settings import ConfigurationError, Settings

if TYPE_CHECKING:
    from forms.seal import Sealer
    from store.db import Database


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    library: PackLibrary
    database: Database
    sealer: Sealer
    clock: Clock = field(default_factory=SystemClock)

    @property
    def clinic(self) -> ClinicInfo:
        s = self.settings
        return ClinicInfo(
            name=s.clinic_name,
            address=s.clinic_address,
            phone=s.clinic_phone,
            timezone=s.clinic_timezone,
            language=s.clinic_language,
        )

    def active_pack(self, language: str, pack_id: str = "sclerotherapy") -> Pack:
        return self.library.active(pack_id, language, self.settings.active_versions)


def _refuse_demo_content(settings: Settings, library: PackLibrary) -> None:
    """Production never gives patients content the clinic's medical director has not approved."""
    demo = []
    for pack_id in library.pack_ids():
        for language in library.languages(pack_id):
            try:
                pack = library.active(pack_id, language, settings.active_versions)
            except KeyError as exc:
                raise ConfigurationError(f"CONSENT_ACTIVE_VERSIONS: {exc.args[0]}") from None
            if pack.approval_is_demo:
                demo.append(f"{pack.id} {pack.version} ({pack.language})")
    if demo:
        raise ConfigurationError(
            "production needs content approved by the clinic: the active pack "
            + ", ".join(demo)
            + " still has the demo approval text (set approved_by in the clinic's own pack, "
            "CONSENT_CONTENT_DIR, and choose it with CONSENT_ACTIVE_VERSIONS)"
        )


def build_context(
    settings: Settings, clock: Clock | None = None, *, warm_pdf_fonts: bool = True
) -> AppContext:
    """Open (and upgrade) the database, load content, load or create the seal key.

    ``warm_pdf_fonts=False`` for a short-lived process (the command line): preparing the fonts
    ahead only pays off in a server that will render PDFs later."""
    from forms.pdf_fonts import warm_up
    from forms.seal import load_or_create_sealer
    from store.db import open_database
    from store.files import private_dir

    private_dir(settings.resolved_data_dir)  # owner-only: it holds the database and seal key
    library = load_library(settings.placeholder_values, [settings.content_dir])
    if not settings.is_demo:
        _refuse_demo_content(settings, library)
    database = open_database(settings.resolved_database_url, settings=settings)
    sealer = load_or_create_sealer(settings)
    # Preparing the fonts takes 1.5-2 s once per process: do it now, off the first patient's tap.
    if warm_pdf_fonts:
        threading.Thread(target=warm_up, name="pdf-font-warm-up", daemon=True).start()
    return AppContext(settings, library, database, sealer, clock or SystemClock())

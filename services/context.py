"""Everything a use case needs from the running app, built once per process."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from checklist.loader import PackLibrary, load_library
from checklist.models import Pack
from errors import ConfigurationError
from forms.clinic import ClinicInfo
from services.clock import Clock, SystemClock
from settings import Settings

if TYPE_CHECKING:
    from forms.seal import Sealer
    from services.clinic_seal import SealTrust
    from store.db import Database
    from store.uow import UnitOfWork

log = logging.getLogger(__name__)

# How long one app server trusts its copy of the activations: several servers share the
# database, and another server's activation must show here within a minute.
ACTIVATIONS_TTL_S = 30.0
ActiveSource = Literal["pinned", "activated", "newest"]


class ActivationCache:
    """The newest activation per (pack, language), read at most every ``ACTIVATIONS_TTL_S`` per
    process (a draft start or a queue row asks; a tap never does), dropped by an activation."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._versions: dict[tuple[str, str], str] | None = None
        self._read_at = 0.0

    def versions(self, database: Database, uow: UnitOfWork | None) -> dict[tuple[str, str], str]:
        with self._lock:
            if self._versions is not None and time.monotonic() - self._read_at < ACTIVATIONS_TTL_S:
                return self._versions
        if uow is not None:  # the caller's transaction: no second connection
            versions = uow.pack_activations.current()
        else:
            with database.uow() as own:
                versions = own.pack_activations.current()
        with self._lock:
            self._versions, self._read_at = versions, time.monotonic()
        return versions

    def invalidate(self) -> None:
        with self._lock:
            self._versions = None


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    library: PackLibrary
    database: Database
    sealer: Sealer
    clock: Clock = field(default_factory=SystemClock)
    activations: ActivationCache = field(default_factory=ActivationCache, compare=False)
    seal_trust: SealTrust = field(default_factory=lambda: _seal_trust(), compare=False)

    @property
    def clinic(self) -> ClinicInfo:
        s = self.settings
        return ClinicInfo(
            name=s.clinic_name,
            address=s.clinic_address,
            phone=s.clinic_phone,
            timezone=s.clinic_timezone,
            language=s.clinic_language,
            identifier_system=s.clinic_identifier_system,
            identifier=s.clinic_identifier,
            mrn_system=s.mrn_system,
        )

    def active_pack(
        self, language: str, pack_id: str = "sclerotherapy", *, uow: UnitOfWork | None = None
    ) -> Pack:
        """The version new consents in ``language`` start on (``active_choice``)."""
        return self.active_choice(language, pack_id, uow=uow)[0]

    def active_choice(
        self, language: str, pack_id: str = "sclerotherapy", *, uow: UnitOfWork | None = None
    ) -> tuple[Pack, ActiveSource]:
        """The ONE home of "which version is active", and why: CONSENT_ACTIVE_VERSIONS pins win,
        else an admin's newest activation (the versions page), else the newest version on disk.
        An activated version no longer on disk is passed over rather than failing the tablet.
        ``uow``: the caller's open unit of work, if any, to read the activations through."""
        pins = self.settings.active_versions
        if pins.get(language):
            return self.library.active(pack_id, language, pins), "pinned"
        version = self.activations.versions(self.database, uow).get((pack_id, language))
        if version is not None and (pack_id, version, language) in self.library.packs:
            return self.library.get(pack_id, version, language), "activated"
        return self.library.active(pack_id, language), "newest"


def _seal_trust() -> SealTrust:
    from services.clinic_seal import SealTrust

    return SealTrust()


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
    settings: Settings, clock: Clock | None = None, *, warm_pdf_fonts: bool = False
) -> AppContext:
    """Open (and upgrade) the database, load content, load or create the clinic's seal (kept in
    the database: services/clinic_seal.py; a seal that differs from it refuses in production).

    ``warm_pdf_fonts=True`` for the app server (ui/resources.py): preparing the fonts and the
    first document ahead (``warm_documents``) pays off only in a process that will sign; the
    command line and the tests' many short-lived contexts would each render one for nothing."""
    from services.clinic_seal import clinic_sealer, require_the_clinics_key
    from store.db import open_database
    from store.files import private_dir

    private_dir(settings.resolved_data_dir)  # owner-only: it holds the database
    library = load_library(settings.placeholder_values, [settings.content_dir])
    if not settings.is_demo:
        _refuse_demo_content(settings, library)
    database = open_database(settings.resolved_database_url, settings=settings)
    try:  # the clinic's one seal and key, shared by every server on this database
        require_the_clinics_key(settings, database)
        sealer = clinic_sealer(settings, database)
    except BaseException:
        database.dispose()
        raise
    ctx = AppContext(settings, library, database, sealer, clock or SystemClock())
    # The first document of a process costs 1.3-1.7 s: pay it now, off the first signature.
    if warm_pdf_fonts:
        threading.Thread(
            target=warm_documents, args=(ctx,), name="pdf-warm-up", daemon=True
        ).start()
    return ctx


def warm_documents(ctx: AppContext) -> None:
    """Prepare what the first signature would otherwise wait for: the fonts (``pdf_fonts``), then
    one made-up consent rendered and sealed (the layout's and the seal's first use). Nothing is
    stored or logged about it; a failure leaves that work to the first real document."""
    from forms.pdf import render_consent_pdf
    from forms.pdf_fonts import warm_up
    from forms.seal import seal_pdf, seal_reason
    from forms.synthetic import synthetic_consent

    warm_up()
    try:
        pack_id = "sclerotherapy"
        language = ctx.library.languages(pack_id)[0]
        pack = ctx.library.active(pack_id, language, ctx.settings.active_versions)
        at = ctx.clock.now()
        consent, audit = synthetic_consent(pack, ctx.settings.placeholder_values, at)
        clinic = ctx.clinic
        pdf = render_consent_pdf(consent, pack, clinic, at, audit, ctx.sealer.describe())
        seal_pdf(pdf, ctx.sealer, reason=seal_reason(clinic.name), location=clinic.address)
    except Exception as exc:  # never stop the server for a warm-up
        log.warning("PDF warm-up skipped (%s)", type(exc).__name__)

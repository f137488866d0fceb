"""The admins' versions page (issue #14 point 5, REDCap's version list): every content version
per language with major/minor, what changed, its approval, when it became active and by whom,
how many consents and visits were signed on it; any version readable; and an admin's activation.

Which version is active is ``AppContext.active_choice`` (pins, then activations, then newest);
this module only lists, counts and records an activation (password re-entered, audited).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from accounts.staff import Role
from checklist.models import Pack
from errors import DomainError
from language.placeholders import fill
from services.auth import StaffSession, load_actor, reauthenticate
from services.context import ActiveSource, AppContext

ACTIVATED = "pack.activated"


@dataclass(frozen=True)
class SectionText:
    title: str
    items: list[str]  # each item's words as the patient reads them, placeholders filled


def _sections(ctx: AppContext, pack: Pack) -> list[SectionText]:
    values = ctx.settings.placeholder_values
    return [
        SectionText(
            fill(s.title, values), [" ".join(fill(i.text, values).split()) for i in s.items]
        )
        for s in pack.sections
    ]


@dataclass(frozen=True)
class VersionRow:
    pack_id: str
    language: str
    version: str
    change: str  # "major" | "minor"
    line: str  # the version that began its major line (PackLibrary.content_line)
    changes: str | None
    approved_by: str
    effective_date: dt.date
    active: bool
    source: ActiveSource | None  # why the active one is: "pinned" | "activated" | "newest"
    pinned: bool  # CONSENT_ACTIVE_VERSIONS chooses this language's version: no activation here
    activated_at: dt.datetime | None  # its latest activation, if an admin ever chose it
    activated_by: str | None
    consents: int  # full consents signed on it (refusals included)
    visits: int  # visit re-confirmations signed on it
    sections: list[SectionText]  # its words, read-only: an older version stays readable

    @property
    def can_activate(self) -> bool:
        """An admin may choose it: not active already, and the setting pins nothing."""
        return not self.active and not self.pinned


@dataclass(frozen=True)
class LanguageState:
    """The active version of one language and whether CONSENT_ACTIVE_VERSIONS pins it."""

    pack_id: str
    language: str
    version: str
    source: ActiveSource


def _admin(ctx: AppContext, staff: StaffSession | None) -> None:
    with ctx.database.uow() as uow:
        load_actor(uow, staff, Role.ADMIN)


def languages(ctx: AppContext, staff: StaffSession | None, pack_id: str) -> list[LanguageState]:
    """Per language, the version new consents start on and why."""
    _admin(ctx, staff)
    states = []
    for language in ctx.library.languages(pack_id):
        pack, source = ctx.active_choice(language, pack_id)
        states.append(LanguageState(pack_id, language, pack.version, source))
    return states


def version_rows(
    ctx: AppContext, staff: StaffSession | None, pack_id: str = "sclerotherapy"
) -> list[VersionRow]:
    """Every version of ``pack_id`` on disk, newest first within each language."""
    with ctx.database.uow() as uow:
        load_actor(uow, staff, Role.ADMIN)
        history = uow.pack_activations.history(pack_id)
        counts = uow.pack_activations.signed_counts(pack_id)
        active = {
            lang: ctx.active_choice(lang, pack_id, uow=uow)
            for lang in ctx.library.languages(pack_id)
        }
    latest = {(a.language, a.version): a for a in history}  # oldest first: the last one stays
    rows = []
    for language in ctx.library.languages(pack_id):
        on, source = active[language]
        for version in reversed(ctx.library.versions(pack_id, language)):
            pack = ctx.library.get(pack_id, version, language)
            chosen = latest.get((language, version))
            is_active = version == on.version
            rows.append(
                VersionRow(
                    pack_id=pack_id,
                    language=language,
                    version=version,
                    change=pack.change,
                    line=ctx.library.content_line(pack),
                    changes=pack.changes,
                    approved_by=pack.approved_by,
                    effective_date=pack.effective_date,
                    active=is_active,
                    source=source if is_active else None,
                    pinned=source == "pinned",
                    activated_at=chosen.activated_at if chosen else None,
                    activated_by=chosen.activated_by_name if chosen else None,
                    consents=counts.get((version, language, "consent"), 0),
                    visits=counts.get((version, language, "visit"), 0),
                    sections=_sections(ctx, pack),
                )
            )
    return rows


def _pack(ctx: AppContext, pack_id: str, version: str, language: str) -> Pack:
    try:
        return ctx.library.get(pack_id, version, language)
    except KeyError:
        raise DomainError(
            f"There is no content version {version} ({language}) of {pack_id} on disk."
        ) from None


def activate(
    ctx: AppContext,
    staff: StaffSession | None,
    *,
    pack_id: str,
    language: str,
    version: str,
    password: str,
) -> None:
    """Make ``version`` the one new consents in ``language`` start on (password re-entered, like
    any signed step); audited ``pack.activated`` with the version it replaces."""
    _admin(ctx, staff)  # a non-admin is refused before a password is hashed
    pack = _pack(ctx, pack_id, version, language)
    if ctx.settings.active_versions.get(language):
        raise DomainError(
            f"CONSENT_ACTIVE_VERSIONS pins the {language} version "
            f"({ctx.settings.active_versions[language]}): change that setting instead."
        )
    if not ctx.settings.is_demo and pack.approval_is_demo:
        raise DomainError(
            f"Version {version} ({language}) still has the demo approval text; production gives "
            "patients only content the clinic's medical director approved (approved_by)."
        )
    assert staff is not None
    reauthenticate(ctx, staff, password)
    now = ctx.clock.now()
    with ctx.database.uow() as uow:
        user, role = load_actor(uow, staff, Role.ADMIN)
        ctx.activations.invalidate()  # read what is active now, not this server's copy
        before = ctx.active_choice(language, pack_id, uow=uow)[0].version
        if before == version:
            raise DomainError(f"Version {version} ({language}) is already the active version.")
        assert user.id is not None
        uow.pack_activations.add(
            pack_id, language, version, at=now, by_id=user.id, by_name=user.display_name
        )
        uow.audit.append(
            at=now,
            actor_id=str(user.id),
            actor_role=role.value,
            action=ACTIVATED,
            old={"pack_id": pack_id, "language": language, "version": before},
            new={
                "pack_id": pack_id,
                "language": language,
                "version": version,
                "fingerprint": pack.fingerprint,
            },
            session_id=staff.session_id,
        )
        uow.commit()
    ctx.activations.invalidate()  # this server sees it at once; the others within the TTL

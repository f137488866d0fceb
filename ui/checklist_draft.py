"""Checklist widgets whose answers are kept as they are given (issue #18): each widget's key is
seeded from the kept draft (``services.checklist_drafts``) when this browser session has not
drawn it yet (a new session on another server, a reload, a return from another page), and each
answer saves every field of the checklist through the widget's ``on_change``.

The widgets take their starting value from the session state seeded here, never from a
``value=``/``index=`` of their own (Streamlit warns when both are given), so a page passes its
defaults (the saved entry, the plan) to ``restore`` instead.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from errors import DomainError
from services import checklist_drafts
from services.auth import StaffSession
from services.context import AppContext
from ui.staff_session import format_time, tr
from ui.text import shown_as_typed


@dataclass(frozen=True)
class Kept:
    """One checklist on one consent: field name -> widget key, and how to restore them."""

    ctx: AppContext
    staff: StaffSession
    consent_id: uuid.UUID | str
    checklist: str  # services.checklist_drafts.VERIFY, TIMEOUT or SIGN_OUT
    keys: Mapping[str, str]
    prefix: str  # unique to this consent's checklist as drawn (the notice lives under it)
    dates: Collection[str] = ()  # fields holding a date (kept as ISO text)
    choices: Mapping[str, Collection[Any]] = field(default_factory=dict)  # allowed values

    @property
    def _notice(self) -> str:
        return f"{self.prefix}-kept"

    @property
    def _error(self) -> str:
        return f"{self.prefix}-not-kept"

    def restore(self, defaults: Mapping[str, Any]) -> None:
        """Seed every widget key not yet in this session: the kept answer, else ``defaults``.
        One SELECT, only on a run where some key is missing."""
        missing = [f for f, k in self.keys.items() if k not in st.session_state]
        if not missing:
            return
        try:
            draft = checklist_drafts.load(self.ctx, self.consent_id, self.checklist)
        except DomainError:
            draft = None  # an unreadable draft (e.g. another key): start from the defaults
        answers = draft.answers if draft else {}
        for name in missing:
            value = self._decoded(name, answers[name]) if name in answers else None
            if value is None or not self._allowed(name, value):
                value = defaults.get(name)
            st.session_state[self.keys[name]] = value
        if draft is not None:
            st.session_state[self._notice] = draft

    def _decoded(self, name: str, value: Any) -> Any:
        if name in self.dates and isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return None
        return value

    def _allowed(self, name: str, value: Any) -> bool:
        allowed = self.choices.get(name)
        if allowed is None:
            return True
        values = value if isinstance(value, list) else [value]
        return all(v in allowed for v in values)

    def save(self) -> None:
        """The ``on_change`` of every widget of the checklist: keep all its fields as they are."""
        answers = {}
        for name, key in self.keys.items():
            value = st.session_state.get(key)
            answers[name] = value.isoformat() if isinstance(value, dt.date) else value
        try:
            checklist_drafts.save(self.ctx, self.staff, self.consent_id, self.checklist, answers)
        except DomainError as exc:
            st.session_state[self._error] = str(exc)
        else:
            st.session_state.pop(self._error, None)

    @property
    def on_change(self) -> dict[str, Any]:
        """Keyword arguments for a widget of this checklist."""
        return {"on_change": self.save}

    def notice(self) -> None:
        """Whose kept answers these are, and an answer that could not be kept."""
        draft = st.session_state.get(self._notice)
        if isinstance(draft, checklist_drafts.ChecklistDraft):
            time = format_time(self.ctx, draft.updated_at)
            if draft.by(self.staff):
                st.caption(tr("staff.draft.mine", time=time))
            else:
                st.warning(
                    tr("staff.draft.other", name=shown_as_typed(draft.by_name), time=time),
                    icon=":material/group:",
                )
        if error := st.session_state.get(self._error):
            st.error(tr("staff.draft.not_kept", reason=error), icon=":material/error:")

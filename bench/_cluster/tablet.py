"""A tablet of bench/cluster.py: bench/_load's websocket tablet, through nginx with its own
affinity cookie, and a driver that remembers every tap the server acknowledged, so a lost server
can be checked against the database (a tap acknowledged but not stored is a lost tap)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import websockets
from _load.drive import Driver, step_of
from _load.ws import Screen, Tablet, Widget


class NginxTablet(Tablet):
    """One browser tab behind nginx: the websocket carries the tab's ``consent_node`` cookie,
    as a browser's does, so nginx sends it to the same server every time."""

    def __init__(self, port: int, affinity: str, timeout: float = 30.0) -> None:
        super().__init__(port, timeout)
        self.affinity = affinity

    async def __aenter__(self) -> NginxTablet:
        self.ws = await websockets.connect(
            self.url,
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=self.timeout,
            additional_headers={"Cookie": f"consent_node={self.affinity}"},
        )
        return self


@dataclass
class Acked:
    """What the server said it had done for one patient's draft (its taps acknowledged)."""

    token: str = ""
    step: str = ""
    ticked: set[str] = field(default_factory=set)  # "I understand" item ids
    answered: set[str] = field(default_factory=set)  # health question ids

    def taps(self) -> int:
        return len(self.ticked) + len(self.answered) + bool(self.step)

    def missing_from(self, draft: Any, order: list[str]) -> list[str]:
        """The acknowledged taps the stored draft lacks (goal: none). A draft further on than
        the client saw is not a loss: that Next was stored, its answer lost with the server."""
        if draft is None:
            return [f"the draft of step {self.step!r}"]
        lost = [f"tick {i}" for i in sorted(self.ticked - set(draft.acknowledged))]
        lost += [f"answer {q}" for q in sorted(self.answered - set(draft.screening))]
        known = self.step in order and draft.step in order
        behind = not known or order.index(draft.step) < order.index(self.step)
        if self.step and draft.step != self.step and behind:
            lost.append(f"step {self.step!r} (stored: {draft.step!r})")
        return lost


@dataclass
class Tap:
    at: float  # perf_counter when sent (after the think time)
    seconds: float


class TrackingDriver(Driver):
    """bench/_load's driver, also keeping when each tap was sent and what it acknowledged."""

    def __init__(
        self, *args: Any, log: list[Tap], acked: Acked, signed: list[str], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.log, self.acked, self.signed = log, acked, signed

    async def tap(
        self,
        values: dict[Widget, dict[str, Any]] | None = None,
        trigger: Widget | None = None,
        **kw: Any,
    ) -> Screen:
        screen = await super().tap(values, trigger, **kw)  # thinks first, then sends
        if kw.get("sign"):  # acknowledged: the consent must be stored under this draft
            self.signed.append(self.acked.token)  # (its time is reported apart, as load.py's)
        else:
            elapsed = self.stats.taps[-1]
            self.log.append(Tap(time.perf_counter() - elapsed, elapsed))
        self._remember(values or {})
        return screen

    def _remember(self, values: dict[Widget, dict[str, Any]]) -> None:
        query = dict(p.split("=", 1) for p in self.tab.query.split("&") if "=" in p)
        if query.get("resume") != self.acked.token:  # a new patient: a new draft
            self.acked.__init__(token=query.get("resume", ""))  # type: ignore[misc]
        for w, v in values.items():
            key = w.key or ""
            if key.startswith("acks:") and "json_value" in v:
                self.acked.ticked |= set(json.loads(v["json_value"]).get("ticked", []))
            elif key.startswith("ack:") and v.get("bool_value"):
                self.acked.ticked.add(key.removeprefix("ack:"))
            elif key.startswith("q:"):
                self.acked.answered.add(key.removeprefix("q:"))
        self.acked.step = step_of(self.tab.screen)

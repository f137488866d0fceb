"""What a patient taps, screen by screen, for bench/load.py: the app's whole flow and the bare page.

A screen is recognised by its widgets' keys (ui/patient/*: ``details:*``, ``q:<qid>``,
``ack:<item>`` or one Components v2 element ``acks:<step>``, ``tb:<qid>:<n>``, ``photos:choice``,
``interp:used``, ``review:certify``, ``sign:name`` with the pad ``sig_patient``, ``thanks:done``);
the step id, where the page says it, from the chrome's script (``__consentStep``). Every tap that
should move on is checked to have changed the screen; a tap that shows an error counts as one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import math
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any

from _load.ws import Screen, Tablet, Widget, checkbox, component_state, string
from checklist import flow
from checklist.models import Pack
from checklist.sites import SITE_CHOICES

NAME = "Ana María Núñez"  # synthetic: never real data
PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9Q"
    "DwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
STEP = re.compile(r"__consentStep !== '([^']*)'")
_born = itertools.count()


def date_of_birth() -> dt.date:
    """A new date of birth for every patient: the same name and date would be a returning
    patient (a short visit), not a new one."""
    return dt.date(1935, 1, 1) + dt.timedelta(days=next(_born) % 20000)


def scribble() -> list[list[dict[str, float]]]:
    pts = [
        {
            "x": 40 + 520 * i / 119,
            "y": 100 + 40 * math.sin(i / 20) + 15 * math.cos(i / 7),
            "t": i * 8,
        }
        for i in range(120)
    ]
    return [pts[:60], pts[60:]]


class Stop(Exception):
    """The run's time or run budget is spent: the tablet stops where it is (not an error)."""


class Stuck(Exception):
    """A tap that should have moved on did not, or showed an error: the flow is broken."""


@dataclass
class Budget:
    until: float  # time.perf_counter() deadline
    max_runs: int
    tablets: list[Tablet] = field(default_factory=list)

    def spent(self) -> bool:
        return time.perf_counter() >= self.until or self.runs() >= self.max_runs

    def runs(self) -> int:
        return sum(t.runs for t in self.tablets)


@dataclass
class Stats:
    taps: list[float] = field(default_factory=list)  # seconds per tap, the sign tap apart
    signs: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    patients: int = 0  # flows completed (signed, or a bare round done)
    ticks: dict[str, int] = field(default_factory=dict)  # "I understand" taps, by how sent


def step_of(screen: Screen) -> str:
    for text in screen.texts:
        if m := STEP.search(text):
            return m.group(1)
    return ""


def signature(screen: Screen) -> tuple[str, tuple[str, ...]]:
    return step_of(screen), tuple(sorted(w.key or w.id for w in screen.widgets))


class Driver:
    """One tablet's taps with think time between them, timed into ``stats``."""

    def __init__(
        self, tab: Tablet, stats: Stats, budget: Budget, think: float, rng: random.Random
    ) -> None:
        self.tab, self.stats, self.budget, self.think, self.rng = tab, stats, budget, think, rng

    async def tap(
        self,
        values: dict[Widget, dict[str, Any]] | None = None,
        trigger: Widget | None = None,
        *,
        moves: bool = False,
        sign: bool = False,
    ) -> Screen:
        if self.budget.spent():
            raise Stop
        if self.think:
            await asyncio.sleep(self.think * self.rng.uniform(0.5, 1.5))
        before = signature(self.tab.screen)
        elapsed = await self.tab.tap(values or {}, trigger)
        (self.stats.signs if sign else self.stats.taps).append(elapsed)
        screen = self.tab.screen
        if screen.errors:
            raise Stuck(f"on {before[0] or '?'}: {screen.errors[0][:120]}")
        if moves and signature(screen) == before:
            raise Stuck(f"stuck on {before[0] or before[1][:3]}")
        return screen

    def need(self, key: str) -> Widget:
        w = self.tab.screen.by_key(key)
        if w is None:
            raise Stuck(f"no widget {key!r} on {step_of(self.tab.screen) or '?'}")
        return w

    def next_button(self) -> Widget:
        w = self.tab.screen.primary_submit()
        if w is None:
            raise Stuck(f"no Next on {step_of(self.tab.screen) or '?'}")
        return w


def option(w: Widget, index: int) -> dict[str, Any]:
    """A radio's or selectbox's choice: the option as shown (what the frontend sends)."""
    return string(w.proto.options[index])


async def app_patient(d: Driver, pack: Pack) -> None:
    """One patient from whatever screen the tablet shows to the thank-you page, then the next
    patient's language screen. Raises Stop when the budget is spent, Stuck when broken."""
    while True:
        s = d.tab.screen
        keys = {w.key for w in s.widgets if w.key}
        if "thanks:done" in keys:
            await d.tap(trigger=d.need("thanks:done"), moves=True)
            return
        if "lang_en" in keys and "details:name" not in keys and not s.keys("q:"):
            await d.tap(trigger=d.need("lang_en"), moves=True)
        elif "details:name" in keys:
            await details(d)
        elif s.keys("q:"):
            for key in s.keys("q:"):  # each answer is a tap, saved to the draft
                await d.tap({d.need(key): option(d.need(key), 1)})  # "No"
            await d.tap(trigger=d.next_button(), moves=True)
        elif s.keys("acks:") or s.keys("ack:"):
            await acknowledge(d, pack)
        elif s.keys("tb:"):
            await teach_back(d, pack)
        elif "changes:choice" in keys:
            w = d.need("changes:choice")
            await d.tap({w: option(w, 1)}, d.next_button(), moves=True)
        elif "photos:choice" in keys:
            w = d.need("photos:choice")
            await d.tap({w: option(w, 0)}, d.next_button(), moves=True)
        elif "interp:used" in keys:
            w = d.need("interp:used")
            await d.tap({w: option(w, 1)})  # "No": the radio is outside the form, a tap
            await d.tap(trigger=d.next_button(), moves=True)
        elif "review:certify" in keys:
            await d.tap({d.need("review:certify"): checkbox(True)}, moves=True)
            await d.tap(trigger=d.next_button(), moves=True)
        elif "sign:name" in keys:
            ink = {"strokes": scribble(), "png": PNG, "width": 600, "height": 240}
            values = {
                d.need("sign:name"): string(NAME),
                d.need("sig_patient"): component_state({"signature": ink}),
            }
            await d.tap(values, d.next_button(), moves=True, sign=True)
            d.stats.patients += 1
        elif d.tab.screen.primary_submit() is not None:  # a screen with only Next (teach-back done)
            await d.tap(trigger=d.next_button(), moves=True)
        else:
            raise Stuck(f"unknown screen {signature(s)}")


async def details(d: Driver) -> None:
    born = date_of_birth()
    month, day, year = d.need("details:month"), d.need("details:day"), d.need("details:year")
    site = d.need("details:site")
    values = {
        d.need("details:name"): string(NAME),
        month: option(month, born.month - 1),
        day: string(str(born.day)),
        year: string(str(born.year)),
        site: option(site, SITE_CHOICES.index("left_leg")),
        d.need("details:confirm"): checkbox(True),
    }
    await d.tap(values, d.next_button(), moves=True)  # the form: one tap


def _step(pack: Pack, step_id: str) -> flow.Step:
    for kind in ("consent", "visit"):
        try:
            return flow.step_by_id(pack, step_id, kind)
        except KeyError:
            continue
    raise Stuck(f"step {step_id!r} is not in pack {pack.version}")


async def acknowledge(d: Driver, pack: Pack) -> None:
    """Every "I understand", one tap each, then Next. A Components v2 list ``acks:<step>`` (or
    ``acks:<step>:<section>``, one per section) takes the whole list of its ticked item ids with
    each tap; else one checkbox ``ack:<item>`` per item."""
    lists = [w.key for w in d.tab.screen.widgets if w.kind == "bidi_component" and w.key]
    for key in (k for k in lists if k.startswith("acks:")):
        step_id, _, section = key[len("acks:") :].partition(":")
        on = flow.items_on(pack, _step(pack, step_id))
        items = [i.id for s, i in on if not section or s.id == section]
        for n in range(1, len(items) + 1):  # as drawn by the last run
            await d.tap({d.need(key): component_state({"ticked": items[:n]})})
            d.stats.ticks["component"] = d.stats.ticks.get("component", 0) + 1
    for key in d.tab.screen.keys("ack:"):
        await d.tap({d.need(key): checkbox(True)})
        d.stats.ticks["checkbox"] = d.stats.ticks.get("checkbox", 0) + 1
    await d.tap(trigger=d.next_button(), moves=True)


async def teach_back(d: Driver, pack: Pack) -> None:
    """The right answer and "Check my answer" (one tap: a form), then Next."""
    key = d.tab.screen.keys("tb:")[0]
    question = pack.teach_back_question(key.split(":")[1])
    w = d.need(key)
    right = [c.id for c in question.choices].index(question.answer)
    await d.tap({w: option(w, right)}, d.next_button(), moves=True)
    await d.tap(trigger=d.next_button(), moves=True)


async def bare_round(d: Driver) -> None:
    """The bare page: every "I understand", one tap each, then Next (a new round)."""
    for key in d.tab.screen.keys("ack:"):
        await d.tap({d.need(key): checkbox(True)})
    await d.tap(trigger=d.need("nav:next"), moves=True)
    d.stats.patients += 1

"""How a synthetic demo patient spends time on the tablet and answers the checks of understanding
(issue #15), so the content-quality page has something honest to show: reading times that vary
by screen and patient, most checks right first time, some at the second try, a few wrong twice.

Everything is drawn from the demo's seeded ``random.Random``, and time passes only on the demo's
own clock (``StepClock``), so the same seed gives the same records. The nurse's clearance of a
re-explain flag goes through ``services.understanding`` like the staff screen's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Callable

from checklist import flow
from checklist.models import Pack, TeachBack
from forms.records import Consent
from services import understanding
from services.auth import StaffSession
from services.context import AppContext

# How likely a first answer is wrong, per question in the pack's order (some confuse more).
WRONG_FIRST = (0.05, 0.25, 0.1, 0.3, 0.15, 0.2)
WRONG_AGAIN = 0.3  # of those wrong at first, wrong at the second try too: a re-explain flag
RE_EXPLAIN_NOTE = (
    "Demo: went over it again with the patient using the leaflet; they explained it back correctly."
)


class StepClock:
    """A clock that moves forward a little every time it is read (demo timelines)."""

    def __init__(self, start: dt.datetime, step_seconds: float, limit: dt.datetime) -> None:
        self.current = start
        self.step = dt.timedelta(seconds=step_seconds)
        self.limit = limit  # never later than the real now

    def now(self) -> dt.datetime:
        self.current = min(self.current + self.step, self.limit)
        return self.current

    def wait(self, seconds: float) -> None:
        """Time passing without a read: the patient reading a screen."""
        self.current = min(self.current + dt.timedelta(seconds=seconds), self.limit)


@dataclasses.dataclass
class Reader:
    """One synthetic patient's pace and answers.

    ``seconds``: what reading every section screen takes them in all (shared out by each
    screen's words, give or take); ``miss``: they answer one check (drawn here) wrong twice
    whatever the odds, so a small demo still shows a re-explain flag.
    """

    rng: random.Random
    wait: Callable[[float], None]
    seconds: float
    miss: bool = False
    _missed: int | None = None

    def read(self, pack: Pack, step: flow.Step) -> None:
        """Time on a section screen before its ticks: its share of the words, give or take."""
        words = sum(len(i.text.split()) for _s, i in flow.items_on(pack, step))
        total = sum(len(i.text.split()) for _s, i in pack.items()) or 1
        self.wait(self.seconds * words / total * self.rng.uniform(0.6, 1.6))

    def choices(self, pack: Pack, question: TeachBack) -> list[str]:
        """The choice ids tapped on this check, in order (one right, or wrong then another)."""
        index = pack.teach_back.index(question)
        if self.miss and self._missed is None:
            self._missed = self.rng.randrange(len(pack.teach_back))
        wrong = [c.id for c in question.choices if not question.is_right(c.id)]
        self.wait(self.seconds * self.rng.uniform(0.02, 0.08))  # the question and its choices
        if index != self._missed and self.rng.random() >= WRONG_FIRST[index % len(WRONG_FIRST)]:
            return [question.answer]
        first = self.rng.choice(wrong)
        again = index == self._missed or self.rng.random() < WRONG_AGAIN
        return [first, self.rng.choice(wrong) if again else question.answer]


def reader_for(rng: random.Random, clock: StepClock, seconds: float, *, miss: bool) -> Reader:
    """A patient reading at their own speed: between half and one and a half of ``seconds``."""
    return Reader(rng, clock.wait, seconds * rng.uniform(0.5, 1.5), miss=miss)


def clear_flags(ctx: AppContext, nurse: StaffSession, c: Consent) -> Consent:
    """The nurse goes over each topic answered wrong twice again, and clears its flag."""
    for result in c.open_re_explain():
        c = understanding.clear_re_explain(
            ctx, nurse, c.id, result.question_id, RE_EXPLAIN_NOTE, expected_version=c.version
        )
    return c

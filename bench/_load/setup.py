"""What bench/load.py sets up before it starts the servers: the pack, the bare page's items and
patients already part-way through the flow."""

from __future__ import annotations

import json
import random
from pathlib import Path

from _load import drive as _drive
from checklist.models import Pack, SectionKind


def prepare(data: Path) -> Pack:
    """The pack a new consent starts on (the newest shipped: the data directory is new) and the
    bare page's items, its risks section; no database, so both servers can start at once."""
    from checklist.loader import load_library
    from settings import get_settings

    library = load_library(get_settings(data_dir=data).placeholder_values)
    pack = library.active("sclerotherapy", "en")
    risks = next(s for s in pack.sections if s.kind is SectionKind.RISKS)
    items = [" ".join(i.text.split()) for i in risks.items]
    (data / "bare_items.json").write_text(json.dumps({"title": risks.title, "items": items}))
    return pack


def spread_drafts(data: Path, pack: Pack, n: int, rng: random.Random) -> list[str]:
    """n patients part-way through (details done, then a random number of the screening and
    section screens), made through the real services: at a clinic the tablets are everywhere in
    the flow, not all on the first screen together. Cuts are weighted by the taps of each
    screen, so the section screens (most of the taps) are where most tablets stand."""
    from checklist import flow
    from services import consent as svc
    from services.context import build_context
    from settings import get_settings

    ctx = build_context(get_settings(data_dir=data))  # the app made the schema and the key

    steps = [
        s
        for s in flow.steps_for(pack)
        if s.kind in (flow.StepKind.SCREENING, flow.StepKind.SECTION)
    ]
    weights = [1 + len(s.question_ids) + len(flow.items_on(pack, s)) for s in steps]
    tokens = []
    for _ in range(n):
        token = svc.start_consent(ctx, language="en")
        born = _drive.date_of_birth()
        svc.confirm_details(
            ctx, token, legal_name=_drive.NAME, date_of_birth=born, mrn=None, site="left_leg"
        )
        cut = rng.choices(range(len(steps) + 1), weights=[weights[0], *weights])[0]
        for step in steps[:cut]:
            if step.question_ids:
                svc.answer_screening(ctx, token, dict.fromkeys(step.question_ids, "no"))
            else:
                ticks = {i.id: True for _, i in flow.items_on(pack, step)}
                svc.acknowledge_section(ctx, token, ticked=ticks, questions={})
        tokens.append(token)
    ctx.database.dispose()
    return tokens

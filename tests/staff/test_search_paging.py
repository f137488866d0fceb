"""Long search results come a page at a time (issue #17): the service pages in one stable
order and says when more follow; the search screen shows "Next page" / "Previous page"."""

from __future__ import annotations

import pytest
from page_helpers import assert_no_exception, click, patient, signed_in, texts

from accounts.staff import Role
from errors import DomainError
from services import staff_views

NAMES = ("Ana", "Bea", "Cleo")


def test_search_pages_through_every_match_once_newest_first(
    ctx, clock, team, make_consent, monkeypatch
):
    monkeypatch.setattr(staff_views, "PAGE_SIZE", 1)
    made = []
    for first in NAMES:
        made.append(make_consent(legal_name=f"{first} Pagetest"))
        clock.advance(minutes=1)
    desk = team[Role.FRONT_DESK]
    pages = [staff_views.search_page(ctx, desk, name="pagetest", page=n) for n in range(3)]
    assert [(p.page, p.more, len(p.rows)) for p in pages] == [
        (0, True, 1),
        (1, True, 1),
        (2, False, 1),
    ]
    shown = [r.patient_name for p in pages for r in p.rows]
    assert shown == [c.patient.legal_name for c in reversed(made)]  # newest first, none twice
    assert [r.patient_name for r in staff_views.search(ctx, desk, name="pagetest")] == shown[:1]
    with pytest.raises(DomainError, match="no page before the first"):
        staff_views.search_page(ctx, desk, name="pagetest", page=-1)


def test_search_screen_shows_the_next_and_previous_page(app_ctx, monkeypatch):
    monkeypatch.setattr(staff_views, "PAGE_SIZE", 2)
    for first in NAMES:
        patient(app_ctx, legal_name=f"{first} Pagetest")
    at = signed_in(app_ctx, Role.FRONT_DESK)
    at.switch_page("app_pages/staff_search.py").run()
    next(w for w in at.text_input if w.label.startswith("Patient name")).input("pagetest")
    click(at, "Search")
    assert_no_exception(at)
    first = texts(at)
    assert "Page 1" in first and "**Cleo Pagetest**" in first and "**Bea Pagetest**" in first
    assert "**Ana Pagetest**" not in first
    assert "Previous page" not in [b.label for b in at.button]
    click(at, "Next page")
    assert_no_exception(at)
    second = texts(at)
    assert "Page 2" in second and "**Ana Pagetest**" in second
    assert "**Cleo Pagetest**" not in second
    assert "Next page" not in [b.label for b in at.button]
    click(at, "Previous page")
    assert "**Cleo Pagetest**" in texts(at)

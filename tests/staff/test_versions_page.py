"""The admins' versions page as an admin sees it (AppTest): each version per language with
major/minor, what changed, approval, active since / by whom, consents and visits signed; every
version readable; another version made active with the password; other roles never see it."""

from __future__ import annotations

import re

import pytest
from page_helpers import assert_no_exception, click, patient, signed_in, texts
from staff_helpers import PASSWORD

from accounts.staff import Role

PAGE = "app_pages/staff_admin_versions.py"


def open_versions(ctx):
    at = signed_in(ctx, Role.ADMIN)
    at.switch_page(PAGE).run()
    assert_no_exception(at)
    return at


def card(at, version: str, nth: int = 0) -> str:
    """One version's card as an admin reads it: its heading, what changed and its facts
    (``nth``: 0 for the English card, 1 for the Spanish one, in the page's order)."""
    values = [re.sub(r"\\(.)", r"\1", str(m.value)) for m in at.markdown]
    starts = [i for i, v in enumerate(values) if v.startswith(f"**{version}**")]
    return "\n".join(values[starts[nth] : starts[nth] + 3])


def activate_form(at, version: str, password: str):
    # the first form is English's (languages in order)
    pick = next(s for s in at.selectbox if s.label == "Version")
    pick.set_value(version)
    box = next(w for w in at.text_input if w.label == "Your password")
    box.input(password)
    return click(at, "Make active")


def test_each_version_with_its_change_approval_and_counts(app_ctx) -> None:
    patient(app_ctx)  # one consent signed on the newest English version
    at = open_versions(app_ctx)
    assert [t.value for t in at.title] == ["Content versions"]
    heads = [str(h.value) for h in at.subheader]
    assert heads == [
        "English (en): new consents start on 1.3.0",
        "Español (es): new consents start on 1.3.0",
    ]
    newest = card(at, "1.3.0")
    assert newest.startswith("**1.3.0** · minor · :green-badge[active (newest on disk)]")
    assert "What changed: " in newest and "What changed: —" not in newest
    assert "Course line 1.2.0 · effective 2026-12-01 · became active: newest on disk" in newest
    assert "consents signed: 1 · visits signed: 0" in newest
    line = card(at, "1.2.0")
    assert line.startswith("**1.2.0** · major\n")
    assert "What changed: One consent now covers a course of sessions" in line
    older = card(at, "1.1.0")
    assert older.startswith("**1.1.0** · major\n") and "What changed: —" in older
    assert "became active: — · consents signed: 0 · visits signed: 0" in older
    approvals = [str(c.value) for c in at.caption if str(c.value).startswith("Approved by:")]
    assert len(approvals) == 8  # four versions in two languages
    assert approvals[0].startswith("Approved by: Demo default content, not yet approved")
    # every version is readable, the older ones included
    labels = [e.label for e in at.expander]
    for version in ("1.3.0", "1.2.0", "1.1.0", "1.0.0"):
        assert f"Read {version} (en), read-only" in labels
    shown = texts(at)
    assert "This consent is for a course of up to 6 sessions within" in shown
    assert "vein surgeon" in shown  # 1.0.0's own words (risk.artery), still readable


def test_an_admin_makes_another_version_active_with_the_password(app_ctx) -> None:
    at = open_versions(app_ctx)
    at = activate_form(at, "1.1.0", "wrong password here")
    assert_no_exception(at)
    assert "That password is not right" in texts(at)
    assert app_ctx.active_pack("en").version == "1.3.0"
    at = activate_form(at, "1.1.0", PASSWORD)
    assert_no_exception(at)
    assert "1.1.0 (English (en)) is now the active version." in texts(at)
    chosen = card(at, "1.1.0")
    assert chosen.startswith("**1.1.0** · major · :green-badge[active (made active by an admin)]")
    assert " by Ada Admin · consents signed: 0" in chosen
    assert card(at, "1.3.0").startswith("**1.3.0** · minor\n")  # no longer active in English
    assert "active (newest on disk)" in card(at, "1.3.0", nth=1)  # Spanish unchanged
    assert str(at.subheader[0].value) == "English (en): new consents start on 1.1.0"
    assert app_ctx.active_pack("en").version == "1.1.0"
    assert app_ctx.active_pack("es").version == "1.3.0"


def test_a_pinned_language_offers_no_button(app_ctx, monkeypatch) -> None:
    from ui.resources import app_context

    monkeypatch.setenv("CONSENT_ACTIVE_VERSIONS", '{"es": "1.0.0"}')
    app_context.clear()
    ctx = app_context()
    try:
        at = open_versions(ctx)
        assert "The setting CONSENT_ACTIVE_VERSIONS pins the Español (es) version to 1.0.0" in (
            texts(at)
        )
        pinned = card(at, "1.0.0", nth=1)
        assert ":green-badge[active (pinned by CONSENT_ACTIVE_VERSIONS)]" in pinned
        # one activation form: English only
        assert [b.label for b in at.button if b.label == "Make active"] == ["Make active"]
    finally:
        ctx.database.dispose()


@pytest.mark.parametrize("role", [Role.NURSE, Role.CLINICIAN, Role.FRONT_DESK])
def test_other_roles_cannot_open_the_page(app_ctx, role) -> None:
    at = signed_in(app_ctx, role)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGE)

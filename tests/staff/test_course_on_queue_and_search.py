"""The treatment course on the staff queue and search (issue #14 points 1 and 3), on SQLite and
PostgreSQL: each row says where the patient's course stands in the clinic's words (sessions done
and left, valid until; a visit's session; why a full consent is needed; a re-consent as what it
replaces, never as a duplicate), from the stored codes. And the queue page shows it (AppTest)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from course_rows_helpers import add_visit, as_course, before_courses, replacing
from page_helpers import click, patient, signed_in, texts
from staff_db_helpers import BOTH, clinic_on

from accounts.staff import Role
from forms.course import ReconsentReason
from language.dates import format_date
from services import staff_views
from services.queue_rows import course_lines, short_id

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=BOTH)
def ctx(request, clock, prepared_data_dir):  # type: ignore[no-untyped-def]
    """This module's context (the staff conftest's ``team`` and ``make_consent`` use it): the
    test's SQLite file, or a fresh PostgreSQL schema."""
    with clinic_on(request.param, clock) as context:
        yield context


def lines_by_id(rows) -> dict:  # type: ignore[no-untyped-def]
    return {r.consent_id: course_lines(r.course, "en") for r in rows}


def long_date(day: dt.date) -> str:
    return format_date("en", day)


def test_queue_says_sessions_done_and_left_and_each_visit_s_session(ctx, team, make_consent):
    course = as_course(
        ctx, make_consent(legal_name="Ana Course", date_of_birth=dt.date(1960, 2, 3))
    )
    second = add_visit(ctx, course, 2, minutes=30)
    third = add_visit(ctx, course, 3, minutes=60)
    plain = before_courses(
        ctx, make_consent(legal_name="Pia Plain", date_of_birth=dt.date(1970, 1, 1))
    )  # a consent signed before courses: no course line
    rows = staff_views.nurse_queue(ctx, team[Role.NURSE])
    until = long_date(course.course.valid_until)
    assert lines_by_id(rows) == {
        course.id: [f"Course: 3 of 6 sessions done, 3 left, valid until {until}"],
        second.id: [f"Visit, session 2 of 6 (course {short_id(course.id)})"],
        third.id: [f"Visit, session 3 of 6 (course {short_id(course.id)})"],
        plain.id: [],
    }
    assert course.course.valid_until == dt.date(2027, 11, 23)  # 12 months (settings)
    spanish = {r.consent_id: course_lines(r.course, "es") for r in rows}
    assert spanish[course.id] == [
        "Tratamiento: 3 de 6 sesiones hechas, quedan 3, válido hasta el 23 de noviembre de 2027"
    ]
    # The clinician's queue is the same rows, with the same words.
    theirs = staff_views.clinician_queue(ctx, team[Role.CLINICIAN])
    assert all(course_lines(r.course, "en") == lines_by_id(rows)[r.consent_id] for r in theirs)


def test_queue_says_why_a_full_consent_is_needed(ctx, team, make_consent):
    used = as_course(
        ctx, make_consent(legal_name="Uma Used", date_of_birth=dt.date(1961, 3, 4)), sessions=2
    )
    last = add_visit(ctx, used, 2, minutes=20)
    older = as_course(
        ctx,
        make_consent(legal_name="Olaf Older", date_of_birth=dt.date(1962, 4, 5)),
        content_line="0.9.0",
    )
    rows = lines_by_id(staff_views.nurse_queue(ctx, team[Role.NURSE]))
    until = long_date(used.course.valid_until)
    assert rows[used.id] == [
        f"Course: 2 of 2 sessions done, 0 left, valid until {until}",
        "Full consent needed: all 2 sessions are used",
    ]
    assert rows[last.id] == [
        f"Visit, session 2 of 2 (course {short_id(used.id)})",
        "Full consent needed: all 2 sessions are used",
    ]
    line = ctx.library.content_line(ctx.active_pack("en"))
    assert line != "0.9.0"
    assert rows[older.id] == [
        f"Course: 1 of 6 sessions done, 5 left, valid until {until}",
        "Full consent needed: a newer major version of the content is active, "
        "the course being on 0.9.0",
    ]


def test_search_shows_an_expired_course_and_its_re_consent_not_a_duplicate(
    ctx, team, make_consent, clock
):
    name, dob = "Eva Expired", dt.date(1963, 5, 6)
    first = as_course(ctx, make_consent(legal_name=name, date_of_birth=dob))
    expired_on = long_date(first.course.valid_until)
    clock.advance(days=400)
    rows = lines_by_id(staff_views.search(ctx, team[Role.FRONT_DESK], name="eva expired"))
    assert rows == {
        first.id: [
            f"Course: 1 of 6 sessions done, 5 left, valid until {expired_on}",
            f"Full consent needed: the course expired on {expired_on}",
        ]
    }
    again = as_course(
        ctx,
        make_consent(legal_name=name, date_of_birth=dob),
        replaces=replacing(first, ReconsentReason.EXPIRED),
    )
    found = staff_views.search(ctx, team[Role.FRONT_DESK], name="eva expired")
    assert [r.consent_id for r in found] == [again.id, first.id]  # newest first
    rows = lines_by_id(found)
    assert rows[again.id] == [
        f"Re-consent: replaces {short_id(first.id)} (the course expired on {expired_on})",
        f"Course: 1 of 6 sessions done, 5 left, valid until {long_date(again.course.valid_until)}",
    ]
    assert rows[first.id] == [
        f"Course: 1 of 6 sessions done, 5 left, valid until {expired_on}",
        f"Replaced by re-consent {short_id(again.id)} (the course expired on {expired_on})",
    ]
    # Today's queue lists the re-consent, as one, with what it replaces.
    queue = lines_by_id(staff_views.nurse_queue(ctx, team[Role.NURSE]))
    assert list(queue) == [again.id] and queue[again.id][0].startswith("Re-consent: replaces")


def test_a_re_consent_for_a_new_stop_answer_says_so(ctx, team, make_consent):
    name, dob = "Sam Stop", dt.date(1964, 6, 7)
    course = as_course(ctx, make_consent(legal_name=name, date_of_birth=dob))
    again = as_course(
        ctx,
        make_consent(legal_name=name, date_of_birth=dob),
        replaces=replacing(course, ReconsentReason.NEW_STOP_ANSWER),
    )
    rows = lines_by_id(staff_views.nurse_queue(ctx, team[Role.NURSE]))
    assert rows[again.id][0] == (
        f"Re-consent: replaces {short_id(course.id)} "
        "(a new stop answer at the visit re-confirmation)"
    )
    assert rows[course.id][-1] == (
        f"Replaced by re-consent {short_id(again.id)} "
        "(a new stop answer at the visit re-confirmation)"
    )


# --- the page -----------------------------------------------------------------------------------
def test_queue_page_shows_the_course_words(app_ctx):  # the app's own context (SQLite)
    course = as_course(app_ctx, patient(app_ctx, legal_name="Cora Course"))
    visit = add_visit(app_ctx, course, 2, minutes=5)
    again = as_course(
        app_ctx,
        patient(app_ctx, legal_name="Rita Reconsent", date_of_birth=dt.date(1966, 8, 9)),
        replaces=replacing(course, ReconsentReason.SESSIONS_USED),
    )
    at = signed_in(app_ctx, Role.NURSE)
    body = texts(at)
    until = long_date(course.course.valid_until)
    assert f"Course: 2 of 6 sessions done, 4 left, valid until {until}" in body
    assert f"Visit, session 2 of 6 (course {short_id(course.id)})" in body
    assert f"Re-consent: replaces {short_id(course.id)} (all 6 sessions are used)" in body, body
    assert f"Replaced by re-consent {short_id(again.id)}" in body
    assert visit.id != again.id
    at.switch_page("app_pages/staff_search.py").run()
    next(w for w in at.text_input if w.label.startswith("Patient name")).input("cora")
    click(at, "Search")
    found = texts(at)
    assert found.count("**Cora Course** · Born") == 2  # the course consent and its visit
    assert f"Course: 2 of 6 sessions done, 4 left, valid until {until}" in found
    assert f"Visit, session 2 of 6 (course {short_id(course.id)})" in found

"""Pieces several staff screens share to show a consent: the header, flags, questions, answers,
the PDF download (choosing one: ui.staff_picker). Display only; actions go through services."""

from __future__ import annotations

import streamlit as st

from checklist.models import FlagLevel
from checklist.sites import site_label
from errors import DomainError
from forms import record_care
from forms.records import STATUS_LABELS, Status
from services import documents, queue_rows
from services.auth import StaffSession
from services.context import AppContext
from services.queue_rows import QueueRow
from services.re_explain_rows import re_explain_lines
from services.staff_views import ConsentView
from ui.staff_session import STAFF_LANG, format_datetime, tr
from ui.text import shown_as_typed

STATUS_COLOR = {
    Status.DRAFT: "gray",
    Status.SUBMITTED: "blue",
    Status.VERIFIED: "orange",
    Status.ATTESTED: "violet",
    Status.FILED: "green",
    Status.DECLINED: "gray",
    Status.ENTERED_IN_ERROR: "red",
}


def status_text(status: Status) -> str:
    """A coloured badge (no emoji: clinic PCs may lack an emoji font)."""
    return f":{STATUS_COLOR[status]}-badge[{STATUS_LABELS[status]}]"


def language_name(code: str) -> str:
    """'Español (es)': staff read the name; the code is what the record stores."""
    name = tr(f"lang.{code}")
    return f"{name} ({code})" if name != f"lang.{code}" else code


def sclerosant_words(choice: str) -> str:
    """A clinic's list entry ('sodium_tetradecyl_sulfate 1%') as staff read it."""
    return record_care.sclerosant_words(*record_care.parse_sclerosant(choice), STAFF_LANG)


def row_notes(where, row: QueueRow) -> None:
    """Under a queue or search row: its re-explain flags (issue #15), then where the patient's
    treatment course stands (catalog words, ids, dates), each in ``where`` (a container)."""
    if row.re_explain:  # a line each; a topic in a badge would be cut off at 820 px
        icon = {True: ":material/replay: **{}**", False: ":material/task_alt: {}"}
        lines = re_explain_lines(row.re_explain, STAFF_LANG)  # open ones first
        where.markdown(
            "  \n".join(icon[waiting].format(shown_as_typed(words)) for waiting, words in lines)
        )
    course = queue_rows.course_lines(row.course, STAFF_LANG)
    if course:
        where.markdown("  \n".join(f":material/event_repeat: {line}" for line in course))


def header(ctx: AppContext, view: ConsentView) -> None:
    c = view.consent
    with st.container(border=True):
        left, right = st.columns([3, 2])
        left.markdown(f"### {shown_as_typed(c.patient.legal_name)}")
        left.markdown(
            f"{tr('staff.consent.dob')}: **{c.patient.date_of_birth:%Y-%m-%d}**"
            + (
                f" · {tr('staff.consent.mrn')}: **{shown_as_typed(c.patient.mrn)}**"
                if c.patient.mrn
                else ""
            )
        )
        left.markdown(f"{c.procedure} · **{shown_as_typed(site_label(c.site, STAFF_LANG))}**")
        right.markdown(f"**{status_text(c.status)}**")
        signed = c.patient_signature.signed_at if c.patient_signature else None
        right.caption(
            f"{tr('staff.consent.signed_at')}: {format_datetime(ctx, signed)}  \n"
            f"{tr('staff.consent.language')}: {language_name(c.pack.language)} · "
            f"{tr('staff.consent.pack')} {c.pack.version}"
        )
        if c.interpreter:
            right.caption(
                f"{tr('staff.consent.interpreter')}: {shown_as_typed(c.interpreter.name_or_id)}"
                f" · {shown_as_typed(c.interpreter.language)}"
            )
        if c.on_hold:
            st.warning(
                tr("staff.consent.on_hold", reason=shown_as_typed(c.on_hold)),
                icon=":material/pause:",
            )
        if c.error_reason:
            st.error(tr("staff.consent.in_error", reason=shown_as_typed(c.error_reason)))


def flags(view: ConsentView) -> None:
    """Stop flags first (red), then review flags (amber), each with any clinician review."""
    if not view.flags:
        st.success(tr("staff.flags.none"), icon=":material/check_circle:")
        return
    for f in view.flags:
        answer = tr(f"staff.answers.{f.answer}")
        text = f"**{f.question}** — {tr('staff.flags.answer')}: **{answer}**"
        if f.reasons:
            text += "  \n" + "; ".join(f.reasons)
        if f.review is not None:
            text += "  \n" + tr(
                "staff.flags.reviewed",
                decision=f.review.decision,
                name=shown_as_typed(f.review.by_name),
                note=shown_as_typed(f.review.note),
            )
        if f.level is FlagLevel.STOP and f.open:
            st.error(tr("staff.flags.stop") + "  \n" + text, icon=":material/block:")
        elif f.level is FlagLevel.STOP:
            st.success(tr("staff.flags.stop_cleared") + "  \n" + text, icon=":material/check:")
        else:
            st.warning(tr("staff.flags.review") + "  \n" + text, icon=":material/warning:")


def checklist_exceptions(view: ConsentView) -> None:
    """Checklist items the nurse marked N/A, with the reason: shown wherever the consent is
    opened after verification, so the clinician sees them before attesting and the team before
    the time-out. (A "No" cannot be verified: checklist.nurse_checks.checklist_gaps.)"""
    nv = view.consent.nurse_verification
    if nv is None:
        return
    texts = {i.id: i.text for i in view.staff_pack.nurse_checklist}
    marked = [a for a in nv.answers if a.answer != "yes"]
    if not marked:
        return
    lines = [
        f"- **{shown_as_typed(texts.get(a.item_id, a.item_id))}**"
        + (f": {shown_as_typed(a.note)}" if a.note else "")
        for a in marked
    ]
    st.warning(
        tr("staff.checklist.exceptions", name=shown_as_typed(nv.nurse_name), count=len(marked))
        + "\n"
        + "\n".join(lines),
        icon=":material/report:",
    )


def questions(view: ConsentView) -> None:
    if not view.questions:
        return
    with st.container(border=True):
        st.markdown(f"**:material/help: {tr('staff.questions.title', count=len(view.questions))}**")
        for title, note in view.questions:
            st.markdown(f"- **{title}**" + (f": {shown_as_typed(note)}" if note else ""))


def download(ctx: AppContext, staff: StaffSession, consent_id, *, key: str) -> None:
    """Fetch the PDF on request (hash and seal checked, the download audited), then offer it."""
    store_key = f"pdf-{key}-{consent_id}"
    if st.button(tr("staff.download.prepare"), key=f"prep-{key}", icon=":material/download:"):
        try:
            doc = documents.download_pdf(ctx, staff, consent_id)
        except DomainError as exc:
            st.session_state.pop(store_key, None)
            st.error(str(exc), icon=":material/gpp_bad:")
        else:
            st.session_state[store_key] = (doc.pdf, doc.kind, doc.sha256, doc.filename)
    ready = st.session_state.get(store_key)
    if ready:
        pdf, kind, sha, filename = ready
        st.download_button(
            tr("staff.download.button", kind=kind),
            data=pdf,
            file_name=filename,
            mime="application/pdf",
            key=f"dl-{key}",
            type="primary",
            icon=":material/picture_as_pdf:",
        )
        st.caption(tr("staff.download.checked", sha=sha[:16]))


def patient_copy(ctx: AppContext, staff: StaffSession, consent_id, *, key: str) -> None:
    """The patient's one-page aftercare and warning-signs sheet, in their language."""
    store_key = f"copy-{key}-{consent_id}"
    if st.button(tr("staff.copy.prepare"), key=f"copy-prep-{key}", icon=":material/print:"):
        try:
            st.session_state[store_key] = documents.patient_copy(ctx, staff, consent_id)
        except DomainError as exc:
            st.error(str(exc), icon=":material/error:")
    copy = st.session_state.get(store_key)
    if copy:
        st.download_button(
            tr("staff.copy.button"),
            data=bytes(copy),
            file_name=copy.filename,
            mime="application/pdf",
            key=f"copy-dl-{key}",
            icon=":material/print:",
        )


def all_answers(ctx: AppContext, view: ConsentView) -> None:
    """Everything else the patient answered, folded away below the flags."""
    c = view.consent
    with st.expander(tr("staff.answers.title"), icon=":material/checklist:"):
        lines = []
        for a in c.screening:
            try:
                question = view.staff_pack.question(a.question_id).text
            except KeyError:
                question = a.question_id
            answer = tr(f"staff.answers.{a.answer.value}")
            flag = f" :red-badge[{a.flag.value.upper()}]" if a.flag else ""
            # Whole questions, never clipped: a grid cut "Do you take a blood thinner..." short.
            lines.append(f"- {shown_as_typed(question)} — **{answer}**{flag}")
        if lines:
            st.markdown("\n".join(lines))
        photo = {True: "staff.answers.yes", False: "staff.answers.no", None: "staff.answers.none"}
        st.markdown(
            tr(
                "staff.answers.summary",
                acknowledged=len(c.acknowledgements),
                items=len(view.pack.item_ids()),
                photos=tr(photo[c.photo_consent]),
                interpreter=(
                    f"{shown_as_typed(c.interpreter.name_or_id)}"
                    f" ({shown_as_typed(c.interpreter.language)}, {c.interpreter.mode})"
                    if c.interpreter
                    else tr("staff.answers.none")
                ),
            )
        )
        if c.certified_at:
            st.caption(tr("staff.answers.certified", time=format_datetime(ctx, c.certified_at)))

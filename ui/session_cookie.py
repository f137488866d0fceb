"""The browser's side of the staff cookie (issue #18): a Components v2 element with no look of
its own that POSTs once to a same-origin route of web/staff_cookie.py, and reports back.

The ticket goes in the request body, never in a URL (no log, history or Referer holds it); the
route answers with the HttpOnly cookie, which this script can neither read nor set itself. Inline
JS, no network beyond this server, no build step (like ui/signature_pad.py).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

JS = """
export default function ({ data, setStateValue }) {
  const d = data || {};
  // Once per job, even if Streamlit mounts the element again on the next run.
  const sent = window.__consentCookieJobs || (window.__consentCookieJobs = {});
  if (!d.url || !d.job || sent[d.job]) return;
  sent[d.job] = true;
  fetch(d.url, {
    method: 'POST', credentials: 'same-origin', cache: 'no-store',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(d.body || {}),
  }).then((r) => setStateValue('done', { job: d.job, ok: r.ok }))
    .catch(() => setStateValue('done', { job: d.job, ok: false }));
}
"""

_bridge = st.components.v2.component("consent_session_cookie", html="", js=JS)


def cookie_request(*, key: str, job: str, url: str, body: dict[str, Any]) -> bool:
    """Send ``body`` to ``url`` once for ``job``; True once the browser says it was answered
    (the state change reruns the script, so the caller can stop showing the element)."""
    result = _bridge(
        key=key,
        data={"job": job, "url": url, "body": body},
        default={"done": None},
        on_done_change=lambda: None,
    )
    done = result.get("done") if result else None
    return isinstance(done, dict) and done.get("job") == job

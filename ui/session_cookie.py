"""The browser's side of the staff cookie (issue #18): a Components v2 element with no look of
its own that POSTs once to a same-origin route of web/staff_cookie.py.

It does not report back: a reply would rerun the script, and a rerun that lands just after a
tap on the staff menu took the browser back to the page it was leaving (seen in CI: a
clinician's first menu tap after signing in did nothing). The job is shown until it expires; the
element sends each job once.

The ticket goes in the request body, never in a URL (no log, history or Referer holds it); the
route answers with the HttpOnly cookie, which this script can neither read nor set itself. Inline
JS, no network beyond this server, no build step (like ui/signature_pad.py).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

JS = """
export default function ({ data }) {
  const d = data || {};
  // Once per job, even if Streamlit mounts the element again on the next run.
  const sent = window.__consentCookieJobs || (window.__consentCookieJobs = {});
  if (!d.url || !d.job || sent[d.job]) return;
  sent[d.job] = true;
  fetch(d.url, {
    method: 'POST', credentials: 'same-origin', cache: 'no-store',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(d.body || {}),
  }).catch(() => {});  // a lost reply: the session still ends or stays in the database
}
"""

_bridge = st.components.v2.component("consent_session_cookie", html="", js=JS)


def cookie_request(*, key: str, job: str, url: str, body: dict[str, Any]) -> None:
    """Have the browser send ``body`` to ``url``, once for ``job``."""
    _bridge(key=key, data={"job": job, "url": url, "body": body})

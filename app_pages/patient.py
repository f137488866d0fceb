"""The patient's kiosk: one screen at a time, in the patient's language, saved after every step.

Only what is on the screen lives in st.session_state; the draft (everything the patient has done)
is saved through services.consent under the resume token in the URL, so a reload or a server
restart comes back to the same screen. The screens themselves are in ui/patient/ (one module per screen group).
"""

from __future__ import annotations

from ui.patient import page
from ui.resources import app_context

page.run(app_context())

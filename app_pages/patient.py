"""The patient's kiosk: one screen at a time, in the patient's language, saved after every step.

Only what is on the screen lives in st.session_state; the draft (everything the patient has done)
is saved through services.consent under the resume token in the URL, so a reload or a server
restart comes back to the same screen. The screens themselves are in app_pages/patient_screens.py.
"""

from __future__ import annotations

from app_pages import patient_screens
from app_pages.resources import app_context

patient_screens.run(app_context())

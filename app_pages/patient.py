import streamlit as st

from app_pages.resources import app_context
from checklist.i18n import t

ctx = app_context()
st.title(t("en", "app.title", clinic_name=ctx.settings.clinic_name))

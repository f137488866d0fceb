"""Process-wide resources, built once (st.cache_resource) around plain builders."""

from __future__ import annotations

import streamlit as st

from services.context import AppContext, build_context
from settings import get_settings


@st.cache_resource(show_spinner=False)
def app_context() -> AppContext:
    return build_context(get_settings())

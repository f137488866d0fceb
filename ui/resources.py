"""Process-wide resources, built once (st.cache_resource) around plain builders."""

from __future__ import annotations

import sys

import streamlit as st
from pydantic import ValidationError

from errors import ConfigurationError, configuration_message
from services.context import AppContext, build_context
from settings import get_settings


@st.cache_resource(show_spinner=False)
def app_context() -> AppContext:
    return build_context(get_settings(), warm_pdf_fonts=True)  # the server: warm up


def startup_problem() -> str | None:
    """Why the app cannot start with this configuration (one line), or None.

    Not cached: once the clinic fixes the setting, the next page load starts the app. The same
    line ``cli.py`` prints; the server's log gets it too, for whoever deploys.
    """
    try:
        app_context()
    except (ValidationError, ConfigurationError) as exc:
        message = configuration_message(exc)
        print(message, file=sys.stderr)
        return message
    return None

"""Process-wide resources, built once (st.cache_resource) around plain builders."""

from __future__ import annotations

import sys

import streamlit as st
from pydantic import ValidationError
from streamlit import config as st_config

from errors import ConfigurationError, DomainError, configuration_message
from services.clinic_seal import needs_one_identity
from services.context import AppContext, build_context
from settings import get_settings

# Streamlit signs its cookies with server.cookieSecret, else a random one per process: behind a
# load balancer every server must have the same (issue #18).
COOKIE_SECRET_MISSING = (
    "Production with PostgreSQL (several app servers may share the database) needs Streamlit's "
    "cookie secret set explicitly and the same on every server: set "
    "STREAMLIT_SERVER_COOKIE_SECRET (or cookieSecret under [server] in .streamlit/config.toml) "
    "to one long random value on every server, with CONSENT_ENCRYPTION_KEY and the seal "
    "(CONSENT_SEAL_KEY_PASSPHRASE, or CONSENT_SEAL_P12_PATH and CONSENT_SEAL_P12_PASSWORD) also "
    "the same on every server."
)


@st.cache_resource(show_spinner=False)
def app_context() -> AppContext:
    settings = get_settings()
    if needs_one_identity(settings) and not st_config.is_manually_set("server.cookieSecret"):
        raise ConfigurationError(COOKIE_SECRET_MISSING)
    return build_context(settings, warm_pdf_fonts=True)  # the server: warm up


def startup_problem() -> str | None:
    """Why the app cannot start with this configuration (one line), or None.

    Not cached: once the clinic fixes the setting, the next page load starts the app. The same
    line ``cli.py`` prints; the server's log gets it too, for whoever deploys.
    """
    try:
        app_context()
    except (ValidationError, ConfigurationError, DomainError) as exc:
        # DomainError: e.g. the seal key cannot be read, the database cannot be reached.
        message = str(exc) if isinstance(exc, DomainError) else configuration_message(exc)
        print(message, file=sys.stderr)
        return message
    return None

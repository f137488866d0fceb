"""Streamlit helpers the pages share: session and guard, sidebar, widgets, patient screens."""

"""The consent record and its documents (PDF, seal, export). Pure: no Streamlit, no SQL."""

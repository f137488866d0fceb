"""HTTP routes beside Streamlit's own (st.App in app.py): small Starlette handlers that call one
service each; no SQL, no Streamlit."""

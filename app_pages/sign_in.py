import streamlit as st

st.title("Staff sign-in")

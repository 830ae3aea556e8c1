"""Shared AppTest fixtures: every test starts and ends with empty st.cache_data, so no test sees another's copies."""
import pytest
import streamlit as st


@pytest.fixture(autouse=True)
def clear_caches():
    st.cache_data.clear()
    yield
    st.cache_data.clear()

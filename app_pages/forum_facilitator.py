"""Forum, facilitator: create a forum event, hand out the table links, export and delete (passcode needed)."""
import streamlit as st

from components import forum_views

st.title("Forum: facilitator")
st.write("Set up a live forum: create the event, give each STP table its link, then show the plenary.")
passcode = forum_views.read_configured_passcode()
if not forum_views.render_passcode_gate(passcode):
    st.stop()
store = forum_views.get_forum_store_or_stop()
forum_views.render_create_event_form(store)
event = forum_views.render_event_picker(store.list_events(), key="forum_facilitator_event")
if event:
    forum_views.render_event_tools(store, event, passcode)
st.text(f"Answers are stored in: {store.describe()}")

"""Forum, facilitator: create an event, hand each table its link (QR codes, printable cards), show the plenary,
export and delete. The passcode is needed, and checked again by the store for every action."""
import streamlit as st

from components import forum_facilitator_views as views
from components import forum_views

st.title("Forum: facilitator")
st.write("Set up a live forum: create the event, give each table its link, then show the plenary.")
store = forum_views.get_forum_store_or_stop()
credentials = views.render_passcode_gate(store, forum_views.read_configured_passcode())
views.render_create_event_form(store, credentials)
event = views.render_event_picker(store, credentials)
if event:
    address = views.get_public_address()
    views.render_public_address(address)
    event = views.render_plenary_link(store, event, address, credentials)
    views.render_table_links(store, event, address, credentials)
    views.render_exports(store, event, credentials)
    views.render_delete_event(store, event, credentials)
st.text(f"Answers are stored in {store.describe()}.")

"""Forum, plenary: every table's answers summed for the room, refreshing by itself."""
import streamlit as st

from components import forum_views

st.title("Forum: plenary")
st.write("What the tables have said so far: journey scores by STP, the barriers named and the next steps.")
store = forum_views.get_forum_store_or_stop()
event = forum_views.render_event_picker(store.list_events(), key="forum_plenary_event")
if event:
    forum_views.render_plenary(event.id)

"""Forum, plenary: one event's answers summed for the room, refreshing by itself (opened from its plenary link)."""
import streamlit as st

from components import forum_views

st.title("Forum: plenary")
st.write("What the tables have said so far: journey scores by STP, the barriers named and the next steps.")
store = forum_views.get_forum_store_or_stop()
event, notice = forum_views.find_plenary_event(store)
if event is None:
    st.info(notice, icon="🔗")
    st.stop()
st.text(forum_views.format_event(event))  # typed by the facilitator: plain text
forum_views.render_plenary(event)

"""Forum, your table: a table opened from its own link sends its journey scores, vision counts, barriers and next
steps, always to that link's event and table."""
import streamlit as st

from components import forum_views

st.title("Forum: your table")
st.write("Answer the forum's questions for your table. Your answers show in the room within seconds. "
         "What you type is kept exactly as you typed it.")
store = forum_views.get_forum_store_or_stop()
link, event = forum_views.render_table_link_or_stop(store)
forum_views.render_table_heading(link, event)
forum_views.render_table_form(store, link)

"""Forum, your table: each STP table sends its journey scores, vision counts, barriers and next steps."""
import streamlit as st

from components import forum_views

st.title("Forum: your table")
st.write("Answer the forum's questions for your table. Your answers show in the room within seconds. "
         "What you type is kept exactly as you typed it.")
store = forum_views.get_forum_store_or_stop()
event = forum_views.render_event_picker(store.list_events(), key=forum_views.TABLE_EVENT_KEY,
                                        on_change=forum_views.start_new_answer)
stp_code = forum_views.render_stp_picker()
if event and stp_code:
    forum_views.render_table_form(store, event, stp_code)
elif event:
    st.info("Choose your table's STP to see the questions.", icon="👆")

"""Presenter: the forum presentation from slides.yaml, one message per slide in large type; ?slide=3 opens slide 3."""
import streamlit as st

from components import layout, slide_views

config, data = layout.require_inputs()
deck = slide_views.get_deck_or_stop(config, data)
number = slide_views.render_slide_position(deck)
slide_views.render_slide_style()
with st.container(key="presenter_slide"):
    numbers = slide_views.render_slide_bar(deck, number, data)
    slide_views.render_slide(deck.slides[number - 1], config, data, numbers)
    slide_views.render_deck_problems(deck, number)
slide_views.render_sidebar(deck, number, config, data)

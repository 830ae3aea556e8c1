"""Headline tiles: one figure per area of work, its target and its change, in words as well as numbers."""
import streamlit as st

from components import cached_data
from indicators.definitions import Domain, IndicatorDefinition
from indicators.errors import IndicatorUnavailable
from indicators.formatting import format_period
from indicators.views import compute_latest_headline


def render_domain_tile(domain: Domain, definitions: tuple[IndicatorDefinition, ...], period: str | None, *,
                       region_code: str) -> None:
    """The domain's headline indicator (config.yaml's headline, or the next that differs between areas) for the
    region in a bordered tile; a plain reason when there is no figure."""
    with st.container(border=True):
        st.subheader(domain.name)
        if not definitions:
            st.write("No indicator is defined for this area of work.")
            return
        choice = cached_data.get_headline_choice(domain.id, period)
        definition = choice.definition if choice is not None else definitions[0]
        try:
            latest = cached_data.get_view(compute_latest_headline, definition.id, levels=("region",),
                                          area_code=region_code, period=period) if period else None
        except IndicatorUnavailable as reason:
            st.write(f"**No figure.** {reason}")
            return
        if latest is None:
            st.write("**No figure** for this area of work in these data.")
            return
        headline, shown_period = latest
        st.metric(definition.name, headline.text, delta=headline.change_text or None,
                  delta_color="normal" if definition.direction == "higher_is_better" else "off",
                  help=definition.description)
        st.markdown(f"**{headline.target_text}**")
        if shown_period != period:
            st.markdown(f"Latest figure: {format_period(shown_period)}.")
        if choice is not None and choice.note:
            st.caption(choice.note)

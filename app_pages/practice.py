"""Practice view (the GP's page): one practice against its PCN, place, system and region, and its rank among peers."""
from dataclasses import replace

import streamlit as st

from components import cached_data, filters, layout, practice_views
from figures import spine
from indicators.datasets import practices_open_in

config, data = layout.require_inputs()
period, geography = filters.selected("period"), data.geography
header = st.container()
# the sidebar follows the practice; the first practice offered is one open in the period
practice = practice_views.render_practice_in_its_areas(geography, offered=practices_open_in(geography, period))
code = practice["practice_code"]
with header:
    layout.render_page_header(f"Practice view: {practice['practice_name']}",
                              practice_views.compute_intro(data.areas), data)
comparison = cached_data.get_practice_comparison(code, period)
practice_views.render_practice_facts(practice, comparison.list_size, comparison.list_size_period, data.areas)
levels = comparison.levels

st.header(f"This practice beside its areas and {data.areas.region.name}")
if levels.empty:
    st.info("No indicator in this data has a figure for a single practice, so there is nothing to compare. "
            "The indicators and why are listed below.")
else:
    st.markdown(practice_views.compute_spine_note(data.areas))
    lookup = {d.id: replace(d, short_name="") for d in config.indicators}  # full names, not legend labels
    layout.render_chart(cached_data.get_figure(spine.build_spine_figure, levels, lookup, data.areas),
                        key="practice_spine", alt=cached_data.get_computed(spine.describe_spine, levels, lookup,
                                                                           data.areas))
    layout.render_table(comparison.levels_table, key="practice_levels",
                        file_name=f"atscale-practice-{code}-{period}.csv")
missing = comparison.missing
if not missing.empty:
    st.subheader("Indicators with no figure for a single practice")
    layout.render_table(missing, key="practice_missing", file_name=f"atscale-practice-{code}-not-shown.csv")

st.header("This practice among its peers")
groups = comparison.groups
group = groups[filters.render_url_selectbox(
    "Peer group", list(groups), key="peer_group", help=practice_views.PEER_HELP,
    format_func=lambda g: groups[g].label + (" (not available for this practice)" if groups[g].unavailable else ""))]
if group.unavailable:
    st.warning(group.unavailable, icon="ℹ️")
else:
    st.markdown(layout.escape_markdown(f"{group.rule} That is {len(group.practice_codes):,} practices, "
                                       "this one included."))
    ranks = comparison.ranks[group.id]
    if ranks.empty:
        st.info("No indicator in this data has figures for single practices, so there is no rank to show.")
    else:
        st.markdown(practice_views.RANK_NOTE)
        layout.render_table(ranks, key="practice_peers", file_name=f"atscale-practice-{code}-peers-{group.id}.csv")

"""Practice view (the GP's page): one practice against its PCN, borough, STP and London, and its rank among peers."""
from dataclasses import replace

import streamlit as st

from components import cached_data, charts, filters, layout, practice_views
from indicators import peers

config, data = layout.require_inputs()
period, geography = filters.selected("period"), data.geography
header = st.container()
in_borough = geography[geography["borough_code"] == filters.selected("borough")].sort_values("practice_name")
code = practice_views.render_practice_picker(
    geography, default_code=in_borough["practice_code"].iloc[0] if len(in_borough) else None)
practice = geography[geography["practice_code"] == code].iloc[0]
with header:
    layout.render_page_header(
        f"Practice view: {layout.escape_markdown(practice['practice_name'])}",
        "Find a practice and see it beside its Primary Care Network (PCN: practices that work together), its "
        "borough, its STP (Sustainability and Transformation Partnership: one of London's five health and care "
        "partnerships) and London, then beside practices like it. Practices are compared to help them improve: "
        "each figure shows its uncertainty, and figures from small numbers are not shown or compared.",
        data,
    )
sizes, size_period = peers.compute_list_sizes(cached_data.get_table("registered_patients"), period)
practice_views.render_practice_facts(practice, sizes.get(code), size_period)
values, reasons = practice_views.get_all_period_values(config, period)
definitions = {d.id: d for d in config.indicators}

st.header("This practice beside its areas and London")
levels = peers.compute_practice_levels(values, practice)
if levels.empty:
    st.info("No indicator in this data has a figure for a single practice, so there is nothing to compare. "
            "The indicators and why are listed below.")
else:
    st.markdown("Each row is one indicator, drawn relative to London (London = 1). The coloured marker is this "
                "practice, its line the 95% confidence interval: the range the true figure is likely to be in. "
                "“Better”, “similar” or “worse” than London allows for that uncertainty and for which way is "
                "better; for staff numbers, which have no sampling error, “similar” means within 10% of London.")
    lookup = {d.id: replace(d, short_name="") for d in config.indicators}  # full names, not legend labels
    layout.render_chart(charts.build_spine_figure(levels, lookup), key="practice_spine",
                        alt=charts.describe_spine(levels, lookup))
    layout.render_table(peers.compute_practice_levels_table(levels, definitions), key="practice_levels",
                        file_name=f"atscale-practice-{code}-{period}.csv")
missing = peers.compute_missing_practice_figures(values, config.indicators, reasons)
if not missing.empty:
    st.subheader("Indicators with no figure for a single practice")
    layout.render_table(missing, key="practice_missing", file_name=f"atscale-practice-{code}-not-shown.csv")

st.header("This practice among its peers")
group_id = filters.render_url_selectbox("Peer group", list(peers.PEER_GROUPS), key="peer_group",
                                        format_func=peers.PEER_GROUPS.get, help=practice_views.PEER_HELP)
group = peers.compute_peer_group(geography, code, group_id, list_sizes=sizes,
                                 list_size_period=filters.format_period(size_period) if size_period else None)
if group.unavailable:
    st.warning(group.unavailable, icon="ℹ️")
else:
    ranks = peers.compute_peer_ranks(values, definitions, code, group.practice_codes)
    st.markdown(f"{group.rule} That is {len(group.practice_codes):,} practices, this one included.")
    if ranks.empty:
        st.info("No indicator in this data has figures for single practices, so there is no rank to show.")
    else:
        st.markdown(
            "The rank counts only practices with a figure; figures from small numbers are left out. With fewer "
            f"than {peers.MIN_RANKED} figures there is no rank. Other practices are not named: the table gives the "
            "spread of the group (lowest, middle and highest), so you can see where you stand without a league "
            "table. A rank does not allow for chance: check the confidence interval above before reading much into "
            "a small difference.")
        layout.render_table(ranks, key="practice_peers", file_name=f"atscale-practice-{code}-peers-{group_id}.csv")

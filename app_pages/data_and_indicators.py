"""Data and indicators: the catalogue read from config.yaml, the files loaded, and every problem found."""
from pathlib import Path

import pandas as pd
import streamlit as st

from components import cached_data, layout, source_views
from indicators.errors import AtscaleError

st.title("Data and indicators")
st.markdown("What the dashboard measures, which files it read, and every problem it found in them. "
            "Problems never stop the rest of the dashboard: everything still valid is shown.")
try:
    config = cached_data.get_config()
except AtscaleError as error:
    layout.render_data_problem(error)
    st.stop()
data = cached_data.get_data()
layout.render_data_label(data.label, data.title)
source_views.render_licence_and_coverage(data)

st.header("Areas")
areas = data.areas
st.markdown(layout.escape_markdown(
    f"{areas.region.name} ({areas.region.code}): {areas.count('stp'):,} {areas.system.plural}, "
    f"{areas.count('borough'):,} {areas.place.plural}, {data.geography['pcn_code'].replace('', None).nunique():,} "
    f"Primary Care Networks and {len(data.geography):,} practices.")
    + " The top area and what each level is called come from `dataset.yaml` (`areas`); the areas themselves "
      "from `practices.csv`.")
source_views.render_placements(data)
source_views.render_census_rules(config)

st.header("Indicators")
catalogue = pd.DataFrame([{
    "id": d.id, "domain": config.domains[d.domain].name, "name": d.name, "plain name": d.plain_name,
    "description": d.description,
    "numerator": f"{d.numerator.aggregate} of {' + '.join(d.numerator.columns)} in {d.numerator.table}"
                 + (f" where {dict(d.numerator.filter)}" if d.numerator.filter else ""),
    "denominator": f"{d.denominator.aggregate} of {' + '.join(d.denominator.columns)} in {d.denominator.table}"
                   + (f" where {dict(d.denominator.filter)}" if d.denominator.filter else ""),
    "multiplier": d.multiplier, "unit": d.unit, "direction": d.direction.replace("_", " "),
    "target": d.format_value(d.target.value) if d.target else "", "target source": d.target.source if d.target else "",
    "comparison": d.comparison, "hidden below": d.suppress_below,
    "meaningful difference": d.format_value(d.meaningful_difference) if d.meaningful_difference else "",
    "allows for clustering by": d.clustered_by if d.overdispersion else "",
} for d in config.indicators])
layout.render_table(catalogue, key="catalogue", file_name="atscale-indicators.csv")

st.header("Files loaded")
# Names only: this page is public, and server paths are not for the public (ATSCALE_CONFIG / ATSCALE_DATA_DIR say them).
st.markdown(f"Config: `{Path(config.path).name}`. Data folder: `{cached_data.data_dir().name}`.")
files = pd.DataFrame([vars(f) for f in data.files], columns=["name", "rows_read", "rows_kept", "status"])
layout.render_table(files, key="files", file_name="atscale-files.csv")
if data.sources:
    st.markdown("**Sources**")
    for source in data.sources:
        st.markdown(f"- {layout.escape_markdown(source)}")
for table, reason in data.unavailable.items():
    st.info(f"{table}: {reason}")
for table, caveat in data.caveats.items():
    st.warning(layout.escape_markdown(f"{table}: {caveat}"))

st.header("Problems found")
problems = (*config.problems, *data.problems)
if problems:
    errors = sum(p.severity == "error" for p in problems)
    st.warning(f"{errors} errors and {len(problems) - errors} warnings. Each names the file, row and field.")
    layout.render_problem_table(problems, key="problems")
else:
    st.success("No problems found in the config or the data files.")

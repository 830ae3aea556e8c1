"""Data and indicators: the catalogue read from config.yaml, the files loaded, and every problem found."""
from pathlib import Path

import pandas as pd
import streamlit as st

from components import cached_data, layout
from indicators.datasets import count_placements
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

st.header("Areas")
areas = data.areas
st.markdown(layout.escape_markdown(
    f"{areas.region.name} ({areas.region.code}): {areas.count('stp'):,} {areas.system.plural}, "
    f"{areas.count('borough'):,} {areas.place.plural}, {data.geography['pcn_code'].replace('', None).nunique():,} "
    f"Primary Care Networks and {len(data.geography):,} practices.")
    + " The top area and what each level is called come from `dataset.yaml` (`areas`); the areas themselves "
      "from `practices.csv`.")

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
census = [layout.escape_markdown(spec.title) for spec in config.tables.values() if spec.no_row_means_zero]
if census:
    st.markdown(f"**No row means none.** {', '.join(census)}: a census lists everything there is, so an area with "
                "no row in a period the file covers has none (a network with no staff), and its patients still count "
                "in the rates.")
placements = count_placements(data.geography)
if not placements.empty:
    st.markdown("**How each practice was placed in its area.** By its CCG when that covered one area; else by its "
                "postcode district among the areas its CCG covered, or with the other practices of its network when "
                "the district crosses them. A practice placed by postcode near a boundary may belong to the area "
                "next door.")
    layout.render_table(placements, key="placements", file_name="atscale-placements.csv")

st.header("Problems found")
problems = (*config.problems, *data.problems)
if problems:
    errors = sum(p.severity == "error" for p in problems)
    st.warning(f"{errors} errors and {len(problems) - errors} warnings. Each names the file, row and field.")
    layout.render_problem_table(problems, key="problems")
else:
    st.success("No problems found in the config or the data files.")

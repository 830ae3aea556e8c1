"""Pieces of the Data page about where the figures come from: licence and coverage, how practices were placed in
their areas, and which tables count a missing row as zero."""
import streamlit as st

from components import cached_data, layout
from indicators import provenance
from indicators.datasets import LoadedData, count_placements
from indicators.definitions import AppConfig


def render_licence_and_coverage(data: LoadedData) -> None:
    """The licence the figures are used under (attribution) and what covers only part of the region."""
    notes = cached_data.get_provenance()
    if notes.licence:
        st.markdown(f"**Licence.** {layout.escape_markdown(notes.licence)}")
    elif data.label == "real":
        st.warning("The data folder's dataset.yaml names no licence for these figures.", icon="⚠️")
    if data.sources:
        st.markdown(f"**Sources.** {len(data.sources):,} publisher files, listed under Files loaded below.")
    for table, text in notes.coverage:
        st.info(layout.escape_markdown(f"Coverage ({table}): {text}"), icon="🗺️")


def render_placements(data: LoadedData) -> None:
    """How the importer placed each practice in its place (practices.csv placement_source), per place; or that the
    data do not say (illustrative data, or data made before the importer recorded it)."""
    place = data.areas.place
    st.subheader(f"How practices were placed in their {place.plural}")
    counts = count_placements(data.geography)
    if counts.empty:
        st.markdown(f"Practices placed by postcode: {provenance.NOT_RECORDED} (practices.csv has no "
                    f"`{provenance.PLACEMENT_COLUMN}` column in these data).")
        return
    by_postcode = int(counts["placed by postcode"].sum())
    st.markdown(layout.escape_markdown(
        f"{by_postcode:,} of {int(counts['practices'].sum()):,} practices were placed in their {place.name} by their "
        f"postcode district, because their CCG covered more than one {place.name}; the rest by their CCG or with the "
        f"other practices of their network. A practice placed by postcode near a boundary may belong to the "
        f"{place.name} next door."))
    layout.render_table(counts, key="placements", file_name="atscale-placements.csv")


def render_census_rules(config: AppConfig) -> None:
    """What a missing row means for each table (config.yaml's no_row_means_zero)."""
    st.subheader("When a file has no row for an area")
    for sentence in provenance.describe_census_rules(config.tables, config.indicators):
        st.markdown(layout.escape_markdown(sentence))


def render_coverage_notes(definition) -> None:
    """Next to an indicator's figures: what its files leave out (dataset.yaml `coverage`), e.g. a system with none."""
    for text in provenance.coverage_notes(cached_data.get_provenance(), definition.tables):
        st.markdown(f"**Coverage.** {layout.escape_markdown(text)}")

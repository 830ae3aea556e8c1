"""Briefing pack: one click makes a system's (STP's) printable A4 handout (PDF) for a forum, showing progress."""
from datetime import date

import streamlit as st

from components import cached_data, filters, layout
from figures import images
from indicators.formatting import format_count, format_period

config, data = layout.require_inputs()
system, place, region = data.areas.system, data.areas.place, data.areas.region.name
stp_code, period = filters.selected("stp"), filters.selected("period")
stp_name = data.areas.name_of("stp", stp_code)
layout.render_page_header(
    f"Briefing pack: {stp_name}",
    f"A handout to print for a forum: {stp_name} against {region}, figures for {format_period(period)}. "
    f"Choose another {system.label} or period in the sidebar.",
    data,
)
st.markdown("The pack is an A4 PDF with large print. It has:\n"
            f"- a cover with the {format_count(len(config.domains))} headline figures, each against {region} and any "
            "target, in words;\n"
            f"- a page for each area of work, with the {system.name}'s {place.plural} against {region};\n"
            "- a trend, the staff mix and the networks' maturity, where there are figures;\n"
            "- the summary in plain words, and notes on the data.\n\n"
            "Every page names the data source, says whether the figures are real or illustrative, and is dated.")

if st.button("Make the briefing pack (PDF)", key="briefing_make", type="primary", icon="🖨️"):
    from reports import briefing  # the PDF library takes ~25 MB of memory: loaded when a pack is first made

    with st.status(f"Making the briefing pack for {stp_name}…", expanded=True) as status:
        progress = st.progress(0.0, text="Gathering figures…")
        pack = briefing.compute_briefing_pack(
            config, data, lambda indicator_id: cached_data.get_indicator_values(
                indicator_id, levels=("borough", "stp", "region"), stp_code=stp_code),
            stp_code=stp_code, period=period, made_on=date.today())
        progress.progress(0.1, text=f"Drawing charts: 0 of {len(pack.charts)}…")
        pictures, problem = images.render_pngs(
            pack.chart_figures, widths=pack.chart_widths,
            on_progress=lambda done, total: progress.progress(0.1 + 0.8 * done / total,
                                                              text=f"Drawing charts: {done} of {total}…"))
        if problem:
            st.warning(f"The charts could not be drawn as pictures ({problem}). The pack shows their figures as "
                       "tables instead.", icon="⚠️")
        progress.progress(0.9, text="Writing pages…")
        pdf = briefing.build_briefing_pdf(pack, pictures, image_problem=problem)
        progress.progress(1.0, text="Done.")
        status.update(label=f"The briefing pack for {stp_name} is ready ({len(pdf) / 1e6:.1f} MB).",
                      state="complete", expanded=False)
    st.session_state["briefing_pack"] = {"stp": stp_code, "period": period, "file_name": pack.file_name, "pdf": pdf}

made = st.session_state.get("briefing_pack")
if made and (made["stp"], made["period"]) == (stp_code, period):
    st.download_button("Download the briefing pack (PDF)", made["pdf"], file_name=made["file_name"],
                       mime="application/pdf", key="briefing_download", on_click="ignore", icon="⬇️")
else:
    st.markdown("Making the pack takes a few seconds: the charts are drawn as pictures for printing.")

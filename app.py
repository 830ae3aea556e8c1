"""atscale: router, theme and the shared selections kept in the URL."""
import streamlit as st

from components import cached_data, filters, layout
from indicators.areas import AreaModel
from indicators.errors import AtscaleError

filters.render_data_choice()  # first: which folder every figure below comes from
try:
    config = cached_data.get_config()
    data = cached_data.get_data()
except AtscaleError as problem:
    config = data = None
    error = problem
areas = data.areas if data is not None else AreaModel()
st.set_page_config(page_title=f"atscale: general practice at scale in {areas.region.name}", page_icon="🏥",
                   layout="wide")

# A flat list: Streamlit 1.67 draws navigation sections as headings inside the <ul>, which axe reports as
# a serious list violation, so the order carries the grouping instead. Titles name the data's own areas.
PAGES = [
    st.Page("app_pages/overview.py", title=f"{areas.region.name} overview", icon="🏙️", default=True),
    st.Page("app_pages/stp_profile.py", title=f"{areas.system.title} profile", icon="🧭"),
    st.Page("app_pages/borough_explorer.py", title=f"{areas.place.title} explorer", icon="🔎"),
    st.Page("app_pages/practice.py", title="Practice view", icon="🩺"),
    st.Page("app_pages/fairness.py", title="Fairness by deprivation", icon="⚖️"),
    st.Page("app_pages/briefing.py", title="Briefing pack", icon="🖨️"),
    st.Page("app_pages/plain_summary.py", title="In plain English", icon="💬"),
    st.Page("app_pages/glossary.py", title="Glossary", icon="📖"),
    st.Page("app_pages/presenter.py", title="Presenter", icon="📽️"),
    st.Page("app_pages/forum_table.py", title="Forum: your table", icon="📝"),
    st.Page("app_pages/forum_plenary.py", title="Forum: plenary", icon="📊"),
    st.Page("app_pages/forum_facilitator.py", title="Forum: facilitator", icon="🎤"),
    st.Page("app_pages/data_and_indicators.py", title="Data and indicators", icon="📋"),
]

PUBLIC_PAGES = ("plain_summary", "glossary")  # their sidebar uses plain names only

page = st.navigation(PAGES, expanded=True)  # every page listed: past 12, Streamlit hides the rest behind "View more"
presenting = page.url_path == "presenter"  # slides fill the screen: no shared filters, sidebar starts collapsed
st.set_page_config(initial_sidebar_state="collapsed" if presenting else "auto")
if data is None:
    layout.render_data_problem(error)
elif not presenting:
    filters.render_shared_filters(config, data.periods, areas, plain=page.url_path in PUBLIC_PAGES)
    with st.sidebar:
        layout.render_data_label(data.label, data.title)
        if data.errors or config.problems:
            st.warning(f"{len(data.errors) + len(config.problems)} problems were found in the input files. "
                       "Everything still valid is shown; see Data and indicators.", icon="⚠️")
layout.render_page_style()
page.run()

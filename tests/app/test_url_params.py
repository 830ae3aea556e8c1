"""AppTest: every page opened from a link with odd or hostile values in its address falls back with a notice,
never shows a traceback, and never shows the link's own text as markdown (links, pictures, HTML)."""
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.url_params import parse_whole_number

ROOT = Path(__file__).parents[2]
PAGES = sorted(path.name for path in (ROOT / "app_pages").glob("*.py"))
TITLES = {  # what each page's title starts with whatever the link asked for
    "overview.py": "London overview", "stp_profile.py": "STP profile", "briefing.py": "Briefing pack",
    "borough_explorer.py": "Borough explorer", "practice.py": "Practice view", "fairness.py": "Fairness",
    "data_and_indicators.py": "Data and indicators", "plain_summary.py": "In plain English", "glossary.py": "Glossary",
    "presenter.py": "General practice at scale in London", "forum_facilitator.py": "Forum: facilitator",
    "forum_plenary.py": "Forum: plenary", "forum_table.py": "Forum: your table",
}
# Every parameter any page reads from its address.
PARAMETERS = ("event", "slide", "stp", "borough", "practice", "indicator", "period", "peer_group", "summary_level",
              "summary_area", "table", "plenary", "stp_code")
HOSTILE = {
    "superscript": "²",
    "5000 digits": "9" * 5000,
    "negative": "-1",
    "script": "<script>alert(1)</script>",
    "markdown link": "[x](https://example.org)",
    "markdown image": "![t](http://example.org/x.png)",
    # an icon directive written in two parts, so that no source file names a material icon (they need the internet)
    "colour directive": ":red[shouting] :material" + "/home:",
}
SHARED_FILTERS = ("STP", "borough", "indicator", "period")
PLAIN_FILTERS = ("local health and care partnership", "borough", "topic", "period")  # public pages' plain names


def open_from_link(page: str, query: dict[str, str]) -> AppTest:
    """The page as a shared link opens it in a new session: the address first, then the page's first run."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(f"app_pages/{page}").run()
    return at


def rendered_as_markdown(at: AppTest) -> list[str]:
    """Everything on the page whose text Streamlit renders as markdown (or HTML)."""
    kinds = ("markdown", "caption", "title", "header", "subheader", "error", "warning", "info", "success", "toast")
    shown = [element.value for kind in kinds for element in at.get(kind)]
    shown += [element.proto.body for element in at.get("html")]
    shown += [str(getattr(widget, "label", "")) + str(getattr(widget, "help", "") or "") for widget in
              (*at.selectbox, *at.text_input, *at.button, *at.radio, *at.multiselect)]
    return shown


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("page", PAGES)
def test_every_page_falls_back_from_a_hostile_link_without_a_traceback_or_its_text(page, value):
    at = open_from_link(page, {name: value for name in PARAMETERS})

    assert not at.exception, [e.value for e in at.exception]
    assert any(title.value.startswith(TITLES[page]) for title in at.title), [t.value for t in at.title]
    leaked = [text for text in rendered_as_markdown(at)
              if "example.org" in text or "alert(1)" in text or "shouting" in text or "9" * 100 in text]
    assert not leaked
    notices = [w.value for w in at.warning if w.value.startswith("The link's ")]
    if page == "presenter.py":
        [notice] = notices  # the deck's size comes from slides.yaml
        assert re.fullmatch(r"The link's slide number \(this deck has slides 1 to \d+\) is not one this page can "
                            r"show\. Showing slide 1 instead\.", notice), notice
    else:  # the shared sidebar: each selection the link got wrong says what is shown instead, on the page itself
        names = PLAIN_FILTERS if page in ("plain_summary.py", "glossary.py") else SHARED_FILTERS
        assert [notice.split(" is not one")[0] for notice in notices[:4]] == [
            f"The link's {what}" for what in names]
        assert all(notice in [w.value for w in at.main.warning] for notice in notices)


def test_a_valid_link_opens_without_any_notice():
    at = open_from_link("stp_profile.py", {"stp": "QWE", "indicator": "gp_fte_per_1000", "period": "2020-10-01"})

    assert not at.exception
    assert at.title[0].value == "STP profile: South West London"
    assert not [w for w in at.warning if w.value.startswith("The link's ")]


@pytest.mark.parametrize(("text", "expected"), [
    ("3", 3), (" 12 ", 12), ("1", 1), (None, None), ("", None), ("0", None), ("13", None), ("-1", None),
    ("²", None), ("３", None), ("2.5", None), ("1e1", None), ("9" * 5000, None), ("0012", 12), ("3; drop", None),
])
def test_only_plain_digits_in_range_are_a_number(text, expected):
    assert parse_whole_number(text, 1, 12) == expected

"""AppTest: the Briefing pack page makes an STP's PDF with progress, and every chart offers a PNG download."""
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from figures import images
from reports import briefing

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module", autouse=True)
def close_the_chart_browser():
    """The page uses the process-wide chart browser; close it when this module is done."""
    yield
    images.get_shared_renderer().close()


def open_page(page: str = "briefing.py", **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"app_pages/{page}").run()
    return at


def pdf_downloads(at: AppTest) -> list:
    return [button for button in at.get("download_button") if button.proto.label == "Download the briefing pack (PDF)"]


def images_in(pdf: bytes) -> int:
    reader = PdfReader(io.BytesIO(pdf))
    return sum(1 for page in reader.pages for item in page["/Resources"].get("/XObject", {}).values()
               if item.get_object()["/Subtype"] == "/Image")


def test_one_click_makes_the_stps_pack_with_progress_and_a_pdf_download(browser_part_missing):
    if images.find_browser() is None:
        browser_part_missing("No Chromium here to draw charts with.")
    at = open_page(stp="QMJ")
    assert not at.exception
    assert [t.value for t in at.title] == ["Briefing pack: North Central London"]
    assert pdf_downloads(at) == []
    at.button(key="briefing_make").click().run()
    assert not at.exception, [e.value for e in at.exception]
    size_mb = len(at.session_state["briefing_pack"]["pdf"]) / 1e6
    status = at.get("status")[0].proto
    assert status.label == f"The briefing pack for North Central London is ready ({size_mb:.1f} MB)."
    assert at.get("progress")[0].proto.text == "Done."
    assert at.warning.len == 0
    download = pdf_downloads(at)
    assert len(download) == 1 and download[0].proto.url.endswith(".pdf")
    made = at.session_state["briefing_pack"]
    assert made["file_name"] == "atscale-briefing-north-central-london-2021-01.pdf"
    reader = PdfReader(io.BytesIO(made["pdf"]))
    assert "Briefing pack: North Central London" in reader.pages[0].extract_text()
    assert images_in(made["pdf"]) == 7 + briefing.MAX_SPC_CHARTS  # the main charts, then SPC charts

    at.run()  # a rerun keeps the finished pack without making it again
    assert len(pdf_downloads(at)) == 1 and not at.get("status")


def test_the_download_is_for_the_chosen_stp_only():
    at = open_page(stp="QMJ")
    at.session_state["briefing_pack"] = {"stp": "QMJ", "period": "2021-01-01", "file_name": "x.pdf", "pdf": b"%PDF"}
    at.run()
    assert len(pdf_downloads(at)) == 1
    at.session_state["stp"] = "QWE"  # the sidebar's STP (AppTest drops the sidebar after switch_page)
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Briefing pack: South West London"]
    assert pdf_downloads(at) == []


def test_without_a_browser_the_pack_is_still_made_with_tables_and_the_page_says_why(monkeypatch):
    images.get_shared_renderer().close()
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    at = open_page(stp="QWE")
    at.button(key="briefing_make").click().run()
    assert not at.exception
    assert "could not be drawn as pictures (the browser named in BROWSER_PATH does not exist)" in at.warning[0].value
    assert "nonexistent" not in at.warning[0].value  # no server path on a public page
    assert len(pdf_downloads(at)) == 1
    pdf = at.session_state["briefing_pack"]["pdf"]
    assert images_in(pdf) == 0
    assert "Charts are shown as tables" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_every_chart_on_a_page_has_a_labelled_png_download_drawn_only_on_click():
    at = open_page("stp_profile.py", stp="QMJ")
    assert not at.exception
    charts = at.get("plotly_chart")
    buttons = [button for button in at.get("download_button") if button.proto.label == "Download this chart (PNG)"]
    assert len(charts) >= 4 and len(buttons) == len(charts)
    assert all(button.proto.deferred_file_id and not button.proto.url for button in buttons)  # nothing drawn yet
    assert all(button.proto.disabled == (images.find_browser() is None) for button in buttons)
    assert all("camera button" in button.proto.help for button in buttons)

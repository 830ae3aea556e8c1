"""In a real browser: a table's CSV and a chart's PNG are written only when their button is clicked, and the
file the browser saves holds the table shown or a picture of the chart."""
from pathlib import Path

import pytest

pw = pytest.importorskip("playwright.sync_api")
expect = pw.expect

DOWNLOAD_TIMEOUT_MS = 90_000  # drawing a PNG starts a headless browser on the server


def download(visit, button) -> tuple[str, bytes]:
    """Click the button and return the saved file's suggested name and contents."""
    with visit.page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as started:
        button.click()
    saved = started.value
    assert saved.failure() is None, saved.failure()
    return saved.suggested_filename, Path(saved.path()).read_bytes()


def test_the_stp_table_downloads_as_the_csv_of_the_rows_shown(visit):
    visit.open("/")
    table = visit.main.get_by_test_id("stDataFrame").first
    expect(table).to_be_visible()
    name, content = download(visit, visit.main.get_by_role("button", name="Download this table (CSV)").first)
    lines = content.decode("utf-8").splitlines()
    assert name.startswith("atscale-") and name.endswith(".csv"), name
    assert lines[0].startswith("Area,Level,Period,"), lines[0]
    # The five STPs and London, one row each, as in the table on the page.
    assert len(lines) == 1 + 6, lines
    assert sum(line.split(",")[1] == "STP" for line in lines[1:]) == 5
    assert any(line.startswith("London,London,") for line in lines[1:])


def test_a_chart_downloads_as_a_png_picture(visit):
    visit.open("/")
    button = visit.main.get_by_role("button", name="Download this chart (PNG)").first
    if button.is_disabled():
        pytest.skip("no browser on the server to draw the picture with (figures.images.find_browser)")
    name, content = download(visit, button)
    assert name == "atscale-overview_stps.png", name
    assert content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) > 10_000, len(content)

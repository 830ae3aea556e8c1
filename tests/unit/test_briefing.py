"""The STP briefing pack PDF: its pages, the figures printed on them, chart images, and the fallbacks."""
import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import plotly.graph_objects as go
import pytest
from PIL import Image
from pypdf import PdfReader

from figures import images
from indicators.compute import compute_indicator_values
from indicators.datasets import load_data
from indicators.definitions import load_config
from indicators.errors import IndicatorUnavailable
from reports import briefing

ROOT = Path(__file__).resolve().parents[2]
MADE_ON = date(2021, 3, 31)


@pytest.fixture(scope="module")
def demo():
    if not (ROOT / "data" / "practices.csv").exists():
        pytest.skip("The demo data is not there; run scripts/make_demo_data.py first.")
    config = load_config(ROOT / "config.yaml")
    data = load_data(config, ROOT / "data")
    values = {}
    for definition in config.indicators:
        try:
            values[definition.id] = compute_indicator_values(definition, data)
        except IndicatorUnavailable:
            pass

    def get_values(indicator_id):
        if indicator_id not in values:
            raise IndicatorUnavailable("Not in these data.")
        return values[indicator_id]
    return config, data, values, get_values


def make_pack(demo, stp_code):
    config, data, _, get_values = demo
    return briefing.compute_briefing_pack(config, data, get_values, stp_code=stp_code, period=data.periods[-1],
                                          made_on=MADE_ON)


@pytest.fixture(scope="module")
def chart_renderer(browser_part_missing):
    """One warm browser for the module (kaleido in Debian's chromium), closed at the end."""
    if images.find_browser() is None:
        browser_part_missing("No Chromium here to draw charts with.")
    with images.ChartRenderer() as renderer:
        yield renderer


@pytest.fixture(scope="module")
def north_central(demo, chart_renderer):
    pack = make_pack(demo, "QMJ")
    pictures, problem = images.render_pngs(pack.chart_figures, widths=pack.chart_widths, renderer=chart_renderer)
    assert problem is None
    return pack, pictures, PdfReader(io.BytesIO(briefing.build_briefing_pdf(pack, pictures)))


@pytest.fixture(scope="module")
def without_charts(demo):
    """The pack when the browser that draws charts is broken (/bin/false starts and exits at once)."""
    pack = make_pack(demo, "QMJ")
    pictures, problem = images.render_pngs(pack.chart_figures, widths=pack.chart_widths,
                                           renderer=images.ChartRenderer(browser_path="/bin/false"))
    return pictures, problem, PdfReader(io.BytesIO(briefing.build_briefing_pdf(pack, pictures,
                                                                                image_problem=problem)))


def page_texts(reader: PdfReader) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def page_bodies(reader: PdfReader) -> list[str]:
    """Each page's text after the running header line."""
    return [text.split(" Figures for January 2021 ", 1)[1] for text in page_texts(reader)]


def find_page(reader: PdfReader, heading: str) -> str:
    return next(body for body in page_bodies(reader) if body.startswith(heading))


def image_count(page) -> int:
    objects = page["/Resources"].get("/XObject", {}) if "/Resources" in page else {}
    return sum(1 for item in objects.values() if item.get_object()["/Subtype"] == "/Image")


def stp_row(values, indicator_id, stp_code, period):
    rows = values[indicator_id]
    return rows[(rows["level"] == "stp") & (rows["area_code"] == stp_code) & (rows["period"] == period)].iloc[0]


def test_the_pack_has_a_cover_a_page_per_section_then_the_summary_and_notes(demo, north_central):
    config, _, _, _ = demo
    pack, _, reader = north_central
    bodies = page_bodies(reader)
    assert bodies[0].startswith("Briefing pack: North Central London General practice at scale")
    assert "Headline figures" in bodies[0] and "In this pack" in bodies[0]
    domain_names = [domain.name for domain in config.domains.values()]
    sections = [*domain_names, "Over time: Patients with extended access (8am to 8pm, 7 days)",
                "Practice staff per 1,000 patients", "Primary Care Network maturity", briefing.SPC_HEADING]
    assert [section.heading for section in pack.sections] == sections
    for number, heading in enumerate(sections, start=1):  # one page each, in order
        assert bodies[number].startswith(heading), (number, heading)
    summary = next(number for number, body in enumerate(bodies) if body.startswith("Summary in plain words"))
    # the SPC section: the board overview's table (it may run onto a second page) and four charts, two a page
    assert 1 <= summary - len(sections) <= 5
    assert bodies[summary].startswith("Summary in plain words About this summary")
    assert "About these figures Illustrative data: these are not real NHS figures." in bodies[-1]
    # The summary runs on until the notes, which end the pack (on the summary's last page or their own).
    assert all("About these figures" not in body for body in bodies[summary:-1])
    assert 10 <= len(reader.pages) <= 16, "a handout, not a report"


def test_every_page_names_the_stp_label_source_period_date_and_page_number(demo, north_central):
    _, data, _, _ = demo
    _, _, reader = north_central
    total = len(reader.pages)
    for number, text in enumerate(page_texts(reader), start=1):
        assert text.startswith("atscale briefing pack: North Central London Figures for January 2021"), number
        assert "Illustrative data: these are not real NHS figures." in text, number
        assert f"Source: {data.title}" in text, number
        assert "Made on 31 March 2021" in text, number
        assert text.endswith(f"Page {number} of {total}"), number


def test_the_headline_figures_are_the_stps_own_values(demo, north_central):
    _, data, values, _ = demo
    _, _, reader = north_central
    texts = page_texts(reader)
    period = data.periods[-1]
    coverage = stp_row(values, "extended_access_coverage", "QMJ", period)
    london = values["extended_access_coverage"]
    london = london[(london["level"] == "region") & (london["period"] == period)].iloc[0]
    shown = f"{coverage['value']:.1f}%"
    assert f"Extended access Patients with extended access (8am to 8pm, 7 days) North Central London {shown} " \
           f"London: {london['value']:.1f}%" in texts[0]
    met = "met ✓" if coverage["value"] >= 97 else "not met ✗"
    assert f"Target 97.0%: {met}" in texts[0]
    gps = stp_row(values, "gp_fte_per_1000", "QMJ", period)
    assert f"North Central London {gps['value']:.2f} per 1,000 patients" in texts[0]
    access_page = find_page(reader, "Extended access")
    assert f"January 2021: {shown} (London {london['value']:.1f}%)" in access_page
    # The boroughs of the STP are named in the chart's sentence, never another STP's.
    boroughs = set(data.geography.loc[data.geography["stp_code"] == "QMJ", "borough_name"])
    assert any(borough in access_page for borough in boroughs)
    assert "Croydon" not in access_page


def test_the_summary_in_plain_words_is_the_stps(north_central):
    pack, _, reader = north_central
    summary = find_page(reader, "Summary in plain words")
    assert " ".join(pack.summary[0].sentences) in summary
    assert "This page is about family doctors (GPs) and their surgeries in North Central London." in summary
    assert [section.heading for section in pack.summary][:2] == ["About this summary", "Knowing the plan"]


def test_charts_are_embedded_as_images_one_per_chart(north_central):
    pack, images, reader = north_central
    assert set(images) == {chart.key for chart in pack.charts}
    counts = [image_count(page) for page in reader.pages]
    assert counts[0] == 0
    assert counts[1:8] == [1] * 7
    assert sum(counts) == len(pack.charts) == 7 + briefing.MAX_SPC_CHARTS  # 16 quarters: SPC charts too
    assert max(counts) == 2  # two SPC charts share a page
    assert "Charts are shown as tables" not in page_texts(reader)[0]


def test_a_chart_is_drawn_as_a_png_of_the_asked_size(chart_renderer):
    figure = go.Figure(go.Bar(x=[1, 2], y=["a", "b"], orientation="h")).update_layout(height=300)
    png = chart_renderer.render_png(figure, width=500, scale=2)
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.size) == ("PNG", (1000, 600))


def test_two_stps_make_two_different_packs(demo, north_central):
    pack = make_pack(demo, "QWE")
    reader = PdfReader(io.BytesIO(briefing.build_briefing_pdf(pack, {})))
    south_west, north_central_texts = page_texts(reader), page_texts(north_central[2])
    assert pack.file_name == "atscale-briefing-south-west-london-2021-01.pdf"
    assert north_central[0].file_name == "atscale-briefing-north-central-london-2021-01.pdf"
    assert all(text.startswith("atscale briefing pack: South West London") for text in south_west)
    assert not any("South West London" in text for text in north_central_texts)
    assert page_bodies(reader)[0].startswith("Briefing pack: South West London")


def test_without_a_working_browser_the_pack_prints_tables_and_says_why(demo, without_charts):
    _, data, values, _ = demo
    images, problem, reader = without_charts
    assert images == {}
    assert problem.startswith("the browser that draws charts did not start")
    texts = page_texts(reader)
    assert sum(image_count(page) for page in reader.pages) == 0
    assert "Charts are shown as tables of their figures in this copy, because they could not be drawn" in texts[0]
    access_page = find_page(reader, "Extended access")
    coverage = stp_row(values, "extended_access_coverage", "QMJ", data.periods[-1])
    assert f"North Central London STP {coverage['value']:.1f}" in access_page
    assert "Shown as a table because the chart could not be drawn" in access_page
    assert all("Illustrative data" in text for text in texts)


def test_a_missing_browser_is_explained_in_plain_words(monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "chromium"))
    assert images.find_browser() is None
    pictures, problem = images.render_pngs({"chart": go.Figure()}, renderer=images.ChartRenderer())
    assert pictures == {}
    assert problem == "the browser named in BROWSER_PATH does not exist"


def test_without_the_dejavu_font_the_pack_uses_latin_1_text(demo):
    pack = make_pack(demo, "QMJ")
    reader = PdfReader(io.BytesIO(briefing.build_briefing_pdf(pack, {}, use_system_font=False)))
    cover = page_texts(reader)[0]
    assert "Briefing pack: North Central London" in cover
    assert "✓" not in cover and "Target 97.0%: met" in cover
    assert briefing.compute_latin_1("8am–8pm, “open” ✓ ‘ok’ • ≥") == '8am-8pm, "open" \'ok\' - ?'


def test_the_reports_package_never_imports_streamlit():
    code = "import sys, reports.briefing, figures.images; print('streamlit' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"

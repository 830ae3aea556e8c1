"""The briefing pack's "Signal or noise" section: the STP's board overview table and the SPC chart and plain sentence
of each indicator with enough figures, on the committed real data and on the illustrative data."""
import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from figures import images
from indicators.board_overview import NO_FIGURE, OVERVIEW_COLUMNS
from indicators.compute import compute_indicator_values
from indicators.datasets import load_data
from indicators.definitions import load_config
from indicators.errors import IndicatorUnavailable
from indicators.spc import compute_spc_for_area
from indicators.spc_text import describe_spc
from reports import briefing

ROOT = Path(__file__).resolve().parents[2]
MADE_ON = date(2021, 9, 30)
APPOINTMENT_INDICATORS = ("appointments_per_1000", "same_day_appointments", "face_to_face_appointments",
                          "non_gp_appointments")


def load(folder: Path):
    if not (folder / "practices.csv").exists():
        pytest.skip(f"No data in {folder}.")
    config = load_config(ROOT / "config.yaml")
    data = load_data(config, folder)
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


@pytest.fixture(scope="module")
def real():
    return load(ROOT / "data" / "real")


@pytest.fixture(scope="module")
def demo():
    return load(ROOT / "data")


def spc_section(pack):
    [section] = [section for section in pack.sections if section.heading == briefing.SPC_HEADING]
    return section


def make_pack(loaded, stp_code):
    config, data, _, get_values = loaded
    return briefing.compute_briefing_pack(config, data, get_values, stp_code=stp_code, period=data.periods[-1],
                                          made_on=MADE_ON)


def test_on_real_data_the_section_has_the_board_overview_and_an_spc_chart_per_appointments_indicator(real):
    config, _, values, _ = real
    pack = make_pack(real, "QMJ")
    section = spc_section(pack)
    assert [chart.key for chart in section.charts] == [f"{i}_spc" for i in APPOINTMENT_INDICATORS]
    for chart, indicator_id in zip(section.charts, APPOINTMENT_INDICATORS, strict=True):
        definition = config.indicator(indicator_id)
        result = compute_spc_for_area(values[indicator_id], definition, area_code="QMJ", level="stp")
        assert chart.sentence == describe_spc(result, f'The figure for "{definition.plain_name}"', plain=True,
                                              format_value=definition.format_value)
        assert chart.alt.startswith("SPC chart of") and "Special cause points:" in chart.alt
        assert "April 2020" in chart.table.loc[chart.table["Special cause"] != "No", "Period"].tolist()
        assert len(chart.table) == 30
    assert "fell more than usual in April 2020" in section.charts[0].sentence
    [table] = section.tables
    assert list(table.columns) == list(OVERVIEW_COLUMNS)
    assert NO_FIGURE not in set(table["Latest value"])
    assert set(APPOINTMENT_INDICATORS) <= {d.id for d in config.indicators if d.name in set(table["Indicator"])}
    left_out = next(p for p in section.paragraphs if p.startswith(f"No figure for {real[1].areas.name_of('stp', 'QMJ')}"))
    assert "Respondents aware of the STP vision" in left_out


def test_an_stp_without_appointments_gets_the_overview_and_says_there_is_no_spc_chart(real):
    section = spc_section(make_pack(real, "QWE"))
    assert section.charts == ()
    name = real[1].areas.name_of("stp", "QWE")
    assert any(p.startswith(f"No indicator has 15 or more figures for {name} yet") for p in section.paragraphs)
    assert len(section.tables[0]) >= 1


def test_on_illustrative_quarterly_data_the_pack_charts_the_domains_headline_indicators_first(demo):
    config = demo[0]
    section = spc_section(make_pack(demo, "QKK"))
    headlines = [config.indicators_in(domain)[0].id for domain in config.domains]
    assert [chart.key for chart in section.charts] == [f"{indicator_id}_spc" for indicator_id in headlines]
    assert any("The SPC charts that follow" in p for p in section.paragraphs)
    table = section.tables[0]
    coverage = table.set_index("Indicator").loc["Patients with extended access (8am to 8pm, 7 days)"]
    assert coverage["Target"] == "97.0%" and coverage["Variation"].startswith("↑✓ Special cause variation: improving")
    assert coverage["Assurance"].startswith("– Not assessed: the process has moved")
    maturity = table.set_index("Indicator").loc["PCN maturity domains at stage 4 or 5"]
    assert maturity["Variation"] == "… Not enough points yet: 7 of 15"  # networks began in July 2019


def test_the_printed_section_has_the_table_the_charts_as_images_and_their_sentences(real, browser_part_missing):
    if images.find_browser() is None:
        browser_part_missing("No Chromium here to draw charts with.")
    pack = make_pack(real, "QMJ")
    figures = {chart.key: chart.figure for chart in spc_section(pack).charts}
    with images.ChartRenderer() as renderer:
        pictures, problem = images.render_pngs(figures, widths=pack.chart_widths, renderer=renderer)
    assert problem is None
    reader = PdfReader(io.BytesIO(briefing.build_briefing_pdf(pack, pictures)))
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    # the section's first page (the contents page names the heading too)
    start = next(number for number, text in enumerate(texts) if briefing.SPC_HEADING in text and "Making Data Count" in text)
    section_text = " ".join(texts[start:start + 6])
    assert "Indicator Latest period Latest value Target Variation Assurance" in section_text
    assert "~ Common cause variation" in section_text and "↑ Special cause variation: higher" in section_text
    assert "fell more than usual in April 2020" in section_text
    objects = [page["/Resources"].get("/XObject", {}) for page in reader.pages[start:start + 6]]
    assert sum(1 for group in objects for item in group.values()
               if item.get_object()["/Subtype"] == "/Image") == len(APPOINTMENT_INDICATORS)

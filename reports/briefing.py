"""An STP's briefing pack: headline figures, charts and plain-language summary, printed as an A4 PDF handout.

compute_briefing_pack() gathers the figures and builds the charts (with the dashboard's own figure builders,
figures/, which have no Streamlit); build_briefing_pdf() lays them out with fpdf2, from PNG images of the charts, or
from tables of the same numbers when the charts could not be drawn.
"""
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image

from figures.comparison import build_area_comparison_figure, describe_area_comparison
from figures.images import PRINT_WIDTH_PX
from figures.maturity import build_maturity_heatmap
from figures.spc_chart import build_spc_panel
from figures.trend import build_trend_figure, describe_trend
from figures.workforce_mix import build_workforce_mix_figure, describe_workforce_mix
from indicators.areas import AreaModel
from indicators.board_overview import NO_FIGURE, compute_board_overview
from indicators.errors import IndicatorUnavailable
from indicators.formatting import format_period, format_status
from indicators.plain_language import SummarySection, compute_area_summary
from indicators.spc import ICON_KEY, MIN_POINTS
from indicators.views import (
    choose_headline,
    compute_display_table,
    compute_headline,
    compute_maturity_grid,
    compute_mix,
    latest_period_with_values,
)

FONT_FOLDERS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))  # Debian, Fedora
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
LATIN_1_REPLACEMENTS = {
    "\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2026": "...",
    "\u2212": "-", "\u00a0": " ", "\u2022": "-", "\u2191": "^", "\u2193": "v", " \u2713": "", " \u2717": "", "\u2713": "", "\u2717": "",
}
DATA_LABEL_TEXT = {
    "illustrative": "Illustrative data: these are not real NHS figures.",
    "real": "Real data.",
}
UNLABELLED_TEXT = "Unlabelled data: the data folder does not say whether these figures are real or illustrative."
PAGE_MARGIN_MM = 15
BODY_PT, SUMMARY_PT, SMALL_PT, TABLE_PT = 13, 12, 10, 10
LINE_MM = 6.5
CAPTION_ROOM_MM = 16  # kept under a chart for the sentence saying what it shows
SPC_HEADING = "Signal or noise: the board overview and SPC charts"
MAX_SPC_CHARTS = 4  # a handout, not a report: the domains' headline indicators first, two charts a page
SPC_CHART_HEIGHT = 360
SMALLEST_FIT = 0.75  # a chart is shrunk to no less than this to stay on its page


@dataclass(frozen=True)
class BriefingHeadline:
    """One area of work's headline figure for the STP, against the region and any target, in words."""

    domain_name: str
    indicator_name: str
    area_text: str
    region_text: str
    comparison_text: str
    target_text: str
    period_text: str
    change_text: str


@dataclass(frozen=True)
class BriefingChart:
    """A chart, the sentence saying what it shows, and its numbers as a table (printed if it cannot be drawn)."""

    key: str
    figure: go.Figure
    alt: str
    table: pd.DataFrame
    width_px: int = PRINT_WIDTH_PX  # drawn this wide to fill the page width: fewer pixels, larger print
    sentence: str = ""  # what the chart says, in plain words, printed under it


@dataclass(frozen=True)
class BriefingSection:
    """One page (or more) of the pack: a heading, short paragraphs, an optional headline and charts."""

    heading: str
    paragraphs: tuple[str, ...]
    headline: BriefingHeadline | None
    charts: tuple[BriefingChart, ...]
    tables: tuple[pd.DataFrame, ...] = ()  # printed before the charts


@dataclass(frozen=True)
class BriefingPack:
    """Everything printed in one STP's briefing pack."""

    area_code: str
    area_name: str
    period: str
    data_label: str
    data_title: str
    sources: tuple[str, ...]
    made_on: date
    headlines: tuple[BriefingHeadline, ...]
    sections: tuple[BriefingSection, ...]
    summary: tuple[SummarySection, ...]
    areas: AreaModel = field(default_factory=AreaModel)

    @property
    def charts(self) -> tuple[BriefingChart, ...]:
        return tuple(chart for section in self.sections for chart in section.charts)

    @property
    def chart_figures(self) -> dict[str, go.Figure]:
        return {chart.key: chart.figure for chart in self.charts}

    @property
    def chart_widths(self) -> dict[str, int]:
        return {chart.key: chart.width_px for chart in self.charts}

    @property
    def file_name(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", self.area_name.lower()).strip("-") or self.area_code.lower()
        return f"atscale-briefing-{slug}-{self.period[:7]}.pdf"


def compute_briefing_pack(config, data, get_values: Callable[[str], pd.DataFrame], *, stp_code: str, period: str,
                          made_on: date) -> BriefingPack:
    """The figures, charts and summary for one STP in `period` (each figure: its latest period up to then).

    get_values(indicator_id) returns the tidy values (docs/data-contract.md) including the STP, its boroughs
    and the region, or raises IndicatorUnavailable; other rows are ignored. Sections: one per domain (its headline
    indicator, indicators.views.choose_headline, and the STP's boroughs against the region), the trend of the headline with a
    target, each staff mix, and the maturity heat map. Areas are named as data.areas names them.
    """
    areas = data.areas
    values, unavailable = {}, dict(data.unavailable)
    for definition in config.indicators:
        try:
            values[definition.id] = _rows_for_stp(get_values(definition.id), stp_code)
        except IndicatorUnavailable as reason:
            unavailable.setdefault(definition.id, str(reason))
    area_name = areas.name_of("stp", stp_code)

    headlines, sections, trends = [], [], []
    for domain in config.domains.values():
        definitions = config.indicators_in(domain.id)
        if not definitions:
            continue
        definition = choose_headline(definitions, get_values, period=period).definition
        section = _compute_domain_section(domain.name, domain.description, definition, values.get(definition.id),
                                          areas, stp_code, period, unavailable.get(definition.id))
        sections.append(section)
        if section.headline is not None:
            headlines.append(section.headline)
            trends.append(definition)
    trends.sort(key=lambda definition: definition.target is None)  # the one with a published target first
    if trends:
        sections.append(_compute_trend_section(trends[0], values[trends[0].id], areas, period))
    sections.extend(_compute_mix_sections(config, values, unavailable, areas, period))
    sections.append(_compute_maturity_section(config, data, stp_code, period))
    sections.append(_compute_spc_section(config, values, areas, stp_code, period))
    summary = compute_area_summary(values, config.indicators, config.domains, areas, area_code=stp_code,
                                   area_level="stp", period=period, unavailable=unavailable,
                                   illustrative=data.label == "illustrative")
    return BriefingPack(stp_code, area_name, period, data.label, data.title, tuple(data.sources), made_on,
                        tuple(headlines), tuple(sections), tuple(summary), areas)


def _rows_for_stp(values: pd.DataFrame, stp_code: str) -> pd.DataFrame:
    keep = ((values["level"] == "region") | ((values["level"] == "stp") & (values["area_code"] == stp_code))
            | ((values["level"] == "borough") & (values["stp_code"] == stp_code)))
    return values.loc[keep].reset_index(drop=True)


def _compute_domain_section(heading: str, description: str, definition, values: pd.DataFrame | None,
                            areas: AreaModel, stp_code: str, period: str, reason: str | None) -> BriefingSection:
    """The domain's headline (its first indicator) and the STP's boroughs against the region."""
    if values is None:
        return BriefingSection(heading, (description, f"{definition.name}: no figure. {reason or ''}".strip()),
                               None, ())
    stp_rows = values[(values["level"] == "stp") & (values["area_code"] == stp_code)]
    shown_period = latest_period_with_values(stp_rows, period)
    if shown_period is None or shown_period > period:
        no_figure = f"{definition.name}: there is no figure for this {areas.system.name} yet."
        return BriefingSection(heading, (description, no_figure), None, ())
    region = areas.region.name
    area = compute_headline(values, definition, area_code=stp_code, period=shown_period)
    region_headline = compute_headline(values, definition, area_code=areas.region.code, period=shown_period)
    status = stp_rows.loc[stp_rows["period"] == shown_period, "vs_region"]
    headline = BriefingHeadline(
        domain_name=heading, indicator_name=definition.name, area_text=area.text, region_text=region_headline.text,
        comparison_text=format_status(status.iloc[0] if len(status) else "", region),
        target_text=area.target_text, period_text=format_period(shown_period), change_text=area.change_text)
    current = values[values["period"] == shown_period]
    benchmark = {"benchmark_name": region, "benchmark_value": current.loc[current["level"] == "region", "value"].max()}
    compared = current[current["level"] != "region"]
    display = compute_display_table(current, definition, areas)
    chart = BriefingChart(
        f"{definition.id}_areas",
        build_area_comparison_figure(compared, definition, areas, **benchmark),
        describe_area_comparison(compared, definition, areas, **benchmark),
        display[["Area", "Level", definition.name, "95% confidence interval", f"Compared with {region}"]])
    return BriefingSection(heading, (description,), headline, (chart,))


def _compute_trend_section(definition, values: pd.DataFrame, areas: AreaModel, period: str) -> BriefingSection:
    rows = values[values["level"].isin(["stp", "region"]) & (values["period"] <= period)]
    table = rows.pivot_table(index="period", columns="area_name", values="value", aggfunc="first", sort=True)
    table = table.map(lambda value: definition.format_value(value, with_unit=False))
    table.index = [format_period(p) for p in table.index]
    chart = BriefingChart(f"{definition.id}_trend", build_trend_figure(rows, definition),
                          describe_trend(rows, definition), table.rename_axis("Period").reset_index(),
                          width_px=800)  # a dozen quarters along the axis
    intro = f"{definition.description} The {areas.system.name} against {areas.region.name}, period by period."
    return BriefingSection(f"Over time: {definition.name}", (intro,), None, (chart,))


def _compute_mix_sections(config, values, unavailable, areas: AreaModel, period: str) -> list[BriefingSection]:
    sections = []
    for group in dict.fromkeys(d.mix_group for d in config.indicators if d.mix_group):
        parts = [d for d in config.indicators if d.mix_group == group]
        missing = [d for d in parts if d.id not in values]
        if missing:
            reason = unavailable.get(missing[0].id, "")
            sections.append(BriefingSection(group, (f"No figure. {reason}".strip(),), None, ()))
            continue
        mix_period = latest_period_with_values(values[parts[0].id], period)
        mix = compute_mix({d.id: values[d.id][values[d.id]["period"] == mix_period] for d in parts}, parts)
        table = mix.pivot_table(index="area_name", columns="staff_group", values="fte_per_1000", aggfunc="first",
                                sort=False)
        table = table.map(lambda value: "" if pd.isna(value) else f"{value:.2f}").rename_axis("Area").reset_index()
        system = areas.system.name
        intro = (f"Full-time equivalent staff for every 1,000 registered patients in the {areas.place.plural} of the "
                 f"{system}, the {system} and {areas.region.name}, {format_period(mix_period)}." if mix_period else "")
        chart = BriefingChart(f"mix_{re.sub(r'[^a-z0-9]+', '_', group.lower())}",
                              build_workforce_mix_figure(mix), describe_workforce_mix(mix), table)
        sections.append(BriefingSection(group, (intro,) if intro else (), None, (chart,)))
    return sections


def _compute_maturity_section(config, data, stp_code: str, period: str) -> BriefingSection:
    """The maturity heat map by place (the average of its networks' scores): a page, not a list of networks."""
    system, place = data.areas.system, data.areas.place
    heading = "Primary Care Network maturity"
    scores = data.tables.get("maturity")
    if scores is None:
        return BriefingSection(heading, (data.unavailable.get("maturity", "No maturity self-assessment was loaded."),),
                               None, ())
    maturity_period = max((p for p in scores["period"].unique() if p <= period), default=None)
    grid = compute_maturity_grid(scores, data.geography, stp_code=stp_code, period=maturity_period or "")
    if grid.empty:
        return BriefingSection(heading, ((f"No Primary Care Network in this {system.name} had assessed its maturity by "
                                          "this period."),), None, ())
    networks = grid.groupby("borough_name")["pcn_name"].nunique()
    by_borough = grid.groupby(["borough_name", "maturity_domain"], as_index=False)["score"].mean().round(1)
    figure = build_maturity_heatmap(
        by_borough.rename(columns={"borough_name": "pcn_name"}),
        domain_order=[domain.name for domain in config.maturity_domains], row_title=place.title,
        title=f"Primary Care Network maturity: average score of the networks in each {place.name}")
    means = by_borough.groupby("maturity_domain")["score"].mean()
    alt = (f"Heat map of the average maturity score, from 1 (not started) to 5 (fully embedded), of the "
           f"{grid['pcn_name'].nunique()} Primary Care Networks in {len(networks)} {place.plural} across "
           f"{len(means)} domains: highest {means.idxmax()} ({means.max():.1f}), lowest {means.idxmin()} "
           f"({means.min():.1f}).")
    table = by_borough.pivot_table(index="borough_name", columns="maturity_domain", values="score", aggfunc="first")
    table = table.map(lambda score: "" if pd.isna(score) else f"{score:.1f}").rename_axis(place.title).reset_index()
    table.insert(1, "Networks", table[place.title].map(networks).astype(str))
    intro = (f"Self-assessed by each Primary Care Network, {format_period(maturity_period)}: 1 means not "
             f"started, 5 means fully in place. Each cell is the average of the {place.name}'s networks; the "
             f"dashboard's {system.name} profile shows every network.")
    return BriefingSection(heading, (intro,), None, (BriefingChart("maturity", figure, alt, table, width_px=900),))


def _compute_spc_section(config, values: Mapping[str, pd.DataFrame], areas: AreaModel, stp_code: str,
                         period: str) -> BriefingSection:
    """The board overview of every indicator for the STP (latest value, target, variation and assurance icons),
    then the SPC chart and plain sentence of up to MAX_SPC_CHARTS indicators with at least MIN_POINTS figures up to
    `period`: each domain's headline indicator (config.yaml) first, then the others in config order."""
    area_name = areas.name_of("stp", stp_code)
    shown = {indicator_id: rows[rows["period"] <= period] for indicator_id, rows in values.items()}
    overview = compute_board_overview(shown, config.indicators, area_code=stp_code, level="stp")
    no_figure = overview["Latest value"] == NO_FIGURE
    key = "; ".join(f"{symbol} {plain.lower()}" for symbol, _, plain in ICON_KEY)
    paragraphs = [
        (f"Every indicator for {area_name} as NHS boards read them (Making Data Count): the latest figure, the "
         f"target, and two icons. Variation says whether the latest figure is a real change (special cause) or the "
         f"usual ups and downs (common cause); assurance says whether the process limits show the target will be "
         f"met reliably. Both need at least {MIN_POINTS} figures."),
        f"Key: {key}.",
    ]
    if no_figure.any():
        paragraphs.append(f"No figure for {area_name} in these data, so left out of the table: "
                          f"{'; '.join(overview.loc[no_figure, 'Indicator'])}.")
    charts = []
    headlines = [config.indicators_in(domain)[0] for domain in config.domains if config.indicators_in(domain)]
    for definition in dict.fromkeys([*headlines, *config.indicators]):
        if definition.id not in shown or len(charts) == MAX_SPC_CHARTS:
            continue
        panel = build_spc_panel(shown[definition.id], definition, area_code=stp_code, area_name=area_name,
                                level="stp", height=SPC_CHART_HEIGHT)
        if panel.shown:
            charts.append(BriefingChart(f"{definition.id}_spc", panel.figure, panel.alt, panel.table,
                                        width_px=800, sentence=panel.sentence))
    paragraphs.append(
        f"The SPC charts that follow show each indicator with at least {MIN_POINTS} figures for {area_name}: "
        f"its mean, process limits and any special cause." if charts else
        f"No indicator has {MIN_POINTS} or more figures for {area_name} yet, so there is no SPC chart: there are "
        f"too few figures to tell real change from the usual ups and downs.")
    return BriefingSection(SPC_HEADING, tuple(paragraphs), None, tuple(charts),
                           tables=(overview[~no_figure].reset_index(drop=True),))


def find_unicode_font() -> dict[str, Path] | None:
    """DejaVu Sans (Debian package fonts-dejavu-core) by style, or None to fall back to a Latin-1 core font."""
    for folder in FONT_FOLDERS:
        files = {style: folder / name for style, name in FONT_FILES.items()}
        if all(path.is_file() for path in files.values()):
            return files
    return None


def compute_latin_1(text: str) -> str:
    """Text the PDF core fonts can print: dashes and quotes made plain, ticks dropped, anything else '?'."""
    for character, replacement in LATIN_1_REPLACEMENTS.items():
        text = text.replace(character, replacement)
    return text.encode("latin-1", errors="replace").decode("latin-1")


def format_day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


class _Handout(FPDF):
    """A4 portrait pages with the pack's header and footer (area, period, data label, source, date, page)."""

    def __init__(self, pack: BriefingPack, font_files: dict[str, Path] | None):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.pack = pack
        if font_files:
            for style, path in font_files.items():
                self.add_font("DejaVu", style, str(path))
            self.family = "DejaVu"
        else:
            self.family = "helvetica"
        self.unicode = font_files is not None
        self.set_margins(PAGE_MARGIN_MM, PAGE_MARGIN_MM + 8, PAGE_MARGIN_MM)
        self.set_auto_page_break(True, margin=PAGE_MARGIN_MM + 14)
        self.set_title(f"Briefing pack: {pack.area_name}")
        self.set_author("atscale")
        self.set_lang("en-GB")

    def text_for_font(self, text: str) -> str:
        return str(text) if self.unicode else compute_latin_1(str(text))

    def write_line(self, text: str, *, size: float = BODY_PT, style: str = "", height: float | None = None,
                   align: str = "L") -> None:
        self.set_font(self.family, style, size)
        self.multi_cell(0, height or size * 0.5, self.text_for_font(text), align=align,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def header(self) -> None:
        self.set_y(8)
        self.set_font(self.family, "", SMALL_PT)
        self.set_text_color(33, 43, 50)
        self.cell(0, 5, self.text_for_font(f"atscale briefing pack: {self.pack.area_name}"))
        self.set_x(PAGE_MARGIN_MM)
        self.cell(0, 5, self.text_for_font(f"Figures for {format_period(self.pack.period)}"), align="R")
        self.line(PAGE_MARGIN_MM, 14, self.w - PAGE_MARGIN_MM, 14)
        self.set_y(PAGE_MARGIN_MM + 8)

    def footer(self) -> None:
        self.set_y(-(PAGE_MARGIN_MM + 9))
        self.line(PAGE_MARGIN_MM, self.get_y() - 1, self.w - PAGE_MARGIN_MM, self.get_y() - 1)
        self.set_font(self.family, "B", SMALL_PT)
        source = self.pack.data_title or (self.pack.sources[0] if self.pack.sources else "not stated")
        self.multi_cell(0, 4.6, self.text_for_font(
            f"{DATA_LABEL_TEXT.get(self.pack.data_label, UNLABELLED_TEXT)} Source: {source}"), align="L",
            new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(self.family, "", SMALL_PT)
        self.cell(0, 4.6, self.text_for_font(f"Made on {format_day(self.pack.made_on)}"))
        self.set_x(PAGE_MARGIN_MM)
        self.cell(0, 4.6, f"Page {self.page_no()} of {{nb}}", align="R")


def build_briefing_pdf(pack: BriefingPack, images: Mapping[str, bytes] | None = None, *,
                       image_problem: str | None = None, font_files: dict[str, Path] | None = None,
                       use_system_font: bool = True) -> bytes:
    """The pack as PDF bytes: a cover with the headlines, a page per section, the summary, and notes on the data.

    images: PNG bytes by chart key; a chart without one is printed as a table of its numbers, and
    image_problem (why the charts could not be drawn) is said on the cover and under each such table.
    """
    images = dict(images or {})
    if font_files is None and use_system_font:
        font_files = find_unicode_font()
    pdf = _Handout(pack, font_files)
    _write_cover(pdf, pack, images, image_problem)
    for section in pack.sections:
        _write_section(pdf, section, images, image_problem, pack.areas.region.name)
    _write_summary(pdf, pack)
    _write_about(pdf, pack)
    return bytes(pdf.output())


def _write_cover(pdf: _Handout, pack: BriefingPack, images: Mapping[str, bytes], image_problem: str | None) -> None:
    pdf.add_page()
    pdf.start_section("Headline figures")
    pdf.write_line(f"Briefing pack: {pack.area_name}", size=24, style="B", height=11)
    pdf.write_line(f"General practice at scale: how {pack.area_name} compares with {pack.areas.region.name}. "
                   f"Figures for {format_period(pack.period)}.", height=LINE_MM)
    pdf.ln(2)
    pdf.set_fill_color(232, 240, 254)
    pdf.set_font(pdf.family, "B", BODY_PT)
    pdf.multi_cell(0, LINE_MM, pdf.text_for_font(DATA_LABEL_TEXT.get(pack.data_label, UNLABELLED_TEXT)
                                                 + (f" {pack.data_title}" if pack.data_title else "")),
                   border=1, fill=True, padding=2, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if any(chart.key not in images for chart in pack.charts):
        pdf.ln(1)
        pdf.write_line(f"Charts are shown as tables of their figures in this copy, because they could not be drawn "
                       f"as pictures ({image_problem or 'no image was made'}).", size=SMALL_PT + 1, style="I",
                       height=5.5)
    pdf.ln(2)
    pdf.write_line("Headline figures", size=18, style="B", height=9)
    _write_headline_boxes(pdf, pack)
    pdf.write_line("In this pack", size=15, style="B", height=8)
    headings = [section.heading for section in pack.sections] + ["Summary in plain words", "About these figures"]
    width = (pdf.w - 2 * PAGE_MARGIN_MM - 6) / 2
    half = (len(headings) + 1) // 2
    for row in range(half):  # down the first column, then the second
        lines = [[(f"\u2022 {heading}", 12, "", 5.8)] for heading in headings[row::half]]
        height = max(_write_lines(pdf, line, left=0, width=width, dry_run=True) for line in lines)
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
        top = pdf.get_y()
        for column, line in enumerate(lines):
            pdf.set_y(top)
            _write_lines(pdf, line, left=PAGE_MARGIN_MM + column * (width + 6), width=width)
        pdf.set_xy(PAGE_MARGIN_MM, top + height)


def _headline_lines(pack: BriefingPack, headline: BriefingHeadline) -> list[tuple[str, int, str, float]]:
    """(text, point size, style, line height in mm) for one headline box."""
    return [
        (headline.domain_name, 14, "B", 6.5),
        (headline.indicator_name, 11, "", 5.2),
        (pack.area_name, 12, "", 7),
        (headline.area_text, 22, "B", 10),
        (f"{pack.areas.region.name}: {headline.region_text}", 12, "", 6),
        *_judgements(headline, (headline.comparison_text, 12, "B", 6), (headline.target_text, 12, "", 6)),
        (f"Figure for {headline.period_text}", 11, "", 5.5),
    ]


def _has_target(headline: BriefingHeadline) -> bool:
    return headline.target_text.startswith("Target")


def _judgements(headline: BriefingHeadline, comparison, target) -> tuple:
    """The comparison with the region and the target status, the target first when there is one."""
    return (target, comparison) if _has_target(headline) else (comparison, target)


def _write_lines(pdf: _Handout, lines, *, left: float, width: float, dry_run: bool = False) -> float:
    """Write (or only measure) lines in a column; returns their height in mm."""
    height = 0.0
    for text, size, style, line_height in lines:
        pdf.set_font(pdf.family, style, size)
        if dry_run:
            height += pdf.multi_cell(width, line_height, pdf.text_for_font(text), align="L", dry_run=True,
                                     output="HEIGHT")
            continue
        pdf.set_x(left)
        pdf.multi_cell(width, line_height, pdf.text_for_font(text), align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
    return height


def _write_headline_boxes(pdf: _Handout, pack: BriefingPack) -> None:
    """Two boxes a row: area of work, measure, the STP's figure, the region's, comparison and target in words."""
    width, gap, padding = (pdf.w - 2 * PAGE_MARGIN_MM - 6) / 2, 4, 2.5
    for first in range(0, len(pack.headlines), 2):
        row = pack.headlines[first:first + 2]
        height = 2 * padding + max(_write_lines(pdf, _headline_lines(pack, headline), left=0,
                                                width=width - 2 * padding, dry_run=True) for headline in row)
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
        top = pdf.get_y()
        for column, headline in enumerate(row):
            left = PAGE_MARGIN_MM + column * (width + gap)
            pdf.rect(left, top, width, height)
            pdf.set_xy(left + padding, top + padding)
            _write_lines(pdf, _headline_lines(pack, headline), left=left + padding, width=width - 2 * padding)
        pdf.set_xy(PAGE_MARGIN_MM, top + height + gap)


def _write_section(pdf: _Handout, section: BriefingSection, images: Mapping[str, bytes],
                   image_problem: str | None, region: str) -> None:
    pdf.add_page()
    pdf.start_section(pdf.text_for_font(section.heading))
    pdf.write_line(section.heading, size=20, style="B", height=10)
    for paragraph in section.paragraphs:
        pdf.write_line(paragraph, height=LINE_MM)
    if section.headline is not None:
        headline = section.headline
        pdf.ln(1)
        pdf.write_line(f"{headline.indicator_name}, {headline.period_text}: {headline.area_text} "
                       f"({region} {headline.region_text}). "
                       + ". ".join(_judgements(headline, headline.comparison_text, headline.target_text)) + "."
                       + (f" Change: {headline.change_text}." if headline.change_text else ""),
                       style="B", height=LINE_MM)
    for table in section.tables:
        pdf.ln(2)
        _write_table(pdf, table, size=SMALL_PT - 1, fit_columns=True)
    for chart in section.charts:
        pdf.ln(3)
        if chart.key in images:
            _write_image(pdf, chart, images[chart.key])
        else:
            _write_table(pdf, chart.table)
            pdf.write_line("(Shown as a table because the chart could not be drawn"
                           + (f": {image_problem}" if image_problem else "") + ".)", size=SMALL_PT, style="I",
                           height=5)
        if chart.sentence:
            pdf.write_line(chart.sentence, style="B", height=LINE_MM)
        pdf.write_line(f"What this chart shows: {chart.alt}", size=SMALL_PT + 1, style="I", height=5.2)


def _write_image(pdf: _Handout, chart: BriefingChart, png: bytes) -> None:
    """The chart across the page, shrunk to fit the space left, or on the next page when that is too small."""
    image = Image.open(io.BytesIO(png))
    if image.mode != "RGB":  # charts have a white background: no transparency to keep, and no PDF soft mask
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A") if "A" in image.getbands() else None)
        image = flat
    ratio = image.height / image.width
    width = pdf.w - 2 * PAGE_MARGIN_MM
    space = pdf.page_break_trigger - pdf.get_y() - CAPTION_ROOM_MM
    if width * ratio > space and space < SMALLEST_FIT * width * ratio:
        pdf.add_page()
        space = pdf.page_break_trigger - pdf.get_y() - CAPTION_ROOM_MM
    width = min(width, space / ratio)
    pdf.image(image, x=(pdf.w - width) / 2, w=width, h=width * ratio, alt_text=chart.alt)


def _write_table(pdf: _Handout, table: pd.DataFrame, *, size: float = TABLE_PT, fit_columns: bool = False) -> None:
    """The table across the page; with fit_columns, each column as wide as its longest text (within limits), so a
    wide table of short and long columns wraps less."""
    pdf.set_font(pdf.family, "", size)
    rows = [[pdf.text_for_font(str(column)) for column in table.columns]]
    rows += [[pdf.text_for_font("" if pd.isna(cell) else str(cell)) for cell in row]
             for row in table.itertuples(index=False)]
    widths = None
    if fit_columns:  # in mm: at least the bold heading; the room left shared in proportion to the longest cells
        pdf.set_font(pdf.family, "B", size)
        least = [pdf.get_string_width(text) + 4 for text in rows[0]]
        pdf.set_font(pdf.family, "", size)
        longest = [max(least[index], *(pdf.get_string_width(row[index]) + 4 for row in rows[1:]))
                   for index in range(len(least))]
        spare, wanted = pdf.epw - sum(least), sum(longest) - sum(least)
        share = min(1.0, spare / wanted) if wanted > 0 else 0.0
        widths = tuple(low + share * (high - low) for low, high in zip(least, longest, strict=True))
    with pdf.table(rows, line_height=size * 0.45, text_align="LEFT", first_row_as_headings=True, repeat_headings=1,
                   col_widths=widths):
        pass


def _write_summary(pdf: _Handout, pack: BriefingPack) -> None:
    pdf.add_page()
    pdf.start_section("Summary in plain words")
    pdf.write_line("Summary in plain words", size=20, style="B", height=10)
    for section in pack.summary:
        pdf.ln(1.5)
        pdf.write_line(section.heading, size=15, style="B", height=8)
        for paragraph in section.paragraphs:
            if paragraph.title:
                pdf.write_line(paragraph.title, size=SUMMARY_PT, style="B", height=6)
            pdf.write_line(" ".join(paragraph.sentences), size=SUMMARY_PT, height=6)
            pdf.ln(1)


def _write_about(pdf: _Handout, pack: BriefingPack) -> None:
    if pdf.page_break_trigger - pdf.get_y() < 110:
        pdf.add_page()
    else:
        pdf.ln(6)
    pdf.start_section("About these figures")
    pdf.write_line("About these figures", size=20, style="B", height=10)
    pdf.write_line(DATA_LABEL_TEXT.get(pack.data_label, UNLABELLED_TEXT), style="B", height=LINE_MM)
    if pack.data_title:
        pdf.write_line(f"Data: {pack.data_title}.", height=LINE_MM)
    pdf.write_line("Sources:", style="B", height=LINE_MM)
    for source in pack.sources or ("Not stated in the data folder.",):
        pdf.write_line(f"- {source}", height=LINE_MM)
    pdf.ln(1)
    region = pack.areas.region.name
    for sentence in (
        "Each figure is the latest at or before the month in the page header.",
        (f"Areas are compared with {region}. For percentages and counted events, an area is better or worse than "
         f"{region} only when its whole 95% confidence interval lies on one side of {region}'s figure; staff "
         f"figures have no sampling error, so they are similar when within a set margin of {region}'s."),
        ("Figures based on very small numbers are not shown. Every comparison is written in words, so the pack "
        "reads the same printed in black and white."),
        f"Made on {format_day(pack.made_on)} with atscale, from the same data as the dashboard.",
    ):
        pdf.write_line(sentence, height=LINE_MM)
        pdf.ln(1)

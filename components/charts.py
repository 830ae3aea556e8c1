"""Plotly figure builders and their one-sentence text descriptions (no Streamlit: unit-testable)."""

import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from components import palette
from indicators.statistics import Z_95, Z_998, funnel_comparison, funnel_limits
from indicators.views import compute_display_table, compute_mix, latest_period_with_values


def _build_chart_template() -> go.layout.Template:
    """plotly_white's look for flat charts without the rest of it: the whole template is 6.5 KB of JSON in every
    chart, and turning it into JSON costs about a millisecond a chart on every rerun."""
    white = pio.templates["plotly_white"]
    layout = ("autotypenumbers", "hovermode", "hoverlabel", "paper_bgcolor", "plot_bgcolor", "xaxis", "yaxis",
              "coloraxis", "shapedefaults", "annotationdefaults")
    return go.layout.Template(layout={key: white.layout[key] for key in layout},
                              data={"bar": white.data.bar, "heatmap": white.data.heatmap})


CHART_TEMPLATE = _build_chart_template()
LEVEL_NAMES = {
    "practice": ("practice", "practices"),
    "pcn": ("Primary Care Network", "Primary Care Networks"),
    "borough": ("borough", "boroughs"),
    "stp": ("STP", "STPs"),
    "region": ("London", "London"),
}
LEVEL_ORDER = ("practice", "pcn", "borough", "stp", "region")
STAFF_GROUP_ORDER = ("GP", "Nurses", "Other direct patient care", "Admin")
MATURITY_DOMAIN_ORDER = (
    "Leadership, planning and partnerships",
    "Use of data and population health management",
    "Integrating care",
    "Managing resources",
    "Working with people and communities",
)
MATURITY_SCORE_LABELS = {1: "1 not started", 2: "2", 3: "3", 4: "4", 5: "5 fully embedded"}
NOT_SHOWN_REASON = "too few to give a reliable figure"
NO_LIMITS_TEXT = {
    "tolerance": "no control limits: no sampling error for staff counts",
    "none": "no control limits: this indicator is not compared",
}
CONTEXT_MARKERS = {  # the spine chart's neutral markers for the areas around the practice
    "pcn": "square-open",
    "borough": "diamond-open",
    "stp": "x-thin-open",
}
TREND_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "star", "hexagon", "x")
TREND_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "solid", "dash", "dot")


def format_value(value: object, definition, *, with_unit: bool = True) -> str:
    """A value with the definition's decimals and unit: "97.8%", "0.61 per 1,000 patients"."""
    if value is None or pd.isna(value):
        return "not shown"
    decimals = int(getattr(definition, "decimals", 1) or 0)
    text = f"{float(value):,.{decimals}f}"
    return text + _unit_suffix(definition) if with_unit else text


def _unit_suffix(definition) -> str:
    unit = str(getattr(definition, "unit", "") or "")
    if not unit:
        return ""
    return unit if unit == "%" else f" {unit}"


def _value_axis_title(definition) -> str:
    unit = str(getattr(definition, "unit", "") or "")
    if unit == "%":
        return "Percent (%)"
    if not unit:
        return "Value"
    return unit[0].upper() + unit[1:]


def _hover_number(axis: str, definition) -> str:
    decimals = int(getattr(definition, "decimals", 1) or 0)
    return f"%{{{axis}:,.{decimals}f}}{_unit_suffix(definition)}"


def _indicator_label(definition, plain_language: bool) -> str:
    if plain_language and getattr(definition, "plain_name", None):
        return definition.plain_name
    return definition.name


def _lower_first(text: str) -> str:
    """Lower-case a leading capital unless it starts an acronym ("GP", "PCN")."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _period_label(period: object) -> str:
    if period is None or (not isinstance(period, str) and pd.isna(period)):
        return ""
    try:
        return pd.Timestamp(str(period)).strftime("%B %Y")
    except ValueError:
        return str(period)


def _latest_period_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """The rows of the latest period (a bar or funnel chart shows one period)."""
    if "period" not in frame.columns or frame.empty:
        return frame, None
    latest = str(frame["period"].astype(str).max())
    return frame[frame["period"].astype(str) == latest], latest


def _is_shown(frame: pd.DataFrame) -> pd.Series:
    shown = pd.to_numeric(frame["value"], errors="coerce").notna()
    if "suppressed" in frame.columns:
        shown &= ~frame["suppressed"].fillna(False).astype(bool)
    return shown


def _numeric_column(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as floats, or all NaN when the frame lacks it (e.g. no confidence interval)."""
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


def _level_words(frame: pd.DataFrame) -> tuple[str, str]:
    levels = frame["level"].dropna().unique() if "level" in frame.columns else []
    if len(levels) == 1 and levels[0] in LEVEL_NAMES:
        return LEVEL_NAMES[levels[0]]
    return ("area", "areas")


def _count_phrase(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def _target(definition):
    target = getattr(definition, "target", None)
    if target is None or getattr(target, "value", None) is None:
        return None
    return target


def _apply_layout(figure: go.Figure, title: str, subtitle: str | None = None) -> go.Figure:
    title = _wrap(title, 70)
    subtitle = _wrap(subtitle, 90) if subtitle else None
    lines = title.count("<br>") + 1 + (subtitle.count("<br>") + 1 if subtitle else 0)
    figure.update_layout(
        template=CHART_TEMPLATE,
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 20}},
        font={"size": palette.BASE_FONT_SIZE, "family": palette.FONT_FAMILY, "color": palette.TEXT_COLOR},
        hoverlabel={"font": {"size": palette.BASE_FONT_SIZE}},
        legend={"title": {"text": ""}, "font": {"size": palette.BASE_FONT_SIZE}, "orientation": "h",
                "yref": "container", "yanchor": "bottom", "y": 0, "xref": "container", "x": 0.01,
                "xanchor": "left"},
        margin={"l": 20, "r": 20, "t": 40 + 28 * lines, "b": 60},
        colorway=list(palette.CATEGORICAL_COLORS),
    )
    if subtitle:
        figure.update_layout(title_subtitle={"text": subtitle, "font": {"size": palette.BASE_FONT_SIZE}})
    # Streamlit's chart theme greys axis text (#808495, 3.7:1 on white); WCAG asks 4.5:1 for text.
    axis_text = {"title_font": {"size": palette.BASE_FONT_SIZE, "color": palette.TEXT_COLOR},
                 "tickfont": {"color": palette.TEXT_COLOR}}
    figure.update_xaxes(automargin=True, **axis_text)
    figure.update_yaxes(automargin=True, **axis_text)
    return figure


def _empty_figure(title: str, message: str) -> go.Figure:
    figure = go.Figure()
    figure.add_annotation(
        text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
        font={"size": palette.BASE_FONT_SIZE + 2},
    )
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return _apply_layout(figure, title)


def _add_reference_line(figure: go.Figure, value: float, *, name: str, orientation: str,
                        dash: str = "solid", colour: str = palette.BENCHMARK_COLOR) -> None:
    """A benchmark or target line across the plot, shown in the legend under `name`."""
    line = {"color": colour, "width": 2, "dash": dash}
    if orientation == "vertical":
        figure.add_shape(type="line", x0=value, x1=value, y0=0, y1=1, yref="paper",
                         line=line, name=name, showlegend=True)
    else:
        figure.add_shape(type="line", y0=value, y1=value, x0=0, x1=1, xref="paper",
                         line=line, name=name, showlegend=True)


def _target_name(target, definition) -> str:
    return f"Target {format_value(target.value, definition)}"


def _status_traces(frame: pd.DataFrame, definition, *, status_column: str, benchmark_label: str,
                   x_column: str, y_column: str, with_ci: bool, marker_size: int,
                   extra_hover: str = "") -> list[go.Scatter]:
    """One marker trace per comparison result, so colour, symbol and legend word agree."""
    statuses = frame[status_column] if status_column in frame.columns else pd.Series("not compared", index=frame.index)
    statuses = statuses.map(lambda status: palette.style_for_status(status).text)
    traces = []
    for status in palette.STATUS_ORDER:
        rows = frame[statuses == status]
        if rows.empty:
            continue
        style = palette.STATUS_STYLES[status]
        value = rows["value"].astype(float).to_numpy()
        lower = _numeric_column(rows, "lower_95").to_numpy(dtype=float)
        upper = _numeric_column(rows, "upper_95").to_numpy(dtype=float)
        error_x = None
        hover_ci = ""
        if with_ci and np.isfinite(lower).any():
            error_x = {"type": "data", "symmetric": False, "array": np.nan_to_num(upper - value),
                       "arrayminus": np.nan_to_num(value - lower), "color": style.colour,
                       "thickness": 2, "width": 6}
            decimals = int(getattr(definition, "decimals", 1) or 0)
            hover_ci = (f"<br>95% confidence interval %{{customdata[0]:,.{decimals}f}} to "
                        f"%{{customdata[1]:,.{decimals}f}}{_unit_suffix(definition)}")
        customdata = np.column_stack([lower, upper])
        label = palette.format_status(status, benchmark_label)
        traces.append(go.Scatter(
            x=rows[x_column].to_numpy(), y=rows[y_column].to_numpy(), mode="markers", name=label,
            marker={"symbol": style.symbol, "color": style.colour, "size": marker_size,
                    "line": {"width": 2, "color": style.colour}},
            error_x=error_x, customdata=customdata,
            hovertemplate=(f"<b>%{{text}}</b><br>{_hover_number('x' if x_column == 'value' else 'y', definition)}"
                           f"{hover_ci}{extra_hover}<br>{label}<extra></extra>"),
            text=rows["area_name"].astype(str).to_numpy(),
        ))
    return traces


def _interval_note(shown: pd.DataFrame, definition, benchmark_label: str) -> str:
    """What the whiskers mean, or why there are none."""
    if (_numeric_column(shown, "lower_95").notna() & _numeric_column(shown, "upper_95").notna()).any():
        return "Marker: value; line: 95% confidence interval."
    if getattr(definition, "comparison", None) == "tolerance":
        tolerance = getattr(definition, "tolerance_percent", 10)
        return (f"No confidence interval: counts of staff or minutes have no sampling error. "
                f"Similar means within {tolerance:g}% of {benchmark_label}.")
    return "No confidence interval for this indicator."


def build_area_comparison_figure(values: pd.DataFrame, definition, *, benchmark_value: float | None,
                                 benchmark_label: str = "London", title: str | None = None,
                                 status_column: str = "vs_region",
                                 plain_language: bool = False) -> go.Figure:
    """Dot-and-whisker chart of areas (value and 95% CI) against a benchmark and any target.

    `values`: tidy indicator rows for the areas to compare (area_name, value, lower_95, upper_95,
    suppressed, level, period and `status_column`); only the latest period is drawn. Suppressed
    rows are left out and counted in the subtitle. Use status_column="vs_stp" with the STP's
    value and name as benchmark when comparing an STP's boroughs.
    """
    rows, period = _latest_period_rows(values)
    label = _indicator_label(definition, plain_language)
    when = _period_label(period)
    title = title or (f"{label}, {when}" if when else label)
    if rows.empty:
        return _empty_figure(title, "No figures to show for this choice.")
    shown_mask = _is_shown(rows)
    shown = rows[shown_mask].assign(value=lambda frame: frame["value"].astype(float))
    shown = shown.sort_values("value", kind="stable")
    hidden = int((~shown_mask).sum())
    singular, plural = _level_words(rows)
    notes = [_interval_note(shown, definition, benchmark_label)]
    if hidden:
        notes.append(f"{_count_phrase(hidden, singular, plural)} not shown: {NOT_SHOWN_REASON}.")
    figure = go.Figure()
    for trace in _status_traces(shown, definition, status_column=status_column,
                                benchmark_label=benchmark_label, x_column="value",
                                y_column="area_name", with_ci=True, marker_size=16):
        figure.add_trace(trace)
    if benchmark_value is not None and not pd.isna(benchmark_value):
        _add_reference_line(figure, float(benchmark_value), orientation="vertical",
                            name=f"{benchmark_label} {format_value(benchmark_value, definition)}")
    target = _target(definition)
    if target is not None:
        _add_reference_line(figure, float(target.value), orientation="vertical", dash="dash",
                            colour=palette.TARGET_COLOR, name=_target_name(target, definition))
    figure.update_yaxes(title_text=singular[0].upper() + singular[1:], type="category",
                        categoryorder="array", categoryarray=shown["area_name"].astype(str).tolist())
    figure.update_xaxes(title_text=_value_axis_title(definition), zeroline=False)
    figure.update_layout(height=max(400, 230 + 46 * len(shown)))
    return _apply_layout(figure, title, " ".join(notes))


def describe_area_comparison(values: pd.DataFrame, definition, benchmark_value: float | None, *,
                             benchmark_label: str = "London", status_column: str = "vs_region",
                             plain_language: bool = False) -> str:
    """One sentence saying what build_area_comparison_figure shows, for alt text."""
    rows, period = _latest_period_rows(values)
    label = _lower_first(_indicator_label(definition, plain_language))
    singular, plural = _level_words(rows)
    when = f" in {_period_label(period)}" if period else ""
    shown = rows[_is_shown(rows)] if not rows.empty else rows
    if shown.empty:
        return f"Chart of {label}{when}: no figures to show."
    highest = shown.loc[shown["value"].astype(float).idxmax()]
    lowest = shown.loc[shown["value"].astype(float).idxmin()]
    parts = [(f"Chart of {label} in the {_count_phrase(len(shown), singular, plural)}{when}: "
             f"highest {highest['area_name']} {format_value(highest['value'], definition)}, "
             f"lowest {lowest['area_name']} {format_value(lowest['value'], definition)}")]
    if benchmark_value is not None and not pd.isna(benchmark_value):
        parts.append(f"{benchmark_label} {format_value(benchmark_value, definition)}")
    target = _target(definition)
    if target is not None:
        parts.append(f"target {format_value(target.value, definition)}")
    if status_column in shown.columns:
        counts = shown[status_column].map(lambda status: palette.style_for_status(status).text).value_counts()
        summary = [f"{counts[status]} {_lower_first(palette.format_status(status, benchmark_label))}"
                   for status in palette.STATUS_ORDER if status in counts]
        parts.append(", ".join(summary))
    hidden = len(rows) - len(shown)
    if hidden:
        parts.append(f"{_count_phrase(hidden, singular, plural)} not shown ({NOT_SHOWN_REASON})")
    return "; ".join(parts) + "."


def _select_areas(values: pd.DataFrame, areas: Sequence[str] | None) -> list[tuple[str, pd.DataFrame]]:
    """(name, rows) per requested area code or name, in the order asked for."""
    if areas is None:
        areas = list(dict.fromkeys(values["area_code"].astype(str)))
    selected = []
    for area in areas:
        rows = values[values["area_code"].astype(str) == str(area)]
        if rows.empty:
            rows = values[values["area_name"].astype(str) == str(area)]
        if rows.empty:
            continue
        rows = rows.assign(date=pd.to_datetime(rows["period"].astype(str))).sort_values("date")
        selected.append((str(rows["area_name"].iloc[0]), rows))
    return selected


def _band_polygons(dates: pd.Series, lower: pd.Series, upper: pd.Series) -> tuple[list, list]:
    """x and y of one closed shape per unbroken run of periods with an interval, None between runs,
    so a suppressed period leaves a gap in the band as it does in the line."""
    band_x, band_y = [], []
    run: list[int] = []
    usable = (lower.notna() & upper.notna()).to_list()
    positions = list(range(len(dates))) + [None]
    for position in positions:
        if position is not None and usable[position]:
            run.append(position)
            continue
        if run:
            if band_x:
                band_x.append(None)
                band_y.append(None)
            band_x += [dates.iloc[at] for at in run] + [dates.iloc[at] for at in reversed(run)]
            band_y += [float(upper.iloc[at]) for at in run] + [float(lower.iloc[at]) for at in reversed(run)]
            run = []
    return band_x, band_y


def build_trend_figure(values: pd.DataFrame, definition, *, areas: Sequence[str] | None = None,
                       title: str | None = None, plain_language: bool = False) -> go.Figure:
    """Lines over time, one per area, with the first area's 95% CI band and any target.

    `values`: tidy indicator rows (period, area_code, area_name, value, lower_95, upper_95,
    suppressed). `areas`: area codes (or names) in legend order, e.g. [borough, its STP, the region];
    None draws every area in `values`. Suppressed periods are gaps in the line.
    """
    label = _indicator_label(definition, plain_language)
    title = title or f"{label} over time"
    selected = _select_areas(values, areas) if not values.empty else []
    if not selected:
        return _empty_figure(title, "No figures to show for this choice.")
    figure = go.Figure()
    for index, (name, rows) in enumerate(selected):
        shown = _is_shown(rows)
        lower, upper = _numeric_column(rows, "lower_95"), _numeric_column(rows, "upper_95")
        has_ci = bool((shown & lower.notna() & upper.notna()).any())
        if has_ci and not any(trace.fill == "toself" for trace in figure.data):
            band_x, band_y = _band_polygons(rows["date"], lower.where(shown), upper.where(shown))
            colour = palette.CATEGORICAL_COLORS[index % len(palette.CATEGORICAL_COLORS)]
            figure.add_trace(go.Scatter(
                x=band_x, y=band_y, fill="toself", mode="lines", line={"width": 0},
                fillcolor=palette.hex_to_rgba(colour, 0.18), hoverinfo="skip",
                name=f"95% confidence interval, {name}",
            ))
    for index, (name, rows) in enumerate(selected):
        colour = palette.CATEGORICAL_COLORS[index % len(palette.CATEGORICAL_COLORS)]
        y = rows["value"].astype(float).where(_is_shown(rows))
        figure.add_trace(go.Scatter(
            x=rows["date"].to_numpy(), y=y.to_numpy(), mode="lines+markers", name=name,
            line={"color": colour, "width": 3, "dash": TREND_DASHES[index % len(TREND_DASHES)]},
            marker={"symbol": TREND_SYMBOLS[index % len(TREND_SYMBOLS)], "size": 9, "color": colour},
            hovertemplate=f"<b>{name}</b><br>%{{x|%B %Y}}: {_hover_number('y', definition)}<extra></extra>",
        ))
    target = _target(definition)
    if target is not None:
        _add_reference_line(figure, float(target.value), orientation="horizontal", dash="dash",
                            colour=palette.TARGET_COLOR, name=_target_name(target, definition))
    dates = sorted(set(pd.concat([rows["date"] for _, rows in selected])))
    if len(dates) <= 16:
        figure.update_xaxes(tickmode="array", tickvals=dates, ticktext=[f"{date:%b %Y}" for date in dates])
    figure.update_xaxes(title_text="Period", type="date", tickformat="%b %Y")
    figure.update_yaxes(title_text=_value_axis_title(definition))
    figure.update_layout(height=450, hovermode="closest")
    return _apply_layout(figure, title)


def describe_trend(values: pd.DataFrame, definition, *, areas: Sequence[str] | None = None,
                   plain_language: bool = False) -> str:
    """One sentence saying what build_trend_figure shows: first and last figure per area."""
    label = _lower_first(_indicator_label(definition, plain_language))
    selected = _select_areas(values, areas) if not values.empty else []
    if not selected:
        return f"Line chart of {label} over time: no figures to show."
    dates = pd.concat([rows["date"] for _, rows in selected])
    span = (f"in {dates.min():%B %Y}" if dates.min() == dates.max()
            else f"from {dates.min():%B %Y} to {dates.max():%B %Y}")
    changes = []
    for name, rows in selected:
        shown = rows[_is_shown(rows)]
        if shown.empty:
            changes.append(f"{name} no figures")
        elif len(shown) == 1:
            changes.append(f"{name} {format_value(shown['value'].iloc[0], definition)} "
                           f"in {shown['date'].iloc[0]:%B %Y}")
        else:
            changes.append(f"{name} went from {format_value(shown['value'].iloc[0], definition)} "
                           f"to {format_value(shown['value'].iloc[-1], definition)}")
    return f"Line chart of {label} {span}: " + "; ".join(changes) + "."


@dataclass(frozen=True)
class ChartPanel:
    """A chart, the sentence saying what it shows, and the numbers behind it: one selection's worth."""
    figure: go.Figure
    alt: str
    table: pd.DataFrame
    period: str | None = None  # the period drawn, when the chart shows one (the latest with figures)


def build_comparison_panel(values: pd.DataFrame, definition, *, period: str) -> ChartPanel | None:
    """Every area but London against London, in the latest period up to `period` with figures; the table has
    London's row too. None when no period has figures."""
    shown = latest_period_with_values(values, period)
    if shown is None:
        return None
    current = values[values["period"] == shown]
    london = current.loc[current["level"] == "region", "value"]
    region_value = float(london.iloc[0]) if len(london) else float("nan")
    areas = current[current["level"] != "region"]
    return ChartPanel(build_area_comparison_figure(areas, definition, benchmark_value=region_value),
                      describe_area_comparison(areas, definition, region_value),
                      compute_display_table(current, definition), period=shown)


def build_mix_panel(values_by_indicator: Mapping[str, pd.DataFrame], definitions: Sequence, *,
                    period: str) -> ChartPanel:
    """The parts of a mix (e.g. staff per 1,000 patients by group) as stacked bars, in the latest period up to
    `period` in which the first part has figures."""
    shown = latest_period_with_values(values_by_indicator[definitions[0].id], period)
    mix = compute_mix({i: v[v["period"] == shown] for i, v in values_by_indicator.items()}, list(definitions))
    return ChartPanel(build_workforce_mix_figure(mix), describe_workforce_mix(mix), mix, period=shown)


def build_trend_panel(values: pd.DataFrame, definition, *, areas: Sequence[str]) -> ChartPanel:
    """The trend chart of the areas, its sentence, and the numbers as a display table."""
    shown = values[values["area_code"].isin(areas)]
    return ChartPanel(build_trend_figure(shown, definition, areas=areas),
                      describe_trend(shown, definition, areas=areas), compute_display_table(shown, definition))


FUNNEL_LEVELS = (("95%", Z_95), ("99.8%", Z_998))


def _denominator_title(definition) -> str:
    denominator = getattr(definition, "denominator", None)
    columns = getattr(denominator, "columns", None)
    if columns:
        words = " + ".join(str(column).replace("_", " ") for column in columns)
        if getattr(denominator, "aggregate", "sum") == "count":
            return "Number of rows counted (denominator)"
        return f"{words[0].upper()}{words[1:]} (denominator)"
    return "Denominator"


def build_funnel_figure(practices: pd.DataFrame, definition, *, region_value: float | None,
                        benchmark_label: str = "London", title: str | None = None) -> go.Figure:
    """Funnel plot: each area's value against its denominator, with control limits around London.

    `practices`: tidy rows (area_name, denominator, value, suppressed, vs_region, period); only the
    latest period is drawn. Limits at 95% and 99.8% for comparison "wilson" (proportion) and "byar"
    (Poisson rate); "tolerance" and "none" have no sampling error, so only the benchmark line (and
    for tolerance the +/- tolerance_percent band) is drawn and the title says so.
    """
    rows, period = _latest_period_rows(practices)
    comparison = str(getattr(definition, "comparison", "none"))
    base_title = title or f"{definition.name}: funnel plot" + (f", {_period_label(period)}" if period else "")
    if rows.empty:
        return _empty_figure(base_title, "No figures to show for this choice.")
    shown_mask = _is_shown(rows) & pd.to_numeric(rows["denominator"], errors="coerce").gt(0)
    shown = rows[shown_mask].assign(value=lambda frame: frame["value"].astype(float),
                                    denominator=lambda frame: frame["denominator"].astype(float))
    hidden = int((~shown_mask).sum())
    singular, plural = _level_words(rows)
    if comparison in NO_LIMITS_TEXT:
        text = NO_LIMITS_TEXT[comparison]
        notes = [f"{text[0].upper()}{text[1:]}."]
    else:
        notes = ["Dashed lines: 95% limits; dotted: 99.8% limits."]
    if hidden:
        notes.append(f"{_count_phrase(hidden, singular, plural)} not shown: {NOT_SHOWN_REASON}.")
    figure = go.Figure()
    has_benchmark = region_value is not None and not pd.isna(region_value)
    multiplier = float(getattr(definition, "multiplier", 1) or 1)
    if has_benchmark:  # each point is labelled by the same limits the lines are drawn from
        shown = shown.assign(funnel_status=funnel_comparison(
            shown["value"], shown["denominator"], float(region_value), multiplier=multiplier, comparison=comparison,
            direction=str(getattr(definition, "direction", "neither")),
            tolerance_percent=float(getattr(definition, "tolerance_percent", 10) or 10)))
    if has_benchmark and comparison not in NO_LIMITS_TEXT and not shown.empty:
        low, high = shown["denominator"].min(), shown["denominator"].max()
        grid = np.geomspace(low, high, 200) if high > low else np.array([low])
        grid = np.union1d(grid, shown["denominator"].to_numpy())  # the lines pass exactly through every point's x
        for (level, z), dash in zip(FUNNEL_LEVELS, ("dash", "dot")):
            lower, upper = funnel_limits(float(region_value), grid, multiplier=multiplier,
                                         comparison=comparison, z=z)
            figure.add_trace(go.Scatter(
                x=np.concatenate([grid, [np.nan], grid]), y=np.concatenate([lower, [np.nan], upper]),
                mode="lines", name=f"{level} control limits", connectgaps=False, hoverinfo="skip",
                line={"color": palette.LIMIT_COLOR, "width": 2, "dash": dash},
            ))
    tolerance = getattr(definition, "tolerance_percent", None)
    if has_benchmark and comparison == "tolerance" and tolerance:
        for sign in (-1, 1):
            figure.add_shape(type="line", y0=float(region_value) * (1 + sign * tolerance / 100),
                             y1=float(region_value) * (1 + sign * tolerance / 100), x0=0, x1=1,
                             xref="paper", line={"color": palette.LIMIT_COLOR, "width": 2, "dash": "dot"},
                             name=f"Within {tolerance:g}% of {benchmark_label} (similar)",
                             showlegend=sign == 1)
    for trace in _status_traces(shown, definition, status_column="funnel_status",
                                benchmark_label=benchmark_label, x_column="denominator",
                                y_column="value", with_ci=False, marker_size=11,
                                extra_hover="<br>Denominator %{x:,.0f}"):
        figure.add_trace(trace)
    if has_benchmark:
        _add_reference_line(figure, float(region_value), orientation="horizontal",
                            name=f"{benchmark_label} {format_value(region_value, definition)}")
    figure.update_xaxes(title_text=_denominator_title(definition), rangemode="tozero")
    figure.update_yaxes(title_text=_value_axis_title(definition))
    figure.update_layout(height=500)
    return _apply_layout(figure, base_title, " ".join(notes) or None)


def describe_funnel(practices: pd.DataFrame, definition, *, region_value: float | None,
                    benchmark_label: str = "London") -> str:
    """One sentence saying what build_funnel_figure shows: how many sit outside the 99.8% limits."""
    rows, period = _latest_period_rows(practices)
    comparison = str(getattr(definition, "comparison", "none"))
    label = _lower_first(definition.name)
    when = f" in {_period_label(period)}" if period else ""
    singular, plural = _level_words(rows) if not rows.empty else ("area", "areas")
    shown = rows
    if not rows.empty:
        shown = rows[_is_shown(rows) & pd.to_numeric(rows["denominator"], errors="coerce").gt(0)]
    if shown.empty or region_value is None or pd.isna(region_value):
        return f"Funnel plot of {label}{when}: no figures to compare."
    value = shown["value"].astype(float).to_numpy()
    parts = [(f"Funnel plot of {label} for {_count_phrase(len(shown), singular, plural)}{when} "
             f"against {benchmark_label} {format_value(region_value, definition)}")]
    if comparison in NO_LIMITS_TEXT:
        above = int((value > float(region_value)).sum())
        parts.append(f"{NO_LIMITS_TEXT[comparison]}; {above} above {benchmark_label}, "
                     f"{len(value) - above} at or below")
    else:
        multiplier = float(getattr(definition, "multiplier", 1) or 1)
        lower, upper = funnel_limits(float(region_value), shown["denominator"].astype(float).to_numpy(),
                                     multiplier=multiplier, comparison=comparison, z=Z_998)
        above, below = int((value > upper).sum()), int((value < lower).sum())
        parts.append(f"{above} above the upper 99.8% limit, {below} below the lower 99.8% limit, "
                     f"{len(value) - above - below} within")
    hidden = len(rows) - len(shown)
    if hidden:
        parts.append(f"{_count_phrase(hidden, singular, plural)} not shown ({NOT_SHOWN_REASON})")
    return "; ".join(parts) + "."


def _ordered(found: Sequence[str], preferred: Sequence[str]) -> list[str]:
    found = list(dict.fromkeys(str(item) for item in found))
    return [item for item in preferred if item in found] + [item for item in found if item not in preferred]


def build_workforce_mix_figure(mix: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Stacked bars of FTE per 1,000 patients by staff group, one bar per area.

    `mix`: columns area_name, staff_group, fte_per_1000 (areas drawn top to bottom in the order
    they first appear; groups GP, Nurses, Other direct patient care, Admin, then any others).
    """
    title = title or "Staff per 1,000 registered patients, by staff group"
    mix = mix.dropna(subset=["fte_per_1000"]) if not mix.empty else mix
    if mix.empty:
        return _empty_figure(title, "No figures to show for this choice.")
    areas = list(dict.fromkeys(mix["area_name"].astype(str)))
    groups = _ordered(mix["staff_group"].astype(str), STAFF_GROUP_ORDER)
    figure = go.Figure()
    for index, group in enumerate(groups):
        rows = mix[mix["staff_group"].astype(str) == group].groupby("area_name", sort=False)["fte_per_1000"].sum()
        rows = rows.reindex(areas)
        figure.add_trace(go.Bar(
            x=rows.to_numpy(dtype=float), y=areas, orientation="h", name=group,
            marker={"color": palette.CATEGORICAL_COLORS[index % len(palette.CATEGORICAL_COLORS)],
                    "line": {"color": "#FFFFFF", "width": 1}},
            text=[f"{value:.2f}" if not pd.isna(value) else "" for value in rows],
            textposition="inside", insidetextanchor="middle",
            insidetextfont={"color": palette.readable_text_colour(
                palette.CATEGORICAL_COLORS[index % len(palette.CATEGORICAL_COLORS)])},
            hovertemplate=f"<b>%{{y}}</b><br>{group}: %{{x:.2f}} FTE per 1,000 patients<extra></extra>",
        ))
    figure.update_layout(barmode="stack", height=max(320, 150 + 40 * len(areas)),
                         uniformtext={"minsize": 12, "mode": "hide"},
                         legend={"traceorder": "normal"})
    figure.update_xaxes(title_text="Full-time equivalent staff per 1,000 registered patients")
    figure.update_yaxes(title_text="", type="category", categoryorder="array", categoryarray=areas[::-1])
    return _apply_layout(figure, title)


def describe_workforce_mix(mix: pd.DataFrame) -> str:
    """One sentence saying what build_workforce_mix_figure shows."""
    mix = mix.dropna(subset=["fte_per_1000"]) if not mix.empty else mix
    if mix.empty:
        return "Stacked bar chart of staff per 1,000 registered patients: no figures to show."
    totals = mix.groupby("area_name", sort=False)["fte_per_1000"].sum()
    sentence = (f"Stacked bar chart of full-time equivalent staff per 1,000 registered patients by staff group "
                f"for {_count_phrase(len(totals), 'area', 'areas')}: most staff in {totals.idxmax()} "
                f"({totals.max():.2f} per 1,000), fewest in {totals.idxmin()} ({totals.min():.2f} per 1,000)")
    gps = mix[mix["staff_group"].astype(str) == "GP"].groupby("area_name")["fte_per_1000"].sum()
    if not gps.empty:
        sentence += f"; most GPs in {gps.idxmax()} ({gps.max():.2f} per 1,000)"
    return sentence + "."


def _wrap(text: str, width: int = 18) -> str:
    return "<br>".join(textwrap.wrap(text, width)) or text


def _maturity_grid(scores: pd.DataFrame) -> pd.DataFrame:
    rows, _ = _latest_period_rows(scores)
    rows = rows.assign(score=pd.to_numeric(rows["score"], errors="coerce"))
    grid = rows.pivot_table(index="pcn_name", columns="maturity_domain", values="score", aggfunc="mean")
    return grid.reindex(columns=_ordered(grid.columns, MATURITY_DOMAIN_ORDER)).sort_index()


def _cell_colour(score: float, steps: Sequence[str]) -> str:
    return steps[int(np.clip(round(score), 1, len(steps))) - 1]


def build_maturity_heatmap(scores: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """PCN x maturity domain heat map of self-assessed scores (1 not started ... 5 fully embedded).

    `scores`: columns pcn_name, maturity_domain, score (and optionally period: the latest is
    drawn). Each cell also shows its score as text; several rows for one cell are averaged.
    """
    title = title or "Primary Care Network maturity self-assessment, by domain"
    if scores.empty:
        return _empty_figure(title, "No figures to show for this choice.")
    grid = _maturity_grid(scores)
    if grid.empty:
        return _empty_figure(title, "No figures to show for this choice.")
    steps = palette.SEQUENTIAL_COLORS
    colorscale = []
    for index, colour in enumerate(steps):
        colorscale += [[index / len(steps), colour], [(index + 1) / len(steps), colour]]
    domains = [str(domain) for domain in grid.columns]
    columns = [_wrap(domain, 13) for domain in domains]
    names = [str(name) for name in grid.index]
    z = grid.to_numpy(dtype=float)
    text = [["" if np.isnan(score) else f"{score:g}" if float(score).is_integer() else f"{score:.1f}"
             for score in row] for row in z]
    figure = go.Figure(go.Heatmap(
        z=z, x=columns, y=names, zmin=0.5, zmax=5.5, colorscale=colorscale, text=text,
        xgap=3, ygap=3, customdata=[domains] * len(grid),
        colorbar={"title": {"text": "Score"}, "tickvals": list(MATURITY_SCORE_LABELS),
                  "ticktext": list(MATURITY_SCORE_LABELS.values())},
        hovertemplate="<b>%{y}</b><br>%{customdata}: %{text}<extra></extra>",
    ))
    # The score is written in every cell, in black or white to suit the cell's colour.
    cells = [(column, name, label, _cell_colour(score, steps))
             for name, row, labels in zip(names, z, text) for column, score, label in zip(columns, row, labels)
             if label]
    if cells:
        figure.add_trace(go.Scatter(
            x=[cell[0] for cell in cells], y=[cell[1] for cell in cells], mode="text", name="Score",
            text=[cell[2] for cell in cells], hoverinfo="skip", showlegend=False,
            textfont={"size": palette.BASE_FONT_SIZE + 2,
                      "color": [palette.readable_text_colour(cell[3]) for cell in cells]},
        ))
    figure.update_xaxes(title_text="Maturity domain", side="bottom", tickangle=0)
    figure.update_yaxes(title_text="Primary Care Network", autorange="reversed", type="category")
    figure.update_layout(height=max(360, 220 + 36 * len(grid)))
    return _apply_layout(figure, title)


def describe_maturity_heatmap(scores: pd.DataFrame) -> str:
    """One sentence saying what build_maturity_heatmap shows: strongest and weakest domains."""
    grid = _maturity_grid(scores) if not scores.empty else pd.DataFrame()
    if grid.empty:
        return "Heat map of Primary Care Network maturity scores: no figures to show."
    means = grid.mean(axis=0, skipna=True)
    return (f"Heat map of maturity scores from 1 (not started) to 5 (fully embedded) for "
            f"{_count_phrase(len(grid), 'Primary Care Network', 'Primary Care Networks')} across "
            f"{_count_phrase(len(grid.columns), 'domain', 'domains')}: highest average "
            f"{means.idxmax()} ({means.max():.1f}), lowest {means.idxmin()} ({means.min():.1f}).")


def _spine_rows(rows: pd.DataFrame, definition_lookup: Mapping[str, object]) -> tuple[pd.DataFrame, str, list[str]]:
    """Rows scaled to London (ratio), the focus level, and indicators that could not be scaled."""
    status_column = "vs_region" if "vs_region" in rows.columns else "comparison"
    present = [level for level in LEVEL_ORDER if level in set(rows["level"])]
    focus = next((level for level in present if level != "region"), "region")
    scaled, skipped = [], []
    for indicator_id in dict.fromkeys(rows["indicator_id"]):
        if indicator_id not in definition_lookup:
            skipped.append(str(indicator_id))
            continue
        group = rows[rows["indicator_id"] == indicator_id]
        london = pd.to_numeric(group.loc[group["level"] == "region", "value"], errors="coerce").dropna()
        if london.empty or not math.isfinite(london.iloc[0]) or london.iloc[0] == 0:
            skipped.append(str(indicator_id))
            continue
        group = group.assign(
            region_value=float(london.iloc[0]),
            ratio=pd.to_numeric(group["value"], errors="coerce") / float(london.iloc[0]),
            lower_ratio=_numeric_column(group, "lower_95") / float(london.iloc[0]),
            upper_ratio=_numeric_column(group, "upper_95") / float(london.iloc[0]),
            status=group[status_column] if status_column in group.columns else "not compared",
            indicator_name=(getattr(definition_lookup[indicator_id], "short_name", "")
                            or definition_lookup[indicator_id].name),
        )
        if "suppressed" in group.columns:
            group.loc[group["suppressed"].fillna(False).astype(bool), "ratio"] = np.nan
        scaled.append(group)
    frame = pd.concat(scaled, ignore_index=True) if scaled else pd.DataFrame()
    return frame, focus, skipped


def build_spine_figure(rows: pd.DataFrame, definition_lookup: Mapping[str, object], *,
                       title: str | None = None) -> go.Figure:
    """One row per indicator: the area's value and 95% CI relative to London (London = 1).

    `rows`: indicator_id, level, value, lower_95, upper_95, vs_region (or `comparison`), and
    optionally area_name and suppressed; one row per indicator and level for one area and its
    parents. The lowest level present (usually `practice`) is the focus, drawn with its CI and a
    status marker; PCN, borough and STP are neutral open markers. Each row's words
    (better/similar/worse ...) are written at the right. `definition_lookup`: id -> definition.
    """
    frame, focus, skipped = _spine_rows(rows, definition_lookup) if not rows.empty else (pd.DataFrame(), "", [])
    focus_name = ""
    if not frame.empty and "area_name" in frame.columns:
        names = frame.loc[frame["level"] == focus, "area_name"].dropna()
        focus_name = str(names.iloc[0]) if not names.empty else ""
    title = title or (f"{focus_name} compared with London" if focus_name else "Indicators compared with London")
    if frame.empty:
        return _empty_figure(title, "No figures to show for this choice.")
    order = list(dict.fromkeys(frame["indicator_name"]))
    figure = go.Figure()
    for level, symbol in CONTEXT_MARKERS.items():
        context = frame[(frame["level"] == level) & frame["ratio"].notna()]
        if context.empty or level == focus:
            continue
        figure.add_trace(go.Scatter(
            x=context["ratio"].to_numpy(dtype=float), y=context["indicator_name"].to_numpy(),
            mode="markers", name=LEVEL_NAMES[level][0][0].upper() + LEVEL_NAMES[level][0][1:],
            marker={"symbol": symbol, "size": 13, "color": palette.LIMIT_COLOR, "line": {"width": 2}},
            hovertemplate="<b>%{y}</b><br>%{fullData.name}: %{x:.2f} times London<extra></extra>",
        ))
    focus_rows = frame[(frame["level"] == focus) & frame["ratio"].notna()]
    focus_rows = focus_rows.assign(value=focus_rows["ratio"], lower_95=focus_rows["lower_ratio"],
                                   upper_95=focus_rows["upper_ratio"],
                                   area_name=focus_rows["indicator_name"])
    for trace in _status_traces(focus_rows, None, status_column="status", benchmark_label="London",
                                x_column="value", y_column="indicator_name", with_ci=True, marker_size=16):
        trace.hovertemplate = ("<b>%{text}</b><br>%{x:.2f} times London (95% CI %{customdata[0]:.2f} "
                               f"to %{{customdata[1]:.2f}})<br>{trace.name}<extra></extra>")
        figure.add_trace(trace)
    _add_reference_line(figure, 1.0, orientation="vertical", name="London = 1")
    all_focus = frame[frame["level"] == focus].drop_duplicates("indicator_name").set_index("indicator_name")
    for name in order:
        if name in all_focus.index and pd.notna(all_focus.loc[name, "ratio"]):
            words = palette.format_status(all_focus.loc[name, "status"])
        else:
            words = "Not shown: too few"
        figure.add_annotation(text=words, x=1.01, xref="paper", y=name, yref="y", xanchor="left",
                              showarrow=False, font={"size": palette.BASE_FONT_SIZE})
    figure.update_yaxes(title_text="", type="category", categoryorder="array", categoryarray=order[::-1],
                        tickvals=order, ticktext=[_wrap(name, 40) for name in order])
    figure.update_xaxes(title_text="Value relative to London (London = 1)")
    subtitle = "Marker: value; line: 95% confidence interval."
    if skipped:
        subtitle += f" {_count_phrase(len(skipped), 'indicator', 'indicators')} without a London figure left out."
    figure.update_layout(height=max(440, 300 + 60 * len(order)))
    figure = _apply_layout(figure, title, subtitle)
    figure.update_layout(margin={"r": 230})
    return figure


def describe_spine(rows: pd.DataFrame, definition_lookup: Mapping[str, object]) -> str:
    """One sentence saying what build_spine_figure shows: how many indicators are better/worse."""
    frame, focus, _ = _spine_rows(rows, definition_lookup) if not rows.empty else (pd.DataFrame(), "", [])
    if frame.empty:
        return "Chart of indicators compared with London: no figures to show."
    focus_rows = frame[frame["level"] == focus].drop_duplicates("indicator_id")
    name = ""
    if "area_name" in focus_rows.columns and focus_rows["area_name"].notna().any():
        name = f" for {focus_rows['area_name'].dropna().iloc[0]}"
    shown = focus_rows[focus_rows["ratio"].notna()]
    counts = shown["status"].map(lambda status: palette.style_for_status(status).text).value_counts()
    summary = ", ".join(f"{counts[status]} {status}" for status in palette.STATUS_ORDER if status in counts)
    sentence = (f"Chart of {_count_phrase(len(focus_rows), 'indicator', 'indicators')}{name} relative to London "
                f"(London = 1): {summary or 'none compared'}")
    hidden = len(focus_rows) - len(shown)
    if hidden:
        sentence += f"; {hidden} not shown ({NOT_SHOWN_REASON})"
    return sentence + "."

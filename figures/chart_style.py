"""What every plotly chart shares: a small template, titles and readable type, an empty chart that says why,
reference lines, markers by comparison result, and the words for levels, units and periods."""
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from figures import palette
from indicators.areas import AreaModel, LevelName
from indicators.definitions import IndicatorDefinition
from indicators.formatting import format_status

NOT_SHOWN_REASON = "too few to give a reliable figure"
NO_FIGURES = "No figures to show for this choice."
ANY_AREA = LevelName("area", "areas", "area", "areas")


def _build_chart_template() -> go.layout.Template:
    """plotly_white's look for flat charts without the rest of it: the whole template is 6.5 KB of JSON in every
    chart, and turning it into JSON costs about a millisecond a chart on every rerun."""
    white = pio.templates["plotly_white"]
    layout = ("autotypenumbers", "hovermode", "hoverlabel", "paper_bgcolor", "plot_bgcolor", "xaxis", "yaxis",
              "coloraxis", "shapedefaults", "annotationdefaults")
    return go.layout.Template(layout={key: white.layout[key] for key in layout},
                              data={"bar": white.data.bar, "heatmap": white.data.heatmap})


CHART_TEMPLATE = _build_chart_template()


def unit_suffix(definition: IndicatorDefinition) -> str:
    """What follows a number: '%' or ' per 1,000 patients'."""
    if not definition.unit:
        return ""
    return definition.unit if definition.unit == "%" else f" {definition.unit}"


NOT_FROM_ZERO = "axis does not start at zero"  # said wherever a value axis is cut, so a small spread is not misread


def value_axis_title(definition: IndicatorDefinition) -> str:
    if definition.unit == "%":
        return "Percent (%)"
    if not definition.unit:
        return "Value"
    return definition.unit[0].upper() + definition.unit[1:]


def hover_number(axis: str, definition: IndicatorDefinition) -> str:
    """plotly's hover text for a value on `axis`, with the indicator's decimals and unit."""
    return f"%{{{axis}:,.{definition.decimals}f}}{unit_suffix(definition)}"


def indicator_label(definition: IndicatorDefinition, plain_language: bool) -> str:
    return definition.plain_name if plain_language and definition.plain_name else definition.name


def lower_first(text: str) -> str:
    """Lower-case a leading capital unless it starts an acronym ("GP", "PCN")."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def wrap(text: str, width: int = 18) -> str:
    return "<br>".join(textwrap.wrap(text, width)) or text


def latest_period_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """The rows of the latest period (a bar or funnel chart shows one period)."""
    if "period" not in frame.columns or frame.empty:
        return frame, None
    latest = str(frame["period"].astype(str).max())
    return frame[frame["period"].astype(str) == latest], latest


def is_shown(frame: pd.DataFrame) -> pd.Series:
    """Rows with a figure that may be shown (not missing, not suppressed)."""
    shown = pd.to_numeric(frame["value"], errors="coerce").notna()
    if "suppressed" in frame.columns:
        shown &= ~frame["suppressed"].fillna(False).astype(bool)
    return shown


def numeric_column(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as floats, or all NaN when the frame lacks it (e.g. no confidence interval)."""
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


def level_words(frame: pd.DataFrame, areas: AreaModel) -> LevelName:
    """What the rows' areas are called ('STP', 'borough'), or 'area' when they mix levels."""
    levels = frame["level"].dropna().unique() if "level" in frame.columns else []
    return areas.level(str(levels[0])) if len(levels) == 1 else ANY_AREA


def count_phrase(count: int, names: LevelName) -> str:
    return f"{count} {names.name if count == 1 else names.plural}"


def target_name(definition: IndicatorDefinition) -> str:
    return f"Target {definition.format_value(definition.target.value)}" if definition.target else ""


def apply_layout(figure: go.Figure, title: str, subtitle: str | None = None) -> go.Figure:
    """The shared look: a left-aligned wrapped title, readable type and contrast, the legend under the chart."""
    title = wrap(title, 70)
    subtitle = wrap(subtitle, 90) if subtitle else None
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


def build_empty_figure(title: str, message: str = NO_FIGURES) -> go.Figure:
    """A chart with no data that says so in its middle."""
    figure = go.Figure()
    figure.add_annotation(
        text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
        font={"size": palette.BASE_FONT_SIZE + 2},
    )
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return apply_layout(figure, title)


def add_reference_line(figure: go.Figure, value: float, *, name: str, orientation: str,
                       dash: str = "solid", colour: str = palette.BENCHMARK_COLOR) -> None:
    """A benchmark or target line across the plot, shown in the legend under `name`."""
    line = {"color": colour, "width": 2, "dash": dash}
    if orientation == "vertical":
        figure.add_shape(type="line", x0=value, x1=value, y0=0, y1=1, yref="paper",
                         line=line, name=name, showlegend=True)
    else:
        figure.add_shape(type="line", y0=value, y1=value, x0=0, x1=1, xref="paper",
                         line=line, name=name, showlegend=True)


def add_target_line(figure: go.Figure, definition: IndicatorDefinition, *, orientation: str) -> None:
    """The indicator's published target as a dashed line, when it has one."""
    if definition.target is not None:
        add_reference_line(figure, float(definition.target.value), orientation=orientation, dash="dash",
                           colour=palette.TARGET_COLOR, name=target_name(definition))


def build_status_traces(frame: pd.DataFrame, *, status_column: str, benchmark_name: str, x_column: str,
                        y_column: str, with_ci: bool, marker_size: int, number_hover: str, ci_decimals: int = 1,
                        ci_unit: str = "", extra_hover: str = "") -> list[go.Scatter]:
    """One marker trace per comparison result, so colour, symbol and legend word agree.

    number_hover: plotly's hover text for the value (hover_number); the interval uses ci_decimals and ci_unit.
    """
    statuses = frame[status_column] if status_column in frame.columns else pd.Series("not compared", index=frame.index)
    statuses = statuses.map(lambda status: palette.style_for_status(status).text)
    traces = []
    for status in palette.STATUS_ORDER:
        rows = frame[statuses == status]
        if rows.empty:
            continue
        style = palette.STATUS_STYLES[status]
        value = rows["value"].astype(float).to_numpy()
        lower = numeric_column(rows, "lower_95").to_numpy(dtype=float)
        upper = numeric_column(rows, "upper_95").to_numpy(dtype=float)
        error_x = None
        hover_ci = ""
        if with_ci and np.isfinite(lower).any():
            error_x = {"type": "data", "symmetric": False, "array": np.nan_to_num(upper - value),
                       "arrayminus": np.nan_to_num(value - lower), "color": style.colour,
                       "thickness": 2, "width": 6}
            hover_ci = (f"<br>95% confidence interval %{{customdata[0]:,.{ci_decimals}f}} to "
                        f"%{{customdata[1]:,.{ci_decimals}f}}{ci_unit}")
        label = format_status(status, benchmark_name)
        traces.append(go.Scatter(
            x=rows[x_column].to_numpy(), y=rows[y_column].to_numpy(), mode="markers", name=label,
            marker={"symbol": style.symbol, "color": style.colour, "size": marker_size,
                    "line": {"width": 2, "color": style.colour}},
            error_x=error_x, customdata=np.column_stack([lower, upper]),
            hovertemplate=f"<b>%{{text}}</b><br>{number_hover}{hover_ci}{extra_hover}<br>{label}<extra></extra>",
            text=rows["area_name"].astype(str).to_numpy(),
        ))
    return traces


def count_statuses(statuses: pd.Series, benchmark_name: str) -> str:
    """'2 better than London, 3 similar to London' for a column of comparison results."""
    counts = statuses.map(lambda status: palette.style_for_status(status).text).value_counts()
    return ", ".join(f"{counts[status]} {lower_first(format_status(status, benchmark_name))}"
                     for status in palette.STATUS_ORDER if status in counts)

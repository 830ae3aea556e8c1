"""Dashboard figures restyled for a projector (presenter mode): larger type everywhere, a fixed height."""
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go

from figures import palette
from figures.panels import ChartPanel, build_comparison_panel
from indicators.areas import AreaModel
from indicators.definitions import IndicatorDefinition

PRESENTER_FONT_SIZE = 24  # plotly text on a slide: readable from the back of a room on a 1280x720 projector
PRESENTER_TITLE_SIZE = 28
CHART_HEIGHT = 420  # with a two-line headline, the chart and its legend fit a 720-pixel-high screen


def build_presentation_figure(figure: go.Figure, *, height: int = CHART_HEIGHT) -> go.Figure:
    """A dashboard figure restyled for a projector: larger text everywhere, fixed height."""
    figure.update_layout(font_size=PRESENTER_FONT_SIZE, title_font_size=PRESENTER_TITLE_SIZE,
                         legend_font_size=PRESENTER_FONT_SIZE, hoverlabel_font_size=PRESENTER_FONT_SIZE,
                         height=height)
    if figure.layout.title.subtitle.text:
        figure.update_layout(title_subtitle_font_size=PRESENTER_FONT_SIZE - 2)
    # Streamlit's chart theme greys axis text; a projector needs the full text colour.
    axis_text = {"tickfont": {"size": PRESENTER_FONT_SIZE, "color": palette.TEXT_COLOR},
                 "title_font": {"size": PRESENTER_FONT_SIZE, "color": palette.TEXT_COLOR}}
    figure.update_xaxes(**axis_text)
    figure.update_yaxes(**axis_text)
    figure.update_annotations(font_size=PRESENTER_FONT_SIZE)
    return figure


def build_slide_figure(build, *args, **kwargs) -> go.Figure:
    """A dashboard figure (any figures.*.build_* function) restyled for a projector."""
    return build_presentation_figure(build(*args, **kwargs))


def build_slide_comparison_panel(values: pd.DataFrame, definition: IndicatorDefinition, *, areas: AreaModel,
                                 period: str) -> ChartPanel | None:
    """panels.build_comparison_panel (the STPs against the region) with its figure restyled for a projector."""
    panel = build_comparison_panel(values, definition, areas=areas, period=period)
    return None if panel is None else replace(panel, figure=build_presentation_figure(panel.figure))

"""Colours and marker symbols shared by every chart and map (colour-blind safe); the words are indicators.formatting."""

from dataclasses import dataclass

# Okabe-Ito hues that reach 3:1 contrast on white, plus violet, brown and dark grey chosen so every
# pair stays distinguishable under simulated protanopia, deuteranopia and tritanopia.
# Keep in step with chartCategoricalColors in .streamlit/config.toml.
CATEGORICAL_COLORS = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#000000",  # black
    "#8040E0",  # violet
    "#774422",  # brown
    "#555555",  # dark grey
)

# Viridis in five steps, light (low values) to dark (high values): perceptually even and
# readable with any colour vision. MISSING_COLOR is told apart from every step by all of them.
SEQUENTIAL_COLORS = ("#FDE725", "#5EC962", "#21918C", "#3B528B", "#440154")
SEQUENTIAL_COLOR_NAMES = ("yellow", "green", "teal", "blue", "dark purple")
MISSING_COLOR = "#BDBDBD"
MISSING_COLOR_NAME = "grey"

TEXT_COLOR = "#212B32"
BENCHMARK_COLOR = "#212B32"
TARGET_COLOR = "#005EB8"
LIMIT_COLOR = "#555555"
BASE_FONT_SIZE = 16
FONT_FAMILY = "Arial, Helvetica, sans-serif"


@dataclass(frozen=True)
class StatusStyle:
    """How one comparison result looks: colour, plotly marker symbol and the word shown."""

    colour: str
    symbol: str
    text: str


STATUS_STYLES = {
    "better": StatusStyle("#0072B2", "triangle-up", "better"),
    "similar": StatusStyle("#555555", "circle", "similar"),
    "worse": StatusStyle("#D55E00", "triangle-down", "worse"),
    "higher": StatusStyle("#8040E0", "arrow-up", "higher"),
    "lower": StatusStyle("#774422", "arrow-down", "lower"),
    "not compared": StatusStyle("#767676", "circle-open", "not compared"),
}
STATUS_ORDER = tuple(STATUS_STYLES)


def style_for_status(status: object) -> StatusStyle:
    """The style of a vs_region / vs_stp value; anything unknown or blank is "not compared" (the words are
    indicators.formatting.format_status)."""
    return STATUS_STYLES.get(str(status).strip().lower(), STATUS_STYLES["not compared"])


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    """"#0072B2" -> (0, 114, 178)."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(character * 2 for character in digits)
    return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))


def hex_to_rgba(colour: str, alpha: float) -> str:
    """A plotly rgba() string for a hex colour with transparency alpha (0-1)."""
    red, green, blue = hex_to_rgb(colour)
    return f"rgba({red}, {green}, {blue}, {alpha})"


def compute_relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a hex colour (0 black ... 1 white)."""
    channels = []
    for value in hex_to_rgb(colour):
        srgb = value / 255
        channels.append(srgb / 12.92 if srgb <= 0.04045 else ((srgb + 0.055) / 1.055) ** 2.4)
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def compute_contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio between two hex colours (1 ... 21)."""
    lighter, darker = sorted(
        (compute_relative_luminance(first), compute_relative_luminance(second)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def readable_text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with the background colour."""
    on_black = compute_contrast_ratio(background, "#000000")
    on_white = compute_contrast_ratio(background, "#FFFFFF")
    return "#000000" if on_black >= on_white else "#FFFFFF"

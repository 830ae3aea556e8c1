"""The forum chart builders and their text alternatives (tested on the objects returned)."""
import pandas as pd

from components.forum_views import (
    build_barrier_bar_chart,
    build_score_heatmap,
    describe_barriers,
    describe_scores,
)

SCORES = pd.DataFrame(  # as compute_scores_by_stp gives them: STPs in the data's order
    {
        "stp_code": ["QMJ", "QMJ", "QWE", "QWE"],
        "stp_name": ["North Central London", "North Central London", "South West London", "South West London"],
        "maturity_domain": ["Integrating care", "Managing resources"] * 2,
        "mean_score": [1.0, 5.0, 2.5, 4.0],
        "n": [1, 1, 2, 2],
    }
)
BARRIERS = pd.DataFrame({"barrier": ["Workforce", "Time", "Funding"], "tables": [3, 1, 0]})


def test_heatmap_has_stps_in_the_datas_order_domains_in_matrix_order_and_labelled_cells():
    figure = build_score_heatmap(SCORES)
    heatmap = figure.data[0]

    assert list(heatmap.y) == ["North Central London", "South West London"]
    assert list(heatmap.x) == ["Integrating care", "Managing resources"]
    assert heatmap.z.tolist() == [[1.0, 5.0], [2.5, 4.0]]
    assert (heatmap.zmin, heatmap.zmax) == (1, 5)
    assert [annotation.text for annotation in figure.layout.annotations] == [
        "1.0 (n=1)", "5.0 (n=1)", "2.5 (n=2)", "4.0 (n=2)"]
    assert figure.layout.xaxis.ticktext[0] == "Integrating care"


def test_barrier_bars_keep_the_most_named_on_top():
    bar = build_barrier_bar_chart(BARRIERS).data[0]

    assert list(bar.y) == ["Workforce", "Time", "Funding"]
    assert list(bar.x) == [3, 1, 0]
    assert bar.orientation == "h"


def test_text_alternatives_say_what_the_charts_show():
    assert describe_scores(SCORES) == (
        "Mean journey score for each STP and maturity domain, from 2 STPs. "
        "Highest: North Central London, Managing resources, 5.0. Lowest: North Central London, Integrating care, 1.0."
    )
    assert describe_barriers(BARRIERS) == "Answers naming each barrier, most named first: Workforce 3; Time 1."
    assert describe_barriers(BARRIERS.assign(tables=0)) == "No barrier has been named yet."
    assert describe_scores(SCORES.iloc[0:0]) == "No scores yet."

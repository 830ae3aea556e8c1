"""The plenary stays light with a big room: 2,000 answers of 4,000 characters in each free-text box send well under
200 KB to the browser per run of the page (a size, not a timing: scripts/plenary_benchmark.py prints the timings)."""
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


def load_benchmark():
    spec = importlib.util.spec_from_file_location("plenary_benchmark", ROOT / "scripts" / "plenary_benchmark.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def plenary_benchmark():
    return load_benchmark()


def test_a_plenary_of_2000_long_answers_sends_summaries_not_every_answer(plenary_benchmark, tmp_path, monkeypatch):
    folder = tmp_path / "forum"
    monkeypatch.setenv("ATSCALE_FORUM_DIR", str(folder))
    monkeypatch.setenv("ATSCALE_FACILITATOR_PASSCODE", plenary_benchmark.PASSCODE)
    store, token = plenary_benchmark.open_big_store(folder, answers=2000, chars=4000)
    event = store.open_plenary(token)
    assert store.read_plenary_summary(event.id).answers == 2000
    store.dispose()

    sent = plenary_benchmark.measure_plenary_bytes(token)

    raw_text = 2000 * 2 * 4000  # what sending every answer in full would cost: 16 MB
    assert sent.page < plenary_benchmark.REFRESH_LIMIT_BYTES == 200_000, sent
    assert 0 < sent.fragment <= sent.page  # the refreshing part is measured, and is what each refresh re-sends
    assert sent.page < raw_text / 100


def test_the_byte_count_sees_what_a_page_sends(plenary_benchmark):
    from streamlit.testing.v1 import AppTest

    with plenary_benchmark.counting_sent_bytes() as counted:
        at = AppTest.from_string("import streamlit as st\nst.text('x' * 50_000)")
        at.run()
    assert sum(size for size, _ in counted) > 50_000

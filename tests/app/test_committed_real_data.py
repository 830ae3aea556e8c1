"""AppTest: the committed real London data (data/real) with the indicators of the new public sources."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
NEW_INDICATORS = ("appointments_per_1000", "same_day_appointments", "face_to_face_appointments", "non_gp_appointments",
                  "practices_in_pcn", "pcns_30_50k", "practices_per_pcn")
PAGES = ("overview.py", "stp_profile.py", "borough_explorer.py", "plain_summary.py")


@pytest.fixture(autouse=True)
def real_data_env(tmp_path, monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(ROOT / "data" / "real"))
    monkeypatch.delenv("ATSCALE_CONFIG", raising=False)
    monkeypatch.delenv("ATSCALE_DATABASE_URL", raising=False)
    monkeypatch.setenv("ATSCALE_FORUM_DIR", str(tmp_path / "forum"))


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("indicator_id", NEW_INDICATORS)
def test_each_new_indicator_shows_on_the_main_pages_without_error(indicator_id, page):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["indicator"] = indicator_id
    at.run()
    at.switch_page(f"app_pages/{page}").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.selectbox(key="indicator").value == indicator_id


def test_an_indicator_no_public_file_gives_says_why():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["indicator"] = "practices_in_federation"
    at.run()
    assert not at.exception
    assert "No public file lists the members of GP federations" in " ".join(i.value for i in at.info)

"""The address tables open, the table and plenary links, and their QR codes (read back with a QR decoder)."""
import io

import pytest
from PIL import Image

from forum.links import (
    SERVE_ON_NETWORK,
    build_plenary_link,
    build_qr_png,
    build_table_link,
    compute_public_address,
    read_lan_address,
)

TOKEN = "Zq3h9_X-aB4cD5eF6gH7iJ8kL9mN0pQr"


def address(**changes):
    settings = {"override": None, "page_url": "http://127.0.0.1:8501/forum_facilitator", "server_address": "127.0.0.1",
                "server_port": 8501, "lan_address": "192.168.1.20"}
    return compute_public_address(**{**settings, **changes})


def test_an_override_for_a_reverse_proxy_wins():
    chosen = address(override="https://forum.example.org/atscale/")
    assert (chosen.base_url, chosen.reachable, chosen.how) == ("https://forum.example.org/atscale", True,
                                                               "set by ATSCALE_PUBLIC_URL")
    assert address(override="not a url").base_url == "http://127.0.0.1:8501"  # ignored when it is not an address


def test_the_address_the_facilitators_browser_used_is_kept_when_it_is_not_loopback():
    chosen = address(page_url="http://192.168.1.20:8501/atscale/forum_facilitator?x=1", server_address="0.0.0.0")
    assert (chosen.base_url, chosen.reachable) == ("http://192.168.1.20:8501/atscale", True)


def test_on_loopback_the_lan_address_is_used_when_the_server_listens_on_every_interface():
    chosen = address(server_address="0.0.0.0")
    assert (chosen.base_url, chosen.reachable) == ("http://192.168.1.20:8501", True)
    assert "local network" in chosen.how
    assert address(server_address="", lan_address="fd00::5").base_url == "http://[fd00::5]:8501"
    assert address(server_address="10.0.0.7", page_url="http://localhost:9000/forum_facilitator").base_url == (
        "http://10.0.0.7:8501")


def test_a_server_on_loopback_only_is_flagged_as_out_of_reach():
    chosen = address(server_address="127.0.0.1")
    assert (chosen.base_url, chosen.reachable) == ("http://127.0.0.1:8501", False)
    assert not address(server_address="0.0.0.0", lan_address=None).reachable
    assert SERVE_ON_NETWORK == "streamlit run app.py --server.address 0.0.0.0"


def test_links_carry_the_token_and_nothing_else():
    assert build_table_link("http://192.168.1.20:8501", TOKEN) == f"http://192.168.1.20:8501/forum_table?table={TOKEN}"
    assert build_plenary_link("https://x.org/a/", TOKEN) == f"https://x.org/a/forum_plenary?plenary={TOKEN}"


def test_the_lan_address_is_an_address_or_none():
    found = read_lan_address()
    assert found is None or (found.count(".") == 3 and not found.startswith("127."))


def test_the_qr_code_reads_back_as_the_link():
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp (requirements.txt) decodes the QR codes")
    link = build_table_link("http://192.168.1.20:8501", TOKEN)
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(build_qr_png(link))))
    assert [code.text for code in decoded] == [link]

"""The addresses tables open: the dashboard's address as seen from the room, the table and plenary links, and
their QR codes (segno).

The address is, in order: ATSCALE_PUBLIC_URL (e.g. behind a reverse proxy); the address the facilitator's own
browser used, when that is not this computer's loopback; this computer's address on the local network, when the
server listens on all interfaces; else the loopback address, flagged as unreachable from the room.
"""
import io
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

PUBLIC_URL_SETTING = "ATSCALE_PUBLIC_URL"
TABLE_PAGE = "forum_table"
PLENARY_PAGE = "forum_plenary"
PRESENTER_PAGE = "presenter"
TABLE_PARAM = "table"
PLENARY_PARAM = "plenary"
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
ALL_INTERFACES = {"", "0.0.0.0", "::", "[::]"}
SERVE_ON_NETWORK = "streamlit run app.py --server.address 0.0.0.0"


@dataclass(frozen=True)
class PublicAddress:
    """The dashboard's base address for links (no trailing slash), whether tables can reach it, and why."""

    base_url: str
    reachable: bool
    how: str


def _is_loopback(host: str | None) -> bool:
    if not host:
        return True
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _host_for_url(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _folder(path: str) -> str:
    """'/atscale/forum_facilitator' -> '/atscale': the app's own path, where every page sits side by side."""
    return path.rsplit("/", 1)[0] if "/" in path else ""


def compute_public_address(*, override: str | None, page_url: str | None, server_address: str | None,
                           server_port: int, lan_address: str | None) -> PublicAddress:
    """Where tables can open the dashboard; see the module docstring for the order."""
    override = (override or "").strip()
    if override:
        parts = urlsplit(override)
        if parts.scheme in ("http", "https") and parts.netloc:
            return PublicAddress(override.rstrip("/"), True, f"set by {PUBLIC_URL_SETTING}")
    page = urlsplit(page_url or "")
    folder = _folder(page.path)
    if page.hostname and not _is_loopback(page.hostname):
        return PublicAddress(urlunsplit((page.scheme or "http", page.netloc, folder, "", "")), True,
                             "the address this browser used")
    listening = (server_address or "").strip()
    if listening in ALL_INTERFACES and lan_address:
        return PublicAddress(f"http://{_host_for_url(lan_address)}:{server_port}{folder}", True,
                             "this computer's address on the local network")
    if listening not in ALL_INTERFACES and not _is_loopback(listening):
        return PublicAddress(f"http://{_host_for_url(listening)}:{server_port}{folder}", True,
                             "the address the server listens on")
    port = page.port or server_port
    return PublicAddress(f"http://127.0.0.1:{port}{folder}", False,
                         "this computer only: the server listens on its loopback address")


def read_lan_address() -> str | None:
    """This computer's address on the local network (the one its default route uses), or None when offline.

    Connecting a UDP socket sends nothing; it only makes the system choose the outgoing interface.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 9))
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if _is_loopback(address) or address == "0.0.0.0" else address


def build_page_link(base_url: str, page: str, **params: str) -> str:
    """base_url + '/<page>?<params>'."""
    return f"{base_url.rstrip('/')}/{page}" + (f"?{urlencode(params)}" if params else "")


def build_table_link(base_url: str, token: str) -> str:
    return build_page_link(base_url, TABLE_PAGE, **{TABLE_PARAM: token})


def build_plenary_link(base_url: str, token: str) -> str:
    return build_page_link(base_url, PLENARY_PAGE, **{PLENARY_PARAM: token})


def build_qr_png(link: str, *, scale: int = 8) -> bytes:
    """The link as a QR code (PNG, medium error correction, the standard 4-module quiet zone)."""
    import segno  # imported when a QR code is first drawn, not at every start

    buffer = io.BytesIO()
    segno.make(link, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()

"""Plotly figures as PNG images, drawn by kaleido in the local Chromium (nothing is fetched from the internet).

Starting Chromium takes seconds; drawing a figure in an open one about 0.3 s. So one shared browser is
kept open between requests and closed after IDLE_SECONDS without use (and when Python exits).
"""
import asyncio
import atexit
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import TimeoutError as FutureTimeoutError
from pathlib import Path
from typing import Self

import plotly.graph_objects as go

from indicators.errors import AtscaleError

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
PRINT_WIDTH_PX = 700  # at 180 mm across an A4 page, 16 px chart text prints at about 12 point
DOWNLOAD_WIDTH_PX = 1000
DEFAULT_HEIGHT_PX = 450
PNG_SCALE = 2
START_TIMEOUT_SECONDS = 60
RENDER_TIMEOUT_SECONDS = 60
IDLE_SECONDS = 600
_LOGGER = logging.getLogger(__name__)


class ChartImageUnavailable(AtscaleError):
    """Charts cannot be drawn as images here; the message says why in plain words."""


def find_browser() -> str | None:
    """The Chromium or Chrome to draw with: BROWSER_PATH when set, else the first one on the PATH."""
    named = os.environ.get("BROWSER_PATH")
    if named:
        return named if Path(named).is_file() else None
    return next((found for name in BROWSER_NAMES if (found := shutil.which(name))), None)


class ChartRenderer:
    """One headless Chromium, opened on first use, that draws plotly figures as PNG bytes.

    Thread-safe: the browser runs on its own event-loop thread; requests from any thread queue for it.
    """

    def __init__(self, *, browser_path: str | None = None, timeout_seconds: float = RENDER_TIMEOUT_SECONDS):
        self._browser_path = browser_path
        self._timeout = timeout_seconds
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None
        self._busy = 0
        self._last_used = time.monotonic()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    @property
    def is_open(self) -> bool:
        return self._kaleido is not None

    def start(self) -> None:
        """Open the browser (nothing to do when it is open). Raises ChartImageUnavailable."""
        with self._lock:
            self._start_locked()

    def _start_locked(self) -> None:
        if self._kaleido is not None:
            return
        path = self._browser_path or find_browser()
        # The messages show on a public page: they name the setting, never a server path (that goes to the log).
        if path is None:
            named = os.environ.get("BROWSER_PATH")
            if named:
                _LOGGER.warning("BROWSER_PATH names %s, which does not exist", named)
            raise ChartImageUnavailable(
                "the browser named in BROWSER_PATH does not exist" if named else
                "no Chromium browser is installed on this computer (on Debian: apt-get install chromium)")
        if not Path(path).is_file():
            _LOGGER.warning("There is no browser at %s", path)
            raise ChartImageUnavailable("the browser it was given does not exist")
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="atscale-chart-images", daemon=True)
        thread.start()
        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(self._open(path), loop).result(START_TIMEOUT_SECONDS)
        except (Exception, FutureTimeoutError) as error:
            _stop_loop(loop, thread)
            _LOGGER.warning("The browser that draws charts did not start: %s", _first_line(error))
            raise ChartImageUnavailable(
                f"the browser that draws charts did not start ({type(error).__name__})") from error
        self._loop, self._thread = loop, thread

    async def _open(self, path: str):
        import kaleido  # imported here: importing it is slow, and most page reruns never draw an image

        # mathjax=False, else kaleido loads MathJax from a CDN; plotly.js comes from the installed plotly package.
        browser = kaleido.Kaleido(n=1, timeout=self._timeout, mathjax=False, path=path)
        await browser.open()
        return browser

    def render_png(self, figure: go.Figure, *, width: int = PRINT_WIDTH_PX, height: int | None = None,
                   scale: float = PNG_SCALE) -> bytes:
        """The figure as PNG bytes: width x height layout pixels, times scale. Raises ChartImageUnavailable."""
        spec = figure.to_dict()
        height = int(height or spec.get("layout", {}).get("height") or DEFAULT_HEIGHT_PX)
        options = {"format": "png", "width": int(width), "height": height, "scale": scale}
        with self._lock:
            self._start_locked()
            loop, browser = self._loop, self._kaleido
            self._busy += 1
        try:
            return asyncio.run_coroutine_threadsafe(browser.calc_fig(spec, opts=options), loop).result(
                self._timeout + 5)
        except (Exception, FutureTimeoutError) as error:
            self.close()  # a browser that failed once is not trusted again: the next request opens a new one
            _LOGGER.warning("A chart could not be drawn: %s", _first_line(error))
            raise ChartImageUnavailable(f"the chart could not be drawn ({type(error).__name__})") from error
        finally:
            with self._lock:
                self._busy -= 1
                self._last_used = time.monotonic()

    def close(self, *, only_if_idle_for: float | None = None) -> None:
        """Close the browser; with only_if_idle_for, only when nothing was drawn for that many seconds."""
        with self._lock:
            if only_if_idle_for is not None and (
                    self._busy or time.monotonic() - self._last_used < only_if_idle_for):
                return
            loop, thread, browser = self._loop, self._thread, self._kaleido
            self._loop = self._thread = self._kaleido = None
        if loop is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(browser.close(), loop).result(START_TIMEOUT_SECONDS)
        except (Exception, FutureTimeoutError):  # best effort: the process is ending or the browser has gone
            _LOGGER.warning("The browser that draws charts did not close cleanly.", exc_info=True)
        _stop_loop(loop, thread)


def _stop_loop(loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    if not thread.is_alive():
        loop.close()


def _first_line(error: BaseException, limit: int = 160) -> str:
    lines = str(error).strip().splitlines()
    line = lines[0] if lines else type(error).__name__
    return line if len(line) <= limit else line[:limit - 1] + "…"


_shared: ChartRenderer | None = None
_shared_lock = threading.Lock()
_idle_timer: threading.Timer | None = None


def get_shared_renderer() -> ChartRenderer:
    """The process-wide renderer: every session's downloads and briefing packs share one browser."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ChartRenderer()
            atexit.register(_shared.close)
        return _shared


def _close_when_idle() -> None:
    global _idle_timer
    renderer = get_shared_renderer()
    renderer.close(only_if_idle_for=IDLE_SECONDS)
    with _shared_lock:
        _idle_timer = None
    if renderer.is_open:
        _keep_warm()


def _keep_warm() -> None:
    """Close the shared browser once it has been idle for IDLE_SECONDS (one timer at a time)."""
    global _idle_timer
    with _shared_lock:
        if _idle_timer is None:
            _idle_timer = threading.Timer(IDLE_SECONDS, _close_when_idle)
            _idle_timer.daemon = True
            _idle_timer.start()


def render_png(figure: go.Figure, *, width: int = DOWNLOAD_WIDTH_PX, height: int | None = None,
               scale: float = PNG_SCALE) -> bytes:
    """One figure as PNG bytes, drawn by the shared browser. Raises ChartImageUnavailable."""
    try:
        return get_shared_renderer().render_png(figure, width=width, height=height, scale=scale)
    finally:
        _keep_warm()


def render_pngs(figures: Mapping[str, go.Figure], *, widths: Mapping[str, int] | None = None,
                on_progress: Callable[[int, int], None] | None = None,
                renderer: ChartRenderer | None = None) -> tuple[dict[str, bytes], str | None]:
    """Many figures as PNG bytes by key, and why the rest could not be drawn (None when all were).

    widths: layout width in pixels by key (default PRINT_WIDTH_PX). Stops at the first failure: when one
    chart fails, the browser is missing or broken for all. on_progress(done, total) is called after each
    figure. renderer: default the shared one.
    """
    images: dict[str, bytes] = {}
    for done, (key, figure) in enumerate(figures.items(), start=1):
        width = (widths or {}).get(key, PRINT_WIDTH_PX)
        try:
            images[key] = (renderer.render_png(figure, width=width) if renderer is not None
                           else render_png(figure, width=width))
        except ChartImageUnavailable as problem:
            return images, str(problem)
        if on_progress is not None:
            on_progress(done, len(figures))
    return images, None

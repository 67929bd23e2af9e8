"""write_pdf: one HTML document → one PDF file, with WeasyPrint, written atomically.

Security: the only resources a document may load are files under our own
styles/ folder and data: URLs. Any other fetch (network, a local file outside
styles/, a symlink leaving it, an attachment link) is refused and makes the
build fail with RENDER_FORBIDDEN_FETCH; nothing is ever fetched from the
network.

WeasyPrint 70 notes (read from its source):
- A URL fetcher must be a `weasyprint.urls.URLFetcher` (a plain function no
  longer works: WeasyPrint reads `url_fetcher._fail_on_errors` and requires a
  `URLFetcherResponse`). `StylesFetcher` below wraps `url_fetcher`.
- Exceptions raised by a fetcher are swallowed and logged (the resource is just
  skipped) unless the fetcher has `fail_on_errors=True`; then WeasyPrint raises
  `FatalURLFetchingError` (a BaseException) chained to the original error.
  SVG drawing catches even BaseException, so the fetcher also records every
  refusal and we check that record after rendering and after writing.
- `<link rel="attachment">` and `<a rel="attachment">` ARE fetched (at PDF
  writing time, through the fetcher) and embedded as PDF file attachments.
- Font subsetting uses HarfBuzz when libharfbuzz-subset could be loaded and
  HarfBuzz is >= 4.1.0; otherwise fontTools, with a warning
  (weasyprint/pdf/fonts.py, Font.subset).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import mimetypes
import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from budget_author import catalogue, paths
from budget_author.catalogue import CATALOGUE
from budget_author.fileio import atomic_write

# User-facing messages live in the catalogue, with every other problem code.
MESSAGES: dict[str, str] = {code: CATALOGUE[code].message for code in CATALOGUE if code.startswith("RENDER_")}

REQUIRED_FAMILIES: tuple[str, ...] = ("Noto Serif CJK SC", "Noto Sans CJK SC")
FC_LIST_TIMEOUT_SECONDS = 20
_WEASYPRINT_LOGGER = "weasyprint"
_PROGRESS_LOGGER = "weasyprint.progress"


class RenderError(Exception):
    """A rendering failure with a catalogue code and message parameters."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(catalogue.message(code, params))


@dataclass
class PdfResult:
    path: Path
    pages: int
    seconds: float
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- fonts


def _families_from_fc_list() -> set[str] | None:
    """Families of every font fontconfig says covers Chinese; None if fc-list can't run."""
    try:
        completed = subprocess.run(
            ["fc-list", ":lang=zh", "family"],
            capture_output=True, text=True, timeout=FC_LIST_TIMEOUT_SECONDS, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if completed.returncode != 0:
        return None
    families: set[str] = set()
    for line in completed.stdout.splitlines():
        families.update(name.strip() for name in line.split(",") if name.strip())
    return families


def _families_from_fontconfig_library() -> set[str]:
    """Fallback without the fc-list program: ask libfontconfig (through WeasyPrint) for the Noto families."""
    from weasyprint.text.ffi import ffi, fontconfig

    families: set[str] = set()
    config = fontconfig.FcInitLoadConfigAndFonts()
    try:
        font_set = fontconfig.FcConfigGetFonts(config, fontconfig.FcSetSystem)
        if font_set == ffi.NULL:
            return families
        value = ffi.new("FcChar8 **")
        for i in range(font_set.nfont):
            n = 0
            while fontconfig.FcPatternGetString(font_set.fonts[i], b"family", n, value) == fontconfig.FcResultMatch:
                families.add(ffi.string(value[0]).decode("utf-8", "replace"))
                n += 1
    finally:
        fontconfig.FcConfigDestroy(config)
    return families & set(REQUIRED_FAMILIES)


@functools.cache
def _chinese_font_families() -> frozenset[str]:
    """Cached per process: fontconfig's answer does not change during a build."""
    families = _families_from_fc_list()
    if families is None:
        families = _families_from_fontconfig_library()
    return frozenset(families)


def check_fonts() -> None:
    """Raise RENDER_NO_CJK_FONT unless a Chinese font is installed.

    Noto Serif CJK SC and Noto Sans CJK SC are what print.css asks for; any
    other font fontconfig lists for lang=zh is accepted as an equivalent (it is
    what fontconfig will substitute), so in effect: at least one such font.
    """
    families = _chinese_font_families()
    if not families:
        raise RenderError("RENDER_NO_CJK_FONT")


# ---------------------------------------------------------------- fetching


def styles_dir() -> Path:
    """Our styles/ folder, symlinks resolved (looked up on each call, so tests can repoint it)."""
    return Path(os.path.realpath(paths.resource_dir("styles")))


def styles_base_url() -> str:
    """file:// URL of the styles folder, with a trailing slash, so href="print.css" lands inside it."""
    from weasyprint.urls import path2url

    url = path2url(str(styles_dir()))
    return url if url.endswith("/") else url + "/"


def _fetch_data_url(url: str) -> dict:
    response = urllib.request.DataHandler().data_open(urllib.request.Request(url))
    try:
        body = response.read()
        message = response.info()
    finally:
        response.close()
    return {
        "string": body,
        "mime_type": message.get_content_type(),
        "encoding": message.get_param("charset"),
        "redirected_url": url,
    }


def _allowed_style_path(url: str) -> Path | None:
    """The real path of a file:// URL if it lies inside styles/, else None."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return None
    try:
        real = Path(os.path.realpath(urllib.request.url2pathname(unquote(parts.path))))
    except (ValueError, OSError):
        return None
    if not real.is_relative_to(styles_dir()):
        return None
    return real


def url_fetcher(url: str, timeout: float = 10, ssl_context: object = None) -> dict:
    """Serve files under styles/ and data: URLs; refuse everything else with RENDER_FORBIDDEN_FETCH.

    Returns WeasyPrint's classic fetcher dict (string, mime_type, encoding,
    redirected_url, filename). `timeout` and `ssl_context` are accepted for
    signature compatibility and unused: nothing goes to the network.
    """
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "data":
        return _fetch_data_url(url)
    if scheme == "file":
        real = _allowed_style_path(url)
        if real is not None:
            # Open the resolved path, not the URL's, so a symlink swapped in meanwhile can't redirect us.
            body = real.read_bytes()
            return {
                "string": body,
                "mime_type": mimetypes.guess_type(real.name)[0] or "application/octet-stream",
                "encoding": None,
                "redirected_url": real.as_uri(),
                "filename": real.name,
            }
    raise RenderError("RENDER_FORBIDDEN_FETCH", url=url)


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StylesFetcher(URLFetcher):
        """WeasyPrint 70 fetcher around `url_fetcher`; every error is fatal, every refusal recorded."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, fail_on_errors=True)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            try:
                result = url_fetcher(url)
            except RenderError:
                self.refused.append(url)
                raise
            response_headers = {"Content-Type": result["mime_type"]}
            if result.get("encoding"):
                response_headers["Content-Type"] += f"; charset={result['encoding']}"
            return URLFetcherResponse(result["redirected_url"], result["string"], response_headers)

    return StylesFetcher


def make_fetcher():
    """A fresh fetcher for one render (it records that render's refused URLs)."""
    return _fetcher_class()()


# ---------------------------------------------------------------- rendering


def uses_harfbuzz_subsetter() -> bool:
    """Whether WeasyPrint subsets fonts with HarfBuzz (True) or falls back to fontTools.

    Mirrors weasyprint/pdf/fonts.py Font.subset in WeasyPrint 70:
    libharfbuzz-subset loaded and HarfBuzz >= 4.1.0.
    """
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == _PROGRESS_LOGGER or record.name.startswith(_PROGRESS_LOGGER + "."):
            return
        try:
            self.messages.append(record.getMessage())
        except Exception:  # a malformed log call must not break the build
            self.messages.append(str(record.msg))


@contextlib.contextmanager
def capture_weasyprint_warnings() -> Iterator[list[str]]:
    """Collect WeasyPrint's WARNING+ records into a list, and keep them off stderr meanwhile."""
    logger = logging.getLogger(_WEASYPRINT_LOGGER)
    handler = _ListHandler()
    saved_level, saved_propagate = logger.level, logger.propagate
    if logger.getEffectiveLevel() > logging.WARNING:
        logger.setLevel(logging.WARNING)
    logger.propagate = False
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved_level)
        logger.propagate = saved_propagate


def _memory_exhausted(error: BaseException) -> bool:
    """A MemoryError, or an error caused by one (C code under the address-space bound fails this way)."""
    seen = 0
    while error is not None and seen < 20:
        if isinstance(error, (MemoryError, SystemError)):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


@contextlib.contextmanager
def _render_errors(fetcher, *, passthrough: tuple[type[BaseException], ...] = ()) -> Iterator[None]:
    """Turn WeasyPrint failures and refused fetches into RenderError.

    Running out of memory stays a MemoryError (the worker reports RENDER_MEMORY, and WeasyPrint or
    cffi may wrap it); `passthrough` errors are re-raised as they are (an OSError while writing the
    file: a full disk is an output error, exit 3, not a rendering failure)."""
    from weasyprint.urls import FatalURLFetchingError

    try:
        yield
    except RenderError:
        raise
    except passthrough:
        raise
    except (Exception, FatalURLFetchingError) as error:
        if _memory_exhausted(error):
            raise MemoryError from error
        if isinstance(error, FatalURLFetchingError):
            if fetcher.refused:
                raise RenderError("RENDER_FORBIDDEN_FETCH", url=fetcher.refused[0]) from error
            error = error.__cause__ or error
        raise RenderError("RENDER_FAILED", reason=f"{type(error).__name__}: {error}") from error
    # Some WeasyPrint code paths (SVG drawing) swallow even fatal fetch errors.
    if fetcher.refused:
        raise RenderError("RENDER_FORBIDDEN_FETCH", url=fetcher.refused[0])


@functools.lru_cache(maxsize=1)
def font_configuration():
    """One FontConfiguration per process, kept across documents: Pango's font map and its caches stay
    warm, so a warm worker lays out a document 15–20 % faster. It holds no document state (our styles
    have no @font-face)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_document(html: str, *, base_url: str | None = None, fetcher=None):
    """Lay out `html` (no PDF yet) and return the weasyprint Document."""
    from weasyprint import HTML

    fetcher = fetcher if fetcher is not None else make_fetcher()
    with _render_errors(fetcher):
        return HTML(string=html, base_url=base_url or styles_base_url(), url_fetcher=fetcher).render(
            font_config=font_configuration())


def write_pdf(html: str, target: Path, *, title: str, author: str, base_url: str | None = None,
              atomic: bool = True) -> PdfResult:
    """Render `html` and write the PDF to `target`; WeasyPrint's warnings are returned, not printed.
    atomic=True writes a temporary file and renames it onto `target`; atomic=False writes `target`
    itself (a temporary file the caller renames: the render worker). An OSError while writing (a full
    disk) is raised as it is. The cyclic garbage collector is paused meanwhile (cyclic_gc_paused)."""
    check_fonts()
    started = time.perf_counter()
    fetcher = make_fetcher()
    with cyclic_gc_paused(), capture_weasyprint_warnings() as warnings:
        document = render_document(html, base_url=base_url, fetcher=fetcher)
        document.metadata.title = title
        document.metadata.authors = [author]

        def write(tmp_path: str) -> None:
            # Attachments and SVG images are fetched while writing: refusals here
            # must abort before the temporary file replaces the target.
            with _render_errors(fetcher, passthrough=(OSError,)):
                document.write_pdf(tmp_path)

        if atomic:
            path = atomic_write(Path(target), write)
        else:
            write(str(target))
            path = Path(target)
        pages = len(document.pages)
        del document  # its boxes are cyclic garbage, collected once when the pause ends
    return PdfResult(path=path, pages=pages, seconds=time.perf_counter() - started, warnings=list(warnings))


@contextlib.contextmanager
def cyclic_gc_paused():
    """Layout allocates millions of small objects, and each young-generation collection walks them again:
    pausing the cyclic collector during layout and writing saves 11–28 % of it (benchmarks/README.md,
    "The garbage collector"). The garbage is collected once at the end (about 0.04 s for a 30-page
    document); peak memory grows by 3–11 MB."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect()

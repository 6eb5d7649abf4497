"""PDF pages as JPEG images that read on a phone without pinch-zooming.

Poppler's `pdftoppm` and `pdfinfo` (Debian's poppler-utils) do the work, each in its own
process under `prlimit`: a PDF from the outside is untrusted input, and a crafted one (a
decompression bomb in a content stream, a page a kilometre wide, a parser bug) can then only
exhaust or crash that child, within a memory cap, a CPU-time cap and a wall-clock timeout,
never the worker that sends the association's mail. PDFium through pypdfium2 renders as well
and faster, but inside the worker's own process, where a crash takes the worker's other jobs
down with it and is retried by the broker; poppler also gets its security fixes from the
distribution with the rest of the image.
"""

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

# A phone shows about 400 CSS pixels across at 3 device pixels each: 1240 pixels is A4 at
# 150 dpi, sharp on a phone and readable when the page is zoomed on a tablet.
PAGE_WIDTH = 1240
JPEG_QUALITY = 80
MEMORY_BYTES = 1024 * 1024 * 1024
CPU_SECONDS = 120
WALL_SECONDS = 180


class PageRenderError(Exception):
    """The PDF could not be read or rendered (broken, encrypted, or over the limits)."""


@dataclass(frozen=True)
class PageImage:
    number: int
    path: Path


@dataclass(frozen=True)
class RenderedPdf:
    page_count: int  # pages in the PDF; images are made for the first ones only
    images: list[PageImage]


def _run(command: list[str], *, cpu_seconds: int = CPU_SECONDS) -> str:
    limited = ["prlimit", f"--as={MEMORY_BYTES}", f"--cpu={cpu_seconds}", "--", *command]
    try:
        result = subprocess.run(
            limited,
            capture_output=True,
            timeout=WALL_SECONDS,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as error:
        raise PageRenderError(f"{command[0]} took longer than {WALL_SECONDS} s") from error
    if result.returncode != 0:
        # stderr names the problem ("Incorrect password", "Couldn't find trailer"), never
        # anything personal: the PDF is the association's own public document.
        reason = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise PageRenderError(f"{command[0]} exited {result.returncode}: {reason[0][:200]}")
    return result.stdout.decode("utf-8", "replace")


def pdf_page_count(*, pdf: Path) -> int:
    """The number of pages `pdfinfo` finds; PageRenderError if it cannot read the file."""
    output = _run(["pdfinfo", str(pdf)], cpu_seconds=30)
    match = re.search(r"^Pages:\s+(\d+)", output, re.MULTILINE)
    if match is None:
        raise PageRenderError("pdfinfo found no page count")
    return int(match.group(1))


def pdf_pages_render(*, pdf: Path, out_dir: Path, max_pages: int) -> RenderedPdf:
    """Render the first `max_pages` pages as JPEG files in `out_dir`, in page order."""
    count = pdf_page_count(pdf=pdf)
    if count < 1:
        raise PageRenderError("the PDF has no pages")
    last = min(count, max_pages)
    _run(
        [
            "pdftoppm", "-jpeg", "-jpegopt", f"quality={JPEG_QUALITY},progressive=y",
            "-scale-to-x", str(PAGE_WIDTH), "-scale-to-y", "-1",
            "-f", "1", "-l", str(last), str(pdf), str(out_dir / "page"),
        ]
    )  # fmt: skip
    # pdftoppm pads the number to the width of the last page's: page-1.jpg or page-01.jpg.
    images = []
    for path in out_dir.glob("page-*.jpg"):
        images.append(PageImage(number=int(path.stem.rsplit("-", 1)[1]), path=path))
    images.sort(key=lambda image: image.number)
    if [image.number for image in images] != list(range(1, last + 1)):
        raise PageRenderError("pdftoppm did not write every page")
    return RenderedPdf(page_count=count, images=images)

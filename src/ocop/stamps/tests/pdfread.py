"""A minimal reader for the label-sheet PDFs of `stamps.printing` (tests only): splits the objects,
inflates page streams, rebuilds QR module matrices from the drawn rectangles and rasterises a page
with Pillow so it can be looked at."""

from __future__ import annotations

import re
import zlib

from PIL import Image, ImageDraw

STREAM = re.compile(rb"stream\n(.*?)\nendstream", re.S)
QR_BLOCK = re.compile(r"q ([\d.]+) 0 0 (-[\d.]+) ([\d.]+) ([\d.]+) cm\n(.*?)\nf Q", re.S)
TEXT = re.compile(r"BT /F(\d) ([\d.]+) Tf ([\d.]+) ([\d.]+) Td \((.*?)\) Tj ET")
RECT = re.compile(r"(\d+) (\d+) (\d+) 1 re")


def page_streams(pdf: bytes) -> list[str]:
    return [zlib.decompress(m.group(1)).decode("ascii") for m in STREAM.finditer(pdf)]


def qr_blocks(content: str) -> list[tuple[float, float, float, list[bytes]]]:
    """(scale, x, y_top, matrix) of each QR drawn in a page's content."""
    found = []
    for m in QR_BLOCK.finditer(content):
        scale, x, y_top = float(m.group(1)), float(m.group(3)), float(m.group(4))
        rects = [tuple(map(int, r)) for r in RECT.findall(m.group(5))]
        size = max(col + width for col, _, width in rects)
        size = max(size, max(row for _, row, _ in rects) + 1)
        grid = [bytearray(size) for _ in range(size)]
        for col, row, width in rects:
            for c in range(col, col + width):
                grid[row][c] = 1
        found.append((scale, x, y_top, [bytes(r) for r in grid]))
    return found


def texts(content: str) -> list[str]:
    return [m.group(5) for m in TEXT.finditer(content)]


def render(content: str, *, dpi: int = 100, page=(595.28, 841.89)) -> Image.Image:
    k = dpi / 72
    img = Image.new("L", (int(page[0] * k), int(page[1] * k)), 255)
    draw = ImageDraw.Draw(img)
    for scale, x, y_top, matrix in qr_blocks(content):
        for r, row in enumerate(matrix):
            for c, dark in enumerate(row):
                if dark:
                    x0, y0 = (x + c * scale) * k, (page[1] - y_top + r * scale) * k
                    draw.rectangle([x0, y0, x0 + scale * k, y0 + scale * k], fill=0)
    for m in TEXT.finditer(content):
        x, y = float(m.group(3)) * k, (page[1] - float(m.group(4))) * k
        draw.text((x, y - 8), m.group(5), fill=0)
    return img

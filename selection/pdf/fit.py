"""Shrink-to-fit for fixed-size cells: WeasyPrint has no auto-fit, so font sizes are chosen here.

Official forms have fixed row heights; long text must get a smaller font instead of a taller row. We
simulate line breaking with a deliberately pessimistic width model (every CJK glyph 1 em, every other
character 0.6 em, wider capitals) and keep a margin, so the real layout always needs fewer lines than
we counted. Getting it slightly too small is harmless; too big would clip text or push a page.
"""

import math
import re
from dataclasses import dataclass

PT_TO_MM = 25.4 / 72

# Opening brackets stick to what follows, closing punctuation to what precedes (kinsoku), so a line
# break may move them together with a neighbour: treat each such group as one unbreakable token.
_OPENING = "（「『《〈【〔“‘([{"
_CLOSING = "，。、；：！？）」』》〉】〕”’,.;:!?)]}％%·…—"
_TOKEN = re.compile(
    rf"[{re.escape(_OPENING)}]*"  # leading openers
    r"(?:[\x21-\x7e]+|\s+|.)"  # an ASCII word, a run of blanks, or one other (CJK) character
    rf"[{re.escape(_CLOSING)}]*"  # trailing closers
)

# Fraction of the box we allow ourselves to fill: covers fallback-font metrics and rounding.
_WIDTH_SAFETY = 0.96
_HEIGHT_SAFETY = 0.94


def char_width_em(char: str) -> float:
    """Pessimistic advance width of one character, in em."""
    if char in "\t\n\r":
        return 0.0
    if char.isascii():
        if char.isupper() or char in "@%&#":
            return 0.8
        return 0.6
    return 1.0


def text_width_em(text: str) -> float:
    return sum(char_width_em(c) for c in text)


def wrapped_line_count(text: str, width_em: float) -> int:
    """How many lines `text` needs in a box `width_em` wide, breaking like a browser would (at worst)."""
    if width_em <= 0:
        return 10**6
    lines, used = 1, 0.0
    for token in _TOKEN.findall(text):
        w = text_width_em(token)
        if token.isspace():
            # Blanks at a line end vanish; they never force a break.
            used += w
            continue
        if used + w <= width_em:
            used += w
            continue
        if used > 0:
            lines += 1
            used = 0.0
        if w > width_em:
            # `overflow-wrap: anywhere` splits an over-long word; assume the worst split.
            extra = math.ceil(w / width_em) - 1
            lines += extra
            w -= extra * width_em
        used = w
    return lines


@dataclass(frozen=True)
class Fitted:
    """Lines of text and the font size (pt) at which they fit their cell."""

    lines: tuple[str, ...]
    size: float
    line_height: float
    height_mm: float

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def style(self) -> str:
        """Inline CSS for the cell's inner box; built here so numbers never pass through template l10n."""
        return f"font-size: {self.size:g}pt; line-height: {self.line_height:g}; max-height: {self.height_mm:.2f}mm"


def fit_lines(
    lines: list[str] | tuple[str, ...],
    *,
    width_mm: float,
    height_mm: float,
    max_pt: float = 12.0,
    min_pt: float = 5.0,
    line_height: float = 1.2,
    hanging_em: float = 0.0,
    unwrapped_min_pt: float | None = None,
) -> Fitted:
    """The largest font size (0.25 pt steps) at which `lines` fit a `width_mm` × `height_mm` box.

    `hanging_em` reserves a left column (the 简历 dates): text wraps in what is left of the width.
    With `unwrapped_min_pt`, keeping every line on one line wins over wrapping at a larger size, as
    long as the font stays at least that big (a school name reads better whole than broken).
    Falls back to `min_pt` when nothing fits; the template clips the overflow rather than grow the row.
    """
    lines = tuple(lines)
    size = _largest(lines, width_mm, height_mm, line_height, hanging_em, max_pt, min_pt, wrap=True)
    if unwrapped_min_pt is not None:
        whole = _largest(lines, width_mm, height_mm, line_height, hanging_em, max_pt, min_pt, wrap=False)
        if whole >= unwrapped_min_pt:
            size = whole
    return Fitted(lines=lines, size=size, line_height=line_height, height_mm=height_mm)


def _largest(
    lines: tuple[str, ...],
    width_mm: float,
    height_mm: float,
    line_height: float,
    hanging: float,
    max_pt: float,
    min_pt: float,
    *,
    wrap: bool,
) -> float:
    size = max_pt
    while size > min_pt and not _fits(lines, size, width_mm, height_mm, line_height, hanging, wrap=wrap):
        size -= 0.25
    return max(size, min_pt)


def _fits(
    lines: tuple[str, ...],
    size: float,
    width_mm: float,
    height_mm: float,
    line_height: float,
    hanging: float,
    *,
    wrap: bool = True,
) -> bool:
    em_mm = size * PT_TO_MM
    width_em = width_mm * _WIDTH_SAFETY / em_mm - hanging
    counts = [wrapped_line_count(line, width_em) for line in lines]
    if not wrap and any(count > 1 for count in counts):
        return False
    return sum(counts) * line_height * em_mm <= height_mm * _HEIGHT_SAFETY

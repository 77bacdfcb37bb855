"""Policy text with the declarations' evidence highlighted, safe to put in a page.

Every piece of policy text is escaped first and only then wrapped in <mark>: the text
comes from the site and may carry markup (the hostile sample site's policy does).
Offsets are the declarations' start/end into policies.text; an offset pair that does not
point at its evidence (the text was re-extracted, say) is re-found by searching for the
evidence, and dropped if it cannot be found.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from markupsafe import Markup, escape

CONTEXT_CHARS = 240       # text kept on each side of a highlight in a long paragraph
FULL_TEXT_LIMIT = 150_000  # characters of the full text shown on a page


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    anchor: str        # element id of the highlight's first piece ("" for none)
    label: str         # tooltip: category and status, in the report's language
    status: str        # declared | denied


def locate(text: str, start: object, end: object, evidence: object) -> tuple[int, int] | None:
    """Where the evidence stands in the text: the stored offsets if they match, else a search."""
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
        if not isinstance(evidence, str) or not evidence or text[start:end] == evidence:
            return start, end
    if isinstance(evidence, str) and evidence.strip():
        found = text.find(evidence)
        if found >= 0:
            return found, found + len(evidence)
    return None


def _segments(length: int, spans: Sequence[Span], lo: int, hi: int) -> list[tuple[int, int, list[Span]]]:
    cuts = {lo, hi}
    for s in spans:
        if s.end > lo and s.start < hi:
            cuts.update((max(s.start, lo), min(s.end, hi)))
    points = sorted(cuts)
    out = []
    for a, b in pairwise(points):
        if b > a:
            out.append((a, b, [s for s in spans if s.start <= a and s.end >= b]))
    return out


def highlight(text: str, spans: Sequence[Span], lo: int = 0, hi: int | None = None,
              anchor_prefix: str = "") -> Markup:
    """text[lo:hi] as escaped HTML with each span wrapped in <mark>; overlapping spans nest as one mark."""
    hi = len(text) if hi is None else min(hi, len(text))
    pieces: list[Markup] = []
    started: set[Span] = set()
    for a, b, active in _segments(len(text), spans, lo, hi):
        chunk = escape(text[a:b])
        if not active:
            pieces.append(chunk)
            continue
        anchors = [s for s in active if s.start == a and s.anchor and s not in started]
        started.update(anchors)
        for s in anchors:
            pieces.append(Markup('<span class="anchor" id="{}"></span>').format(anchor_prefix + s.anchor))
        statuses = {s.status for s in active}
        kind = "both" if len(statuses) > 1 else next(iter(statuses))
        title = "; ".join(dict.fromkeys(s.label for s in active))
        pieces.append(Markup('<mark class="hl hl-{}" title="{}">{}</mark>').format(kind, title, chunk))
    return Markup("").join(pieces)


def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if body.strip():
            out.append((pos, pos + len(body)))
        pos += len(line)
    return out


def _merge(windows: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(windows):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


@dataclass(frozen=True)
class Block:
    html: Markup
    gap_before: bool   # text was left out before this block


def excerpt(text: str, spans: Sequence[Span], context: int = CONTEXT_CHARS) -> list[Block]:
    """The paragraphs holding evidence, each cut to the evidence and some context, highlighted."""
    blocks: list[Block] = []
    last_end = 0
    for line_lo, line_hi in _lines(text):
        inside = [s for s in spans if s.end > line_lo and s.start < line_hi]
        if not inside:
            continue
        windows = _merge((max(line_lo, s.start - context), min(line_hi, s.end + context)) for s in inside)
        parts: list[Markup] = []
        for a, b in windows:
            a, b = _word_edge(text, a, line_lo, back=True), _word_edge(text, b, line_hi, back=False)
            piece = highlight(text, spans, a, b)
            parts.append((Markup("… ") if a > line_lo else Markup("")) + piece +
                         (Markup(" …") if b < line_hi else Markup("")))
        blocks.append(Block(Markup(" ").join(parts), gap_before=bool(text[last_end:line_lo].strip())))
        last_end = line_hi
    return blocks


def _word_edge(text: str, pos: int, limit: int, back: bool) -> int:
    """Move a cut to the nearest space (at most 30 characters) so words stay whole."""
    step = -1 if back else 1
    for i in range(30):
        p = pos + step * i
        if (back and p <= limit) or (not back and p >= limit):
            return limit
        if text[p - 1 if back else p].isspace():
            return p
    return pos

"""Split a policy into sentences and list items, keeping offsets into the original text.

Policies are legal documents pasted from Word or PDF: numbered clauses («2.1)»,
«3.2.1.»), bulleted lists («-», «—», «•», «1)»), headings, and lines broken in
the middle of a sentence. Every `Sentence` keeps `start` and `end` so that
`text[start:end] == sentence.text` and a reader can find the evidence.

`lead_ins()` tells which list items hang under a lead-in ending with a colon
(«Пользователь указывает следующие свои персональные данные:»): the items are
noun phrases whose meaning comes from that lead-in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Sentence", "split_sentences", "lead_ins"]


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int
    kind: str = "sentence"   # "sentence", "clause" (numbered «2.1)»), "item" (bulleted «-», «1)») or "heading"
    marker: str = ""         # the bullet or clause number that opened the block: "-", "1)", "2.1)", "3.2.1."
    block: int = 0           # sentences of one paragraph or list item share a block number


# One marker at the start of a block; "- 1)" and "- *" are two markers in a row.
_MARKER = re.compile(
    r"(?P<clause>\d{1,3}(?:\.\d{1,3})+[.)]?|\d{1,3}[.)])(?=\s)"
    r"|(?P<bullet>[-—–•*·▪●■►✓]|[а-яa-z]\))(?=\s)"
)
_TERMINAL = ".;:!?…"
# A line ending in one of these words is cut mid-sentence (a PDF or Word line break).
_FUNCTION_WORDS = frozenset("""
и или а но в во на с со к ко по о об от до для за из при через без под над что как также либо
свой своя своё свое свои своих своим своей своего свою своими наш наших нашим нашей нашего ваш ваших вашим
вашей вашего этих этой этого этим такие таких такой иных других всех каждого любых следующих следующие
and or the of to in for with by from at on
""".split())

# Abbreviations after which a period does not end a sentence (lower case, without the final period).
_ABBREVIATIONS = frozenset("""
т.е т.д т.п т.к т.н т.ч г гг ул д кв им п пп п.п ст см др пр тел обл р мкр стр корп каб оф тыс млн
руб тг коп рис напр ред вкл искл прим пос просп пр-т б-р e.g i.e etc no vs mr mrs ms dr inc ltd co st
жж ж көш
""".split())
_BOUNDARY = re.compile(r"[.!?…]+[»\"”)]*\s+(?=[«\"“(\[]?[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ0-9])")
_INLINE_ITEM = re.compile(r";\s+(?=\d{1,2}\)\s)")
_WORD_BEFORE = re.compile(r"(\S+)$")


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-blank line, trimmed of surrounding whitespace."""
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        start, end = match.start(), match.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def _strip_markers(text: str, start: int, end: int) -> tuple[int, list[str]]:
    markers = []
    pos = start
    while True:
        match = _MARKER.match(text, pos, end)
        if not match:
            break
        markers.append(match.group(0))
        pos = match.end()
        while pos < end and text[pos].isspace():
            pos += 1
    return pos, markers


def _continues(text: str, prev: tuple[int, int], nxt: tuple[int, int]) -> bool:
    """Whether line `nxt` continues the sentence that line `prev` left unfinished."""
    if text[prev[1] - 1] in _TERMINAL:
        return False
    if _strip_markers(text, *nxt)[1]:
        return False
    first = text[nxt[0]]
    last_word = text[prev[0]:prev[1]].rsplit(None, 1)[-1].lower()
    return first.islower() or last_word in _FUNCTION_WORDS


def _is_abbreviation(chunk: str) -> bool:
    match = _WORD_BEFORE.search(chunk)
    if not match:
        return False
    written = match.group(1).lstrip("(«\"")
    word = written.lower()
    if word in _ABBREVIATIONS:
        return True
    # Initials: «И.И. Иванов», «A. Smith», and a name spelt in initials inside quotes («Б.А.С.Т.А. GROUP»).
    return bool(re.fullmatch(r"(?:[a-zа-яёәғқңөұүһі]\.)*[a-zа-яёәғқңөұүһі]", word)) and written[:1].isupper()


def _split_block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside one block."""
    cuts = [start]
    for regex in (_BOUNDARY, _INLINE_ITEM):
        for match in regex.finditer(text, start, end):
            period = match.start()
            if regex is _BOUNDARY and _is_abbreviation(text[max(start, period - 20):period]):
                continue
            cuts.append(match.end())
    cuts = sorted(set(cuts))
    spans = []
    for i, cut in enumerate(cuts):
        stop = cuts[i + 1] if i + 1 < len(cuts) else end
        s, e = cut, stop
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


def _is_heading(body: str) -> bool:
    """A short line with no closing punctuation: «2. Цели обработки персональной информации»."""
    body = body.strip()
    if not body or body[-1] in _TERMINAL or body[-1] in ",":
        return False
    # A URL, an e-mail, a number or a «Label: value» line is a contact line, not a heading.
    if "://" in body or "@" in body or re.search(r"[.!?]\s|\S:\s+\S|\d{5}|\d[\d\s()-]{8,}", body):
        return False
    return len(body.split()) <= 14 and (body[0].isupper() or body[0] in "«\"")


def split_sentences(text: str) -> list[Sentence]:
    """Sentences and list items of `text`, in order, each with offsets into `text`."""
    lines = _lines(text)
    blocks: list[tuple[int, int]] = []
    for line in lines:
        if blocks and _continues(text, blocks[-1], line):
            blocks[-1] = (blocks[-1][0], line[1])
        else:
            blocks.append(line)

    sentences: list[Sentence] = []
    previous_heading = False
    pending = ""    # a bullet alone on its line («-» in a TSX list), whose text the next line carries
    for number, (b_start, b_end) in enumerate(blocks):
        bare = text[b_start:b_end].strip()
        if _SYMBOL_BULLET.fullmatch(bare):
            pending = bare
            continue
        body_start, markers = _strip_markers(text, b_start, b_end)
        if pending and not markers:
            markers = [pending]
        pending = ""
        if body_start >= b_end:
            continue
        marker = " ".join(markers)
        body = text[body_start:b_end]
        numbered_only = not markers or not _SYMBOL_BULLET.fullmatch(markers[0])
        heading_like = numbered_only and _is_heading(body)
        # Under a heading, unpunctuated lines in a row are its content, as sites lay out a policy in
        # cards or <p>s without full stops («1. Какие данные мы собираем» + «Имя и контактные данные»
        # + «Номер телефона и адрес электронной почты»): only the first of a run is a heading.
        run = heading_like and previous_heading and not markers
        # The run goes on through an unmarked, unpunctuated line that is not a heading itself
        # («Техническая информация: IP-адрес, тип браузера» between two such lines).
        previous_heading = heading_like or (previous_heading and not markers and body[-1:] not in _TERMINAL)
        if heading_like and not run:
            kind = "heading"
        elif _is_bullet(marker):
            kind = "item"
        elif markers:
            kind = "clause"
        else:
            kind = "sentence"
        for s, e in _split_block(text, body_start, b_end):
            sentences.append(Sentence(text[s:e], s, e, kind, marker, number))
    return sentences


def _clause_number(marker: str) -> tuple[int, ...] | None:
    match = re.search(r"(\d{1,3}(?:\.\d{1,3})*)[.)]?$", marker)
    if not match:
        return None
    return tuple(int(p) for p in match.group(1).split("."))


# An unmarked line of at most this many words after a lead-in is one of its items, not a heading.
_SHORT_ITEM_WORDS = 6
# «Аты және байланыс ақпараты (формаларды толтырған кезде)»: a note in brackets at the end of an item says when
# or why; it does not make the item longer.
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")
_SYMBOL_BULLET = re.compile(r"[-—–•*·▪●■►✓]")
_BULLET = re.compile(r"[-—–•*·▪●■►✓]|[а-яa-z]\)|\d{1,2}\)")


def _is_bullet(marker: str) -> bool:
    """A bullet or an «1)» / «а)» item marker, as opposed to a clause number like «2.1)»."""
    return any(_BULLET.fullmatch(part) for part in marker.split())


def lead_ins(sentences: list[Sentence]) -> list[int | None]:
    """For each sentence, the index of the lead-in (a sentence ending with «:») whose list it belongs to, or None.

    The items of a lead-in are the blocks that follow it and are bulleted («-», «•», «1)»),
    numbered one level deeper («3.2.» -> «3.2.1.»), or short unmarked lines; the list ends at
    the first block that is none of these, or at a heading.
    """
    result: list[int | None] = [None] * len(sentences)
    current: int | None = None
    lead_number: tuple[int, ...] | None = None
    lead_block = -1
    prev_block = -1
    block_open = False          # the current item block belongs to the lead-in
    last_item_number: tuple[int, ...] | None = None
    plain_run = False           # the items so far are short unmarked lines (or there are none yet)
    for i, sentence in enumerate(sentences):
        new_block = sentence.block != prev_block
        prev_block = sentence.block
        if new_block:
            block_open = False
            if current is not None and sentence.block != lead_block:
                number = _clause_number(sentence.marker) if not _is_bullet(sentence.marker) else None
                deeper = (number is not None and lead_number is not None and len(number) > len(lead_number)
                          and number[:len(lead_number)] == lead_number)
                bulleted = _is_bullet(sentence.marker)
                short_plain = (not sentence.marker and sentence.kind != "heading" and len(sentence.text) <= 120
                               and sentence.text[-1:] in (";", ",", "") )
                expected = (last_item_number[0] + 1,) if last_item_number else (1,)
                continues_numbering = (sentence.kind == "heading" and bulleted
                                       and _clause_number(sentence.marker) == expected)
                # «Біз сұрай аламыз:» + «Аты-жөні» / «Телефон нөмірі» on lines of their own: a few words
                # without a marker look like headings, but right after a lead-in (or after items of the
                # same kind) they are its list.
                short_line = (not sentence.marker and sentence.kind in ("heading", "sentence")
                              and sentence.text[-1:] not in _TERMINAL
                              and len(_TRAILING_NOTE.sub("", sentence.text).split()) <= _SHORT_ITEM_WORDS
                              and plain_run)
                if sentence.kind == "heading" and not continues_numbering and not short_line:
                    current = None
                elif deeper or bulleted or short_plain or short_line:
                    block_open = True
                    plain_run = short_line or short_plain
                else:
                    current = None
        if current is not None and block_open:
            result[i] = current
            if new_block:
                last_item_number = _clause_number(sentence.marker.split()[-1]) if sentence.marker else None
        if sentence.text.endswith(":") and sentence.kind != "heading" and (
                i + 1 == len(sentences) or sentences[i + 1].block != sentence.block):
            current = i
            lead_number = _clause_number(sentence.marker) if sentence.marker and not _is_bullet(
                sentence.marker) else None
            lead_block = sentence.block
            last_item_number = None
            plain_run = True
    return result

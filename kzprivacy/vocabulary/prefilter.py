"""Whether a regular expression can match a text at all, told by the strings every match of it contains.

The policy patterns are alternations of words («за\\s+исключением|\\bкроме|…») that Python's re tries
at every position of a text, so each costs its text's length whatever it finds; most find nothing in
most sentences. Every match of such a pattern contains one of a few plain strings, its literals
(«исключением», «кроме», …): a text that contains none of them cannot match, and looking for them
(`in`, which runs in C) costs a fraction of the scan.
The literals are read from re's own parse of each pattern, so the patterns in
kzprivacy.vocabulary.taxonomy stay written once.

Where it can, a pattern is not even scanned when it may match: when every match of it starts with one
of a few strings («тоо», «ао», «llp», …), re tries it only where those occur (found with str.find) and
finds the same matches as its own scan, without trying it at every other position.

The test is on the lower-cased text, which is sound for case-insensitive patterns too as long as
lower-casing is plain: one character for one, and re's case-insensitive matching agreeing with it.
`lowered` returns None for a text with a character where that may fail (Greek, Turkish dotted İ,
long s, ...); every pattern may then match, and is run as before.
"""

from __future__ import annotations

import importlib
import re
import sys
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any, cast

try:    # re's own parser and compiler, untyped (typeshed has no stubs for them)
    _parser: Any = importlib.import_module("re._parser")
    _compiler: Any = importlib.import_module("re._compiler")
except ImportError:     # Python 3.10
    _parser = importlib.import_module("sre_parse")
    _compiler = importlib.import_module("sre_compile")

__all__ = ["Joined", "Prefiltered", "Requirement", "literals", "lowered", "newline_blind"]

_REPEATS = tuple(getattr(_parser, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
                 if hasattr(_parser, name))
_ATOMIC = getattr(_parser, "ATOMIC_GROUP", None)

# Characters whose lower case is one plain character that re's case-insensitive matching also compares by:
# ASCII, Latin-1 and Latin Extended-A (but µ, İ, ı and ſ, which re folds together with Greek μ, i and s),
# Cyrillic, punctuation, currency, №, ™, arrows, shapes, dingbats and emoji.
_NOT_PLAIN = re.compile("[^\x00-\xb4\xb6-\u012f\u0132-\u017e\u0400-\u052f\u2000-\u206f\u20a0-\u20cf\u2116\u2122"
                        "\u2190-\u27bf\ufeff\ufffd\U0001f000-\U0001faff]")

Literals = frozenset[str]           # strings of which a match contains one
Requirement = tuple[Literals, ...]  # sets of which a match contains a string of each
Starts = frozenset[tuple[str, bool]]  # strings of which a match starts with one, each with whether lower-cased
_MOST_SETS = 3                      # sets tested, the most selective: more cost more than they save
_NARROW_FROM = 300                  # characters: a shorter text is scanned whole once it may match
_SCAN_DENSITY = 16                  # scanned when more than one in this many characters starts a match


def lowered(text: str) -> str | None:
    """`text.lower()`, on which a pattern's literals can be looked for; None when lower-casing is not plain."""
    return None if _NOT_PLAIN.search(text) else text.lower()


def _strength(literals: Literals) -> tuple[int, int]:
    """How selective a set is: by its shortest string, then by how few strings it has."""
    return min(map(len, literals)), -len(literals)


def _run(chars: list[str]) -> list[Literals]:
    run = "".join(chars)
    return [frozenset({run.lower()})] if run and not _NOT_PLAIN.search(run) else []


def _required(items: Any) -> list[Literals]:
    """Sets of strings of which every match of the parsed `items` contains one each: a run of literal
    characters; for an alternation, the union of each branch's most selective set; what a group or a
    repeat of at least one requires. Classes, anchors and lookarounds require nothing."""
    found: list[Literals] = []
    chars: list[str] = []
    for op, av in items:
        if op is _parser.LITERAL:
            chars.append(chr(av))
            continue
        found += _run(chars)
        chars = []
        if op is _parser.SUBPATTERN:
            found += _required(av[-1])
        elif op is _ATOMIC:
            found += _required(av)
        elif op is _parser.BRANCH:
            branches = [_required(branch) for branch in av[1]]
            if all(branches):
                found.append(frozenset().union(*(max(branch, key=_strength) for branch in branches)))
        elif op in _REPEATS and av[0] >= 1:
            found += _required(av[2])
    return found + _run(chars)


def literals(pattern: str | re.Pattern[str]) -> Requirement:
    """Sets of lower-case strings of which every match of `pattern` contains one each (the most selective
    first, at most _MOST_SETS); none when nothing is required."""
    regex = re.compile(pattern)
    if regex.flags & (re.LOCALE | re.ASCII):
        return ()
    found = sorted(set(_required(_parser.parse(regex.pattern, regex.flags))), key=_strength, reverse=True)
    return tuple(found[:_MOST_SETS])


def _satisfied(required: Requirement, low: str) -> bool:
    # Plain loops, not all(any(...)): this runs for every pattern on every sentence, and the generators' frames
    # cost more than the `in` tests.
    for literals in required:
        for literal in literals:
            if literal in low:
                break
        else:
            return False
    return True


_ZERO_WIDTH = (_parser.AT, _parser.ASSERT, _parser.ASSERT_NOT)


def _start(chars: list[str], folded: bool) -> Starts | None:
    run = "".join(chars)
    if not folded:
        return frozenset({(run, False)})
    return frozenset({(run.lower(), True)}) if not _NOT_PLAIN.search(run) else None


def _starts(items: Any, folded: bool) -> Starts | None:
    """Strings one of which every match of the parsed `items` starts with, or None: the first run of literal
    characters after anchors and lookarounds, or what the first group, alternation, repeat or class of
    plain characters starts with (an optional one, or what follows it). Each string is marked whether it
    is compared lower-cased (`folded`: under re.IGNORECASE) or as written."""
    chars: list[str] = []
    items = list(items)
    for i, (op, av) in enumerate(items):
        if op is _parser.LITERAL:
            chars.append(chr(av))
            continue
        if chars:
            break
        if op in _ZERO_WIDTH:
            continue
        if op is _parser.SUBPATTERN:
            _, add, remove, inner = av
            return _starts(inner, (folded or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE)
        if op is _ATOMIC:
            return _starts(av, folded)
        if op is _parser.BRANCH:
            known = [found for found in (_starts(branch, folded) for branch in av[1]) if found is not None]
            return frozenset().union(*known) if len(known) == len(av[1]) else None
        if op in _REPEATS and av[0] >= 1:
            return _starts(av[2], folded)
        if op in _REPEATS:
            # An optional start («(?:www\.)?site»): a match starts with it or with what follows it.
            first, rest = _starts(av[2], folded), _starts(items[i + 1:], folded)
            return None if first is None or rest is None else first | rest
        if op is _parser.IN and all(kind is _parser.LITERAL for kind, _ in av):
            known = [found for found in (_start([chr(value)], folded) for _, value in av) if found is not None]
            return frozenset().union(*known) if len(known) == len(av) else None
        return None
    return _start(chars, folded) if chars else None


def _occurrences(text: str, low: str, starts: Starts, pos: int, endpos: int, most: int) -> list[int] | None:
    """Where in text[pos:endpos] one of `starts` begins (a folded one in `low`), in order; None when that is
    more than `most` places."""
    found: set[int] = set()
    for start, folded in starts:
        within = low if folded else text
        i = within.find(start, pos, endpos)
        while i >= 0:
            found.add(i)
            if len(found) > most:
                return None
            i = within.find(start, i + 1, endpos)
    return sorted(found)


_ONE_CHARACTER = tuple(getattr(_parser, name) for name in ("LITERAL", "NOT_LITERAL", "IN", "ANY", "CATEGORY")
                       if hasattr(_parser, name))


def _takes_newline(items: Any, flags: int) -> bool:
    """Whether any part of the parsed `items` can match a newline (a character compared by re itself; what
    it cannot tell, a back-reference, counts as yes)."""
    for op, av in items:
        if op in _ONE_CHARACTER:
            if _compiler.compile(_parser.SubPattern(_parser.State(), [(op, av)]), flags).match("\n"):
                return True
        elif op is _parser.SUBPATTERN:
            if _takes_newline(av[-1], flags):
                return True
        elif op is _parser.BRANCH:
            if any(_takes_newline(branch, flags) for branch in av[1]):
                return True
        elif op in _REPEATS:
            if _takes_newline(av[2], flags):
                return True
        elif op in (_parser.ASSERT, _parser.ASSERT_NOT):
            if _takes_newline(av[1], flags):
                return True
        elif op is _ATOMIC:
            if _takes_newline(av, flags):
                return True
        elif op is not _parser.AT:
            return True
    return False


def _newline_blind(items: Any, flags: int) -> bool:
    for op, av in items:
        if op is _parser.AT:
            if av not in (_parser.AT_BOUNDARY, _parser.AT_NON_BOUNDARY):
                return False
        elif op is _parser.ASSERT_NOT:
            if _takes_newline(av[1], flags):
                return False
        elif op is _ATOMIC or (op in _REPEATS and op is getattr(_parser, "POSSESSIVE_REPEAT", None)):
            return False
        elif op is _parser.SUBPATTERN:
            if not _newline_blind(av[-1], flags):
                return False
        elif op is _parser.BRANCH:
            if not all(_newline_blind(branch, flags) for branch in av[1]):
                return False
        elif op in _REPEATS:
            if not _newline_blind(av[2], flags):
                return False
        elif op is _parser.ASSERT:
            if not _newline_blind(av[1], flags):
                return False
        elif op is _parser.GROUPREF_EXISTS:
            if not all(_newline_blind(branch, flags) for branch in av[1:] if branch is not None):
                return False
    return True


def newline_blind(pattern: str | re.Pattern[str]) -> bool:
    """Whether every match of `pattern` in a piece of a text made of pieces joined by newlines is seen by one
    scan of the whole: a piece where the pattern matches on its own overlaps a match in the whole.

    A newline stands where the piece had its start or end, and the pattern is blind to the difference when
    no anchor of it but \\b and \\B tells a start or an end (a newline is no word character), no negative
    lookaround of it can match a newline (a lookaround that fails at a piece's end may match one), and
    nothing in it gives up backtracking (an atomic group or a possessive repeat may take the newline and
    fail where the piece alone matches). Anything else that can take a newline only finds more."""
    regex = re.compile(pattern)
    parsed = _parser.parse(regex.pattern, regex.flags)
    return _newline_blind(parsed, regex.flags | parsed.state.flags)


_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")


def _branches(pattern: str) -> tuple[str, list[str]]:
    """(leading global flags, the top-level alternatives) of a pattern's source."""
    flags = _GLOBAL_FLAGS.match(pattern)
    prefix = flags.group(0) if flags else ""
    body = pattern[len(prefix):]
    parts, depth, start, i = [], 0, 0, 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            i += 1
        elif char == "[":
            # A class runs to the first "]" that is not its first character (after an optional "^").
            i += 2 if body[i + 1:i + 2] == "^" else 1
            i += 1 if body[i:i + 1] == "]" else 0
            while body[i] != "]":
                i += 2 if body[i] == "\\" else 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(body[start:i])
            start = i + 1
        i += 1
    parts.append(body[start:])
    return prefix, parts


class _Branch:
    """One top-level alternative: its source, what its matches contain and start with, and whether they stay
    within a line."""

    __slots__ = ("_within_lines", "regex", "required", "source", "starts")

    def __init__(self, source: str, regex: re.Pattern[str]) -> None:
        self.source = source
        self.regex = regex
        self.required = literals(regex)
        parsed = _parser.parse(regex.pattern, regex.flags)
        self.starts = None if regex.flags & (re.LOCALE | re.ASCII) else _starts(
            parsed, bool(parsed.state.flags & re.IGNORECASE))
        self._within_lines: bool | None = None

    def within_lines(self) -> bool:
        """Whether its matches, and all it looks at, stay within a line, and it needs literals: nothing in it can
        take a newline, and it tells no start or end but by \\b (told on first use: it compiles each part)."""
        if self._within_lines is None:
            self._within_lines = bool(self.required) and newline_blind(self.regex) and not _takes_newline(
                _parser.parse(self.regex.pattern, self.regex.flags), self.regex.flags)
        return self._within_lines


# A narrowed pattern: its regex, the strings its matches start with (None: unknown), and what its matches require
# when no match, nor anything the pattern looks at, can reach past a newline (else None).
_Narrowed = tuple[re.Pattern[str], Starts | None, Requirement | None]


@lru_cache(maxsize=1024)
def _narrowed(prefix: str, branches: tuple[_Branch, ...], flags: int) -> _Narrowed:
    """The pattern of some of a pattern's alternatives, with the strings its matches start with (None: unknown),
    and, for one alternative whose matches may start anywhere but stay within a line, what they require."""
    known = [b.starts for b in branches if b.starts is not None]
    starts = frozenset().union(*known) if len(known) == len(branches) else None
    # A single alternative whose starts are unknown may still be kept to the lines that hold its literals.
    lines = branches[0].required if starts is None and len(branches) == 1 and branches[0].within_lines() else None
    return re.compile(prefix + "|".join(b.source for b in branches), flags), starts, lines


class Prefiltered:
    """A compiled pattern with what its matches require. `low` is lowered(text) of the text searched.

    `possible(low)` is False only when the pattern cannot match the text or any part of it; `search` and
    `finditer` give the pattern's own matches, trying only the top-level alternatives that can match, and
    only where their matches can start when that is known."""

    __slots__ = ("blind", "branches", "prefix", "regex", "required")

    def __init__(self, pattern: str | re.Pattern[str], flags: int = 0) -> None:
        self.regex = re.compile(pattern, flags)
        self.required = literals(self.regex)
        self.prefix, sources = _branches(self.regex.pattern)
        # Only a pattern without groups is narrowed: dropping an alternative would renumber the groups after it.
        if self.regex.groups or len(sources) < 2:
            self.prefix, sources = "", [self.regex.pattern]
        self.branches = tuple(_Branch(source, re.compile(self.prefix + source, self.regex.flags))
                              for source in sources)
        self.blind: bool | None = None     # newline_blind(self.regex), told on first use by `pieces`

    def possible(self, low: str | None) -> bool:
        return low is None or _satisfied(self.required, low)

    def _narrow(self, low: str) -> _Narrowed | None:
        """The pattern of the alternatives that can match, with the strings its matches start with; None
        when none can."""
        kept = tuple(branch for branch in self.branches if _satisfied(branch.required, low))
        return _narrowed(self.prefix, kept, self.regex.flags) if kept else None

    def finditer(self, text: str, low: str | None, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        """regex.finditer(text, pos, endpos)."""
        if low is None or len(low) < _NARROW_FROM:
            # A short text (a sentence) is scanned as soon as it may match: narrowing would cost more.
            if self.possible(low):
                yield from self.regex.finditer(text, pos, endpos)
            return
        # A long text goes straight to its alternatives' literals: when none of them can match, neither can the
        # pattern, and testing the pattern's own literals first would look for the same strings twice.
        narrowed = self._narrow(low)
        if narrowed is not None:
            yield from _scan(narrowed, text, low, pos, endpos)

    def search(self, text: str, low: str | None, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        """regex.search(text, pos, endpos)."""
        if low is not None and len(low) < _NARROW_FROM:    # finditer's first case, without a generator
            return self.regex.search(text, pos, endpos) if _satisfied(self.required, low) else None
        return next(self.finditer(text, low, pos, endpos), None)

    def pieces(self, joined: Joined) -> set[int]:
        """Indexes of the pieces of `joined` where the pattern may match, each on its own: every piece where
        regex.search finds a match is among them.

        The alternatives whose matches' starts are known are scanned once over the pieces joined by newlines, and
        give the pieces their matches overlap (or touch): sound when the pattern is newline_blind. The others,
        which a scan would try at every position of the whole, give the pieces that hold their literals, as does
        every alternative of a pattern that is not newline_blind."""
        if not joined.bounds:
            return set()
        if self.blind is None:
            self.blind = newline_blind(self.regex)
        low, lows = joined.low, joined.lows
        if low is None or not self.blind:
            return {i for i, piece_low in enumerate(lows) if self.possible(piece_low)}
        kept = [branch for branch in self.branches if _satisfied(branch.required, low)]
        scanned = tuple(branch for branch in kept if branch.starts is not None)
        tested = [branch for branch in kept if branch.starts is None]
        found = {i for i, piece_low in enumerate(lows)
                 if piece_low is None or any(_satisfied(branch.required, piece_low) for branch in tested)
                 } if tested else set()
        if scanned:
            bounds = joined.bounds
            for match in _scan(_narrowed(self.prefix, scanned, self.regex.flags), joined.text, low, 0, sys.maxsize):
                found.update(range(bisect_right(bounds, match.start()) - 1, bisect_right(bounds, match.end())))
        return found


class Joined:
    """Pieces of text (sentences) joined by newlines, for Prefiltered.pieces: the joined text, lowered()
    of it and of each piece, and where each piece starts in it."""

    __slots__ = ("bounds", "low", "lows", "text")

    def __init__(self, pieces: Sequence[str], lows: Sequence[str | None]) -> None:
        self.text = "\n".join(pieces)
        # The pieces lowered plainly, so is the whole, and the same way: their lowered texts joined.
        self.low = None if None in lows else "\n".join(cast(Sequence[str], lows))
        self.lows = lows
        self.bounds, at = [], 0
        for piece in pieces:
            self.bounds.append(at)
            at += len(piece) + 1


def _scan(narrowed: _Narrowed, text: str, low: str, pos: int, endpos: int) -> Iterator[re.Match[str]]:
    """The matches of a narrowed pattern in a long text: tried only where they can start, when that is known,
    else only on the lines that hold its literals, when its matches stay within a line."""
    regex, starts, within_lines = narrowed
    stop = min(endpos, len(low))
    places = None if starts is None else _occurrences(text, low, starts, pos, stop, (stop - pos) // _SCAN_DENSITY)
    if places is not None:
        # Every match starts at an occurrence of `starts`: trying the pattern at each, in order, past the end
        # of the match before, finds what finditer finds (lookbehinds and \b see the text before `p`).
        end = pos
        for p in places:
            if p >= end:
                match = regex.match(text, p, endpos)
                if match:
                    yield match
                    end = match.end()
    elif within_lines is not None:
        # Nothing in the pattern can take a newline or tell a start or an end but by \b: scanning a line up to and
        # with its newline finds the matches a whole scan finds there, and a line without a literal has none.
        # The lines are found by the rarest of the sets of strings that every match holds one of.
        rarest = min(within_lines, key=lambda literals: sum(low.count(literal, pos, stop) for literal in literals))
        found: set[int] = set()
        for literal in rarest:
            i = low.find(literal, pos, stop)
            while i >= 0:
                found.add(i)
                i = low.find(literal, i + 1, stop)
        line_end = -1
        for q in sorted(found):
            if q >= line_end:
                line_start = max(text.rfind("\n", 0, q) + 1, pos)
                line_end = text.find("\n", q, stop)
                line_end = stop if line_end < 0 else line_end + 1
                if _satisfied(within_lines, low[line_start:line_end]):
                    yield from regex.finditer(text, line_start, line_end)
    else:
        # Where matches start is unknown, or so frequent («о») that trying each costs more than the scan.
        yield from regex.finditer(text, pos, endpos)

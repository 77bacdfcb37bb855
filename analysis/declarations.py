"""What a privacy policy declares, or denies, about each taxonomy category.

For every sentence or list item of a policy the lexicon (kzprivacy.vocabulary.taxonomy.POLICY_LEXICON)
is matched on lemmas (Russian, pymorphy3), stems (English, Snowball) or written
prefixes (Kazakh). Each match becomes a `Declaration` carrying the sentence as
evidence, its offsets, the id of the rule that fired, the vendors the sentence
names and whether the wording is specific or vague.

The status of a match:
- a list item takes its meaning from its lead-in («Пользователь указывает следующие
  свои персональные данные:» -> each item is declared; «Мы не собираем:» -> denied;
  «рекомендуем:» -> advice to the user, skipped);
- a match inside the scope of a negated processing verb («не хранит платежные
  данные», «обработка ... не осуществляется») is denied;
- but a negation with an exception («не передаёт третьим лицам, за исключением
  ...», «без согласия») is declared: the flow can happen, as PoliCheck reads it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from operator import add, attrgetter
from typing import Any, NamedTuple, cast

from kzprivacy.analysis.sentences import Sentence, lead_ins, split_sentences
from kzprivacy.vocabulary.prefilter import Joined, Prefiltered, lowered
from kzprivacy.vocabulary.taxonomy import (ABSENCE_WORDS, ADVICE_PATTERN, COOKIE_KIND_STEMS, EXCEPTION_FOLLOWS,
                                EXCEPTION_PATTERN,
                                EXCEPTION_SCOPE_CHARS, FLOW_EXCEPTION, KK_CONVERB_ENDINGS, KK_NEGATED_VERB,
                                KK_NOT_PROCESSING_BEFORE, KK_ONLY_AFFIRMATIVE,
                                LAW_PATTERNS, LEGAL_EXCEPTION, RETENTION_LIMIT, LEGAL_NAME_PATTERNS, NEGATION_BRIDGES,
                                NEGATIONS, OTHER_WORDS,
                                OWN_CONTACT_AFTER, OWN_CONTACT_BEFORE, OWN_CONTACT_CHANNEL, OWN_CONTACT_KK_CASE,
                                OWN_CONTACT_USER, OWN_CONTACT_VERBS, OWN_DETAIL_CATEGORIES, POLICY_LEXICON,
                                PROCESSING_VERBS, RECIPIENT_KINDS, TRANSFER_VERBS, VENDOR_PATTERNS, CONTACT_VALUE,
                                DATA_CATEGORIES, LexiconRule)

__all__ = ["Declaration", "extract_declarations", "summarise", "is_refused_sale", "SALE_RULES"]


@dataclass
class Declaration:
    category: str
    status: str                 # "declared" or "denied"
    evidence: str               # the sentence or list item, exactly text[start:end]
    start: int
    end: int
    rule: str                   # id of the lexicon rule that matched
    vendors: list[str] = field(default_factory=list)
    specificity: str = "specific"   # "specific" or "vague"
    note: str = ""              # why the status is what it is: "negated", "exception", "lead-in", "lead-in negated"


def is_refused_sale(rule: object) -> bool:
    """Is this the id of a sale rule («Мы не продаём ваши данные», «сатпаймыз», «we never sell»)?

    Such a rule counts only when the sale is refused, and the refusal is a `third_party_sharing` denial of the
    policy (docs/realworld.md, round 4). It denies a sale, not every transfer: a policy that refuses to sell
    and names who receives the data («не продаём; передаём перевозчикам и подрядчикам сайта») does not
    contradict itself, and a service seen receiving data is no sale (analysis/compare.py)."""
    return isinstance(rule, str) and rule.endswith(".sale")


# Rules whose words state an absence («Регистрация не требуется», «онлайн төлем жоқ»): what they match is denied.
ABSENCE_RULE_SUFFIX = ".none"

# The ids of the sale rules, for a whole-column test (`declarations["rule"].isin(SALE_RULES)`).
SALE_RULES = frozenset(rule.rule for rule in POLICY_LEXICON if is_refused_sale(rule.rule))


# --- words and their comparison keys ---------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
_KK_LETTERS = frozenset("әғқңөұүһі")
_CYRILLIC = re.compile(r"[а-яё]")


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3
    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=1)
def _english():
    import snowballstemmer
    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def _keys(word: str) -> frozenset[str]:
    """Comparison keys of a lower-case word: its Russian lemmas, or its English stem, and itself."""
    keys = {word}
    if _CYRILLIC.search(word) and not (_KK_LETTERS & set(word)):
        # All parses, not only the first: «данных» may be parsed as a noun or a participle,
        # and the lexicon word and the text word must meet on at least one lemma.
        # An abbreviation parse of another word is dropped («им» is not «им.» for «имени»).
        keys.update(p.normal_form.replace("ё", "е") for p in _morph().parse(word)
                    if "Abbr" not in p.tag or p.normal_form == word)
    elif word.isascii() and word.isalpha():
        keys.add(_english().stemWord(word))
    return frozenset(keys)


class _Token(NamedTuple):
    """One word: lower-cased, its comparison keys, where it stands. A tuple, so that a sentence's tokens are
    made in C (`_tokens`): a policy has thousands of words, and a Python constructor per word cost more
    than the rest of tokenising."""

    low: str
    keys: frozenset[str]
    start: int
    end: int


_SPAN_START, _SPAN_END = re.Match.start, re.Match.end
_LOW, _KEYS = attrgetter("low"), attrgetter("keys")


def _tokens(text: str, offset: int = 0) -> list[_Token]:
    """Words of `text` with their keys, each word lower-cased on its own; hyphens and dots split words
    («IP-адрес», «Яндекс.Метрика»). For a text that lowered() cannot lower as a whole (lower-casing may
    change its length there); _Words makes the tokens of the others from their lowered text."""
    out = []
    for match in _WORD.finditer(text):
        word = match.group(0).lower().replace("ё", "е")
        out.append(_Token(word, _keys(word), match.start() + offset, match.end() + offset))
    return out


def _placed(matches: list[re.Match[str]], words: list[str], keys: list[frozenset[str]], offset: int) -> list[_Token]:
    """The tokens of `words` (with their `keys`) found by `matches` in a text at `offset`, made in C."""
    return cast(list[_Token], list(map(tuple.__new__, repeat(_Token), zip(
        words, keys, map(add, map(_SPAN_START, matches), repeat(offset)),
        map(add, map(_SPAN_END, matches), repeat(offset)), strict=True))))


# --- the compiled lexicon -----------------------------------------------------------------------

# One word of a phrase: ("prefix", p) or ("exact", w) compare with the written word (Kazakh),
# ("keys", {...}) with the token's keys (Russian lemmas, English stems).
_Element = tuple[str, Any]  # ("keys", frozenset of stems) or ("exact" | "prefix", str)


def _elements(phrase: str, language: str) -> tuple[_Element, ...]:
    out: list[_Element] = []
    for match in _WORD.finditer(phrase.lower().replace("ё", "е")):
        word = match.group(0)
        if language == "kk":
            exact = phrase[match.end():match.end() + 1] == "="
            out.append(("exact" if exact else "prefix", word))
        elif language == "en":
            out.append(("keys", frozenset({_english().stemWord(word)})))
        else:
            out.append(("keys", _keys(word)))
    return tuple(out)


def _element_matches(element: _Element, token: _Token) -> bool:
    kind, value = element
    if kind == "prefix":
        return token.low.startswith(value)
    if kind == "exact":
        return token.low == value
    return not token.keys.isdisjoint(value)


@dataclass(frozen=True)
class _Compiled:
    rule: LexiconRule
    phrases: tuple[tuple[_Element, ...], ...]
    context: tuple[tuple[tuple[_Element, ...], ...], ...]
    unless: tuple[tuple[_Element, ...], ...]
    not_before: tuple[_Element, ...]
    not_after: tuple[_Element, ...]
    near: tuple[tuple[_Element, ...], ...]
    regex: re.Pattern | None
    prefiltered: Prefiltered | None     # the regex with its literals: tried only where they occur


def _compile_regex(rule: LexiconRule) -> re.Pattern | None:
    if not rule.regex:
        return None
    if rule.regex == "LEGAL_NAME":
        # Without groups, so that the prefilter may drop the alternatives that cannot match (it renumbers them).
        unnamed = (p.replace("(?P<name>", "(?:") for p in LEGAL_NAME_PATTERNS)
        return re.compile("|".join(f"(?:{p})" for p in unnamed))
    if rule.regex.startswith("LAW:"):
        return re.compile(LAW_PATTERNS[rule.regex[4:]])
    return re.compile(rule.regex)


@lru_cache(maxsize=1)
def _lexicon() -> tuple[_Compiled, ...]:
    compiled = []
    for rule in POLICY_LEXICON:
        lang = rule.language
        regex = _compile_regex(rule)
        compiled.append(_Compiled(
            rule,
            tuple(_elements(p, lang) for p in rule.phrases),
            tuple(tuple(_elements(p, lang) for p in group) for group in rule.context),
            tuple(_elements(p, lang) for p in rule.unless),
            tuple(e for p in rule.not_before for e in _elements(p, lang)),
            tuple(e for p in rule.not_after for e in _elements(p, lang)),
            tuple(_elements(p, lang) for p in rule.near),
            regex,
            Prefiltered(regex) if regex is not None else None,
        ))
    return tuple(compiled)


@lru_cache(maxsize=1)
def _phrase_index() -> tuple[dict[object, frozenset[tuple[int, int]]], frozenset[tuple[int, int]]]:
    """Which lexicon phrases a sentence can match at all, by one word of each: ({anchor: {(rule, phrase)}},
    phrases with no anchor). A phrase's anchor is its first word given as stems or an exact form (a
    sentence lacking every one of them cannot match it), else the first three letters of a prefix."""
    index: dict[object, set[tuple[int, int]]] = {}
    always: set[tuple[int, int]] = set()
    for r, compiled in enumerate(_lexicon()):
        for p, phrase in enumerate(compiled.phrases):
            anchors = next((value if kind == "keys" else (value,) for kind, value in phrase
                            if kind in ("keys", "exact")), None)
            if anchors is None:
                prefix = next((value for kind, value in phrase if kind == "prefix" and len(value) >= 3), None)
                anchors = (("prefix", prefix[:3]),) if prefix else None
            if anchors is None:
                always.add((r, p))
                continue
            for anchor in anchors:
                index.setdefault(anchor, set()).add((r, p))
    return {k: frozenset(v) for k, v in index.items()}, frozenset(always)


@lru_cache(maxsize=1)
def _phrase_needs() -> dict[tuple[int, int], tuple[frozenset[str], tuple[frozenset[str], ...]]]:
    """What a sentence's keys must hold for each lexicon phrase to occur in it, by (rule, phrase): (keys that
    must all be there: the one key of a single-key word, the written form of an exact one; sets of keys of
    which one must be there: a word with several lemmas). A prefix word is looked for by _find_phrase."""
    needs = {}
    for r, compiled in enumerate(_lexicon()):
        for p, phrase in enumerate(compiled.phrases):
            single = {value for kind, value in phrase if kind == "exact"}
            multiple = []
            for kind, value in phrase:
                if kind == "keys" and len(value) == 1:
                    single |= value
                elif kind == "keys":
                    multiple.append(value)
            needs[r, p] = (frozenset(single), tuple(multiple))
    return needs


def _candidates(words: _Words) -> set[tuple[int, int]]:
    """The (rule, phrase) pairs whose anchor occurs in the sentence: only these can match."""
    return set(_phrase_index()[1]).union(*map(_anchored, words.lows))


@lru_cache(maxsize=200_000)
def _anchored(low: str) -> frozenset[tuple[int, int]]:
    """The (rule, phrase) pairs a word anchors, by its keys or its first three letters (a word recurs across
    sentences and policies: looked up once)."""
    index = _phrase_index()[0]
    return frozenset().union(*(index.get(key, ()) for key in (*_keys(low), ("prefix", low[:3]))))


@lru_cache(maxsize=1)
def _vendor_regex() -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in VENDOR_PATTERNS))


@lru_cache(maxsize=1)
def _vendor_filter() -> Prefiltered:
    return Prefiltered(_vendor_regex())


# --- matching --------------------------------------------------------------------------------

class _Words:
    """The tokens of one sentence, indexed by key and by written form for fast phrase lookup."""

    __slots__ = ("_by_key", "_offset", "_text", "_toks", "keys", "keyset", "lows")

    def __init__(self, text: str, offset: int, low: str | None):
        """The words of `text` at `offset` in the policy (`low`: lowered(text)). Of a text lowered plainly, only
        the words and their keys are made: most sentences match no phrase and need no more; the tokens, with
        their places, are made when first asked for (the lowered text has the same words at the same places,
        one character for one)."""
        self._toks: list[_Token] | None = None
        self._text = ""
        if low is not None:
            self._text = low.replace("ё", "е")
            self.lows: list[str] = _WORD.findall(self._text)
            self.keys: list[frozenset[str]] = list(map(_keys, self.lows))
        else:
            self._toks = toks = _tokens(text, offset)
            self.lows, self.keys = list(map(_LOW, toks)), list(map(_KEYS, toks))
        self._offset = offset
        self.keyset: frozenset[str] = frozenset().union(*self.keys)
        self._by_key: dict[str, list[int]] | None = None

    @property
    def toks(self) -> list[_Token]:
        if self._toks is None:
            self._toks = _placed(list(_WORD.finditer(self._text)), self.lows, self.keys, self._offset)
        return self._toks

    @property
    def by_key(self) -> dict[str, list[int]]:
        """Token indexes by key, made on first use: most sentences are done with before any phrase is looked for."""
        if self._by_key is None:
            self._by_key = {}
            for i, keys in enumerate(self.keys):
                for key in keys:
                    self._by_key.setdefault(key, []).append(i)
        return self._by_key

    def positions(self, element: _Element, lo: int, hi: int) -> list[int]:
        kind, value = element
        if kind == "prefix":
            found = [i for i, low in enumerate(self.lows) if low.startswith(value)]
        else:
            by_key = self.by_key
            if kind == "exact":
                found = by_key.get(value, [])
            elif len(value) == 1:   # one key: its list is in order already
                found = by_key.get(next(iter(value)), [])
            else:
                found = sorted({i for v in value for i in by_key.get(v, ())})
        return found if lo <= 0 and hi >= len(self.lows) else [i for i in found if lo <= i < hi]


def _find_phrase(phrase: tuple[_Element, ...], words: _Words, gap: int, lo: int = 0,
                 hi: int | None = None) -> list[tuple[int, int]]:
    """(first, last) token indexes of every occurrence of `phrase` within tokens [lo, hi)."""
    # Cheap rejection first: most phrases have a word that is nowhere in the sentence.
    keyset = words.keyset
    for kind, value in phrase:
        if kind == "keys" and value.isdisjoint(keyset):
            return []
    hi = len(words.lows) if hi is None else hi
    columns = []
    for element in phrase:
        positions = words.positions(element, lo, hi)
        if not positions:
            return []
        columns.append(positions)
    if len(columns) == 1:
        return [(start, start) for start in columns[0]]
    found = []
    for start in columns[0]:
        pos = start
        for column in columns[1:]:
            nxt = next((j for j in column if pos < j <= pos + 1 + gap), None)
            if nxt is None:
                break
            pos = nxt
        else:
            found.append((start, pos))
    return found


def _occurs(phrases: Iterable[tuple[_Element, ...]], words: _Words | None, gap: int = 1, lo: int = 0,
            hi: int | None = None) -> bool:
    return words is not None and any(_find_phrase(p, words, gap, lo, hi) for p in phrases)


# A value right after a category word means the sentence gives the operator's own detail
# («Телефон: +7 727 …», «БИН 180740027339»), not data it takes from users.
# «privacy@site.kz мекенжайына жазыңыз»: the word after an address names that address.
_VALUE_BEFORE = Prefiltered(r"(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+|"
                            r"\b[\w-]+\.(?:kz|com|ru|net|org|қаз)(?:/\S*)?)\s*$")  # «site.kz/privacy мекенжайында»
_VALUE_AFTER = re.compile(r"\s*[:\-–—№]?\s*(?:\+?\d[\d\s()\-]{5,}|[\w.+-]+@[\w-]+\.\w)")


_EMPTY_LABEL = re.compile(r"\s*:\s*[,.;]?\s*$")
# A template's blank: «[e-mail]», «[указать телефон]», «<ГОРОД>», «{{ email }}».
_PLACEHOLDER_VALUE = re.compile(r"<[^<>\n]{1,30}>|\[[^\[\]\n]{1,40}\]|\{\{?[^{}\n]{1,30}\}?\}")
_PLACEHOLDER_LABEL = re.compile(r"\s*:\s*(?:" + _PLACEHOLDER_VALUE.pattern + r")")
_CONTACT_VALUE = re.compile(CONTACT_VALUE)
_OWN_BEFORE = Prefiltered(OWN_CONTACT_BEFORE)
_OWN_AFTER = re.compile(OWN_CONTACT_AFTER)
_OWN_VERBS = Prefiltered(OWN_CONTACT_VERBS)
_OWN_CHANNEL = Prefiltered(OWN_CONTACT_CHANNEL)
_OWN_USER = re.compile(OWN_CONTACT_USER)


def _own_contact(text: str, low: str | None, start: int, end: int, toks: list[_Token], last: int) -> bool:
    """Whether the words text[start:end] of a sentence (`low`: lowered(text)) name the operator's own contact,
    not data it collects: «наш e-mail», «электронная почта Оператора», «напишите на электронную почту»,
    «поштаға жазыңыз»."""
    if _OWN_BEFORE.search(text, low, 0, start) or _OWN_AFTER.match(text[end:]):
        return True
    if not _OWN_VERBS.search(text, low) or _OWN_USER.match(text[end:]):
        return False
    if _OWN_CHANNEL.search(text, low, 0, start):
        return True
    word = toks[last].low
    return not _KK_LETTERS.isdisjoint(low if low is not None else text.lower()) and (
        word.endswith(OWN_CONTACT_KK_CASE) or (last + 1 < len(toks) and toks[last + 1].low == "арқылы"))


_LATIN_WORD = re.compile(r"[a-z]{2,}")


def _languages(text: str, hint: str | None = None, low: str | None = None) -> frozenset[str]:
    """Which parts of the lexicon to try on a sentence: Kazakh rules only where Kazakh letters are,
    or on any Cyrillic sentence of a text detected as Kazakh (some sites type it without its letters).
    `low`: lowered(text), when the caller has it."""
    langs = {"any"}
    low = text.lower() if low is None else low
    if _CYRILLIC.search(low):
        langs.add("ru")
        if hint == "kk":
            langs.add("kk")
    if not _KK_LETTERS.isdisjoint(low):
        langs.add("kk")
    if _LATIN_WORD.search(low):
        langs.add("en")
    return frozenset(langs)


class _Match(NamedTuple):     # a tuple: made for every match, and a frozen dataclass's constructor is slow
    compiled: _Compiled
    first: int          # token index, or -1 for a regex match
    last: int
    start: int          # character offsets in the text
    end: int


@lru_cache(maxsize=1)
def _regex_rules() -> frozenset[int]:
    return frozenset(r for r, compiled in enumerate(_lexicon()) if compiled.regex is not None)


def _regex_rules_by_sentence(joined: Joined) -> list[frozenset[int]]:
    """For each of the sentences `joined`, the lexicon's regular expressions worth trying on it: not every one
    that matches somewhere in the text on every sentence, but each on the sentences where it may match
    (Prefiltered.pieces: one scan of the sentences joined by newlines, or their literals)."""
    found: list[set[int]] = [set() for _ in joined.lows]
    lexicon = _lexicon()
    for r in _regex_rules():
        for i in lexicon[r].prefiltered.pieces(joined):  # type: ignore[union-attr]
            found[i].add(r)
    return [frozenset(rules) for rules in found]


_UNSET: Any = object()


def _matches(sentence: Sentence, words: _Words, context: list[_Words], in_list: bool,
             hint: str | None = None, regex_rules: frozenset[int] | None = None,
             low: str | None = _UNSET, own_block: bool = False, value_text: str | None = None) -> list[_Match]:
    """Lexicon matches in one sentence; `context` holds its lead-in and section heading, `in_list` says
    whether it is an item under a lead-in, `hint` is the language of the whole text if known, `regex_rules`
    the regular expressions worth trying on it (_regex_rules_by_sentence; all when None), `low` the
    sentence's lowered() text when the caller has it, `own_block` whether it is an item of the operator's own
    details (_OWN_LEAD), `value_text` where a contact's value may stand (a lead-in and its first item; the
    sentence when None)."""
    low = lowered(sentence.text) if low is _UNSET else low
    langs = _languages(sentence.text, hint, low)
    template_row = _TEMPLATE_ROW.search(sentence.text) is not None
    found: list[_Match] = []
    lexicon = _lexicon()
    # Only the rules worth trying on this sentence: those with a phrase whose anchor word occurs in it and whose
    # other words given as keys or exact forms occur in it too (else _find_phrase finds nothing: told here by
    # set operations, without a call a phrase), and the regular expressions that may match in this sentence
    # (`regex_rules`), in lexicon order.
    candidates: dict[int, list[int]] = {}
    needs, keyset = _phrase_needs(), words.keyset
    for pair in _candidates(words):
        single, multiple = needs[pair]
        if single <= keyset and (not multiple or all(not keys.isdisjoint(keyset) for keys in multiple)):
            candidates.setdefault(pair[0], []).append(pair[1])
    rules = sorted(candidates.keys() | (_regex_rules() if regex_rules is None else regex_rules))
    for r in rules:
        compiled = lexicon[r]
        rule = compiled.rule
        if rule.language not in langs:
            continue
        if template_row and rule.categories[0] in ("contact", "operator_identity"):
            continue    # «| {{ClinicName}} | … | ТОО «…» |»: a template's table of variables and sample values
        if compiled.prefiltered is not None:
            for m in compiled.prefiltered.finditer(sentence.text, low):
                if rule.categories == ("operator_identity",) and _vendor_regex().search(m.group(0)):
                    continue    # «ТОО «CloudPayments Kazakhstan»» is a vendor's legal name, not the operator's
                found.append(_Match(compiled, -1, -1, sentence.start + m.start(), sentence.start + m.end()))
            continue
        hits = [h for i in sorted(candidates[r]) for h in _find_phrase(compiled.phrases[i], words, rule.gap)]
        if not hits:
            continue
        if compiled.unless and _occurs(compiled.unless, words):
            continue
        if rule.only_in_list and not in_list:
            continue
        around = context if rule.lead_in_context else []
        if compiled.context and not all(_occurs(group, words) or any(_occurs(group, c) for c in around)
                                        for group in compiled.context):
            continue
        near_in_context = bool(compiled.near) and any(_occurs(compiled.near, c) for c in around)
        toks = words.toks
        for first, last in hits:
            if compiled.not_before and any(_element_matches(e, t) for t in toks[max(0, first - 2):first]
                                           for e in compiled.not_before
                                           if not _LIST_BREAK.search(sentence.text, t.end - sentence.start,
                                                                     toks[first].start - sentence.start)):
                continue    # a word «right before» the match: not one of a list before it («email, мекенжай»)
            if compiled.near and not near_in_context:
                if not _occurs(compiled.near, words, 1, max(0, first - rule.window), last + rule.window + 1):
                    continue
            if compiled.not_after and last + 1 < len(toks) and any(
                    _element_matches(e, toks[last + 1]) for e in compiled.not_after):
                continue
            end = toks[last].end
            if rule.not_suffix and toks[last].low.endswith(rule.not_suffix):
                continue    # «үшінші тұлғадан» (from a third party) is a source, not a recipient
            if _EMPTY_LABEL.match(sentence.text, end - sentence.start) or _PLACEHOLDER_LABEL.match(
                    sentence.text, end - sentence.start) or _inside_placeholder(sentence.text,
                                                                                toks[first].start - sentence.start):
                continue    # «Адрес: ,» or «E-mail: [указать e-mail]» left in a template is no data at all
            after = sentence.text[end - sentence.start:].lstrip()[:1]
            if rule.vague and not rule.own_contact and (after == ":" or (after == "(" and len(rule.categories) > 1)):
                continue    # «Контактные данные: номер телефона …», «… (аты-жөні, телефон)»: the specifics speak
            if rule.own_contact or OWN_DETAIL_CATEGORIES.intersection(rule.categories):
                own = own_block or _own_contact(sentence.text, low, toks[first].start - sentence.start,
                                                end - sentence.start, toks, last)
                if own != rule.own_contact:
                    continue
                values = sentence.text if value_text is None else value_text
                if rule.own_contact and (not _CONTACT_VALUE.search(values) or _PLACEHOLDER_VALUE.search(values)):
                    continue    # no address, or a template's «г. <ГОРОД>»: no concrete contact
            if rule.categories[0] not in ("contact", "operator_identity", "law_reference") and (
                    _VALUE_AFTER.match(sentence.text, end - sentence.start)
                    or _VALUE_BEFORE.search(sentence.text, low, 0, toks[first].start - sentence.start)):
                continue
            found.append(_Match(compiled, first, last, toks[first].start, end))
    return [m for m in found if not _inside_another(m, found)]


_LIST_BREAK = re.compile(r"[,;]")


def _inside_placeholder(text: str, pos: int) -> bool:
    """Whether text[pos] stands inside a template's «[…]» or «<…>» blank."""
    return text.rfind("[", 0, pos) > text.rfind("]", 0, pos) or text.rfind("<", 0, pos) > text.rfind(">", 0, pos)


def _inside_another(match: _Match, found: list[_Match]) -> bool:
    """A word match inside a longer word match of another category gives way
    («имя» inside «имя пользователя в социальной сети»)."""
    return match.first >= 0 and any(
        other is not match and other.first >= 0
        and other.compiled.rule.categories != match.compiled.rule.categories
        and other.start <= match.start and match.end <= other.end
        and other.end - other.start > match.end - match.start
        for other in found)


# --- negation, exceptions, advice ------------------------------------------------------------

_RU_PROCESSING = PROCESSING_VERBS["ru"]
_RU_MODALS = NEGATION_BRIDGES["ru"]
_RU_NEGATIONS = NEGATIONS["ru"]
_EN_PROCESSING = frozenset(_english().stemWord(w) for w in PROCESSING_VERBS["en"])
_EN_SKIP = NEGATION_BRIDGES["en"]
_EN_NEGATIONS = NEGATIONS["en"]
_KK_NEGATED_VERB = re.compile(KK_NEGATED_VERB)
_ABSENCE = frozenset().union(*ABSENCE_WORDS.values())
_EXCEPTION = Prefiltered(EXCEPTION_PATTERN)
_EXCEPTION_FOLLOWS = re.compile(EXCEPTION_FOLLOWS)
_LEGAL_EXCEPTION = re.compile(LEGAL_EXCEPTION)
_RETENTION_LIMIT = Prefiltered(RETENTION_LIMIT)
_FLOW_EXCEPTION = re.compile(FLOW_EXCEPTION)
_ADVICE = Prefiltered(ADVICE_PATTERN)
_KK_ONLY_AFFIRMATIVE = re.compile(KK_ONLY_AFFIRMATIVE)
_KK_VERB_END = re.compile(r"(?:ды|ді|ты|ті|мыз|міз|сыз|сіз|ған|ген|қан|кен)$")
# «Cookies» — небольшой фрагмент данных ...: a definition names a term, it does not say the site uses it.
# A glossary entry without quotes: a term of a few words, a spaced dash, and what it means
# («IP-адрес — уникальный сетевой адрес …», «IP мекенжайы – …», «IP address – a unique …»),
# unless what follows the dash is someone doing something («Сбор данных — мы собираем …»).
_GLOSSARY_ENTRY = (
    r"(?:[^\W\d_][\w.-]*\s+){0,5}[^\W\d_][\w.)-]*\s+[—–-]\s+"
    r"(?!(?:мы|вы|я|оператор\w*|компани\w*|сайт\w*|чтобы|для|если|так|we|you|the\s+operator|to|for|if|"
    r"біз|сіз)\b)"
    # «Контактные данные клиентов — в течение срока договора и 3 лет после его окончания», «Байланыс деректері —
    # шарт мерзімі ішінде және одан кейін 3 жыл бойы»: a kind of data and how long it is kept, a line of a
    # table of terms under «Сроки хранения»; it defines nothing.
    r"(?![^.;]*?(?:\bв\s+течение\b|\bна\s+протяжении\b|\bішінде\b|\bбойы\b|\bduring\b|\bfor\s+\d|"
    r"\b\d+\s*(?:лет|год\w*|месяц\w*|дн\w*|недел\w*|жыл\w*|ай\w*|күн\w*|years?|months?|days?)\b))"
    r"(?:[^\W\d_][\w-]*[\s,]+){4}")
# «Срок хранения данных — 1 год после удаления аккаунта», «Деректерді сақтау мерзімі — …»: a retention term
# written with a dash states the term; it is no glossary entry.
_RETENTION_HEAD = (r"(?!(?i:(?:[^\W\d_][\w-]*\s+){0,2}(?:срок\w*\s+(?:хранени|обработк)|период\w*\s+хранени|"
                   r"сақтау\s+мерзім|сақталу\s+мерзім|retention\s+period|storage\s+period)))")
_DEFINITION = re.compile(
    r"^[«\"“][^»\"”]{1,60}[»\"”]\s*(?:[-—–]|это\b|означает|представляет\s+собой)"
    r"|^(?=[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ])" + _RETENTION_HEAD + _GLOSSARY_ENTRY)
# A clause ends at «;» or «:», or where «и», «а», «но» open a negated one («... хранятся в РК, и не передаются ...»).
# «Саясатта қолданылатын «Жеке мәліметтер» ұғымы … білдіреді», «Понятие «персональные данные» означает …»: a
# definition written around the term, anywhere in its sentence.
_CONCEPT = re.compile(r"[«\"“][^»\"”]{1,60}[»\"”]\s+(?:ұғымы|термині|дегеніміз)\b|"
                      r"(?i:понятие|термин)\s+[«\"“][^»\"”]{1,60}[»\"”]\s+(?:означает|понимается|обозначает)")
_CLAUSE_CUTS = frozenset({"и", "а", "но", "однако", "and", "but", "however", "бірақ", "ал"})
# The same glossary entry written in lower case, as lettered items of a terms section are
# («и) трансграничная передача персональных данных — передача персональных данных на территорию …;»):
# only for list items and numbered clauses, where such entries stand.
_ITEM_DEFINITION = re.compile(r"^" + _RETENTION_HEAD + _GLOSSARY_ENTRY)
# «Данные при регистрации — имя, email, номер телефона», «Технические деректер – IP, браузер түрі, құрылғы»: a
# kind of data before the dash and a comma list of short items after it lists what is collected; it defines
# nothing. «Персональные данные — любая информация, …» and «Обработка … — сбор, запись, …» stay definitions.
_DATA_KIND_HEAD = re.compile(
    r"^(?![«\"“])(?!(?i:персональн|дербес|жеке\s+дерек|personal))(?:[^\W\d_][\w-]*\s+)?"
    r"(?i:данные|сведения|информация|деректер\w*|мәліметтер\w*|ақпарат\w*|data|information)\b[^—–]{0,40}?\s[—–-]\s+")


def _data_list(text: str) -> bool:
    """Whether a «term — …» line is a kind of data and a list of at least three short items (_DATA_KIND_HEAD)."""
    head = _DATA_KIND_HEAD.match(text)
    if head is None:
        return False
    items = [i for i in re.split(r"[,;]", text[head.end():].rstrip(" .;")) if i.strip()]
    return len(items) >= 3 and all(len(i.split()) <= 4 for i in items)


_CONDITIONAL = frozenset({"если", "if", "егер"})


def _conditional(toks: list[_Token], i: int, text: str, offset: int) -> bool:
    """Whether token i stands in an «если ...» / «if ...» clause («если закон не требует иного срока»)."""
    for j in range(i - 1, max(-1, i - 8), -1):
        if toks[j].low in _CONDITIONAL:
            return True
        if "," in text[toks[j].end - offset:toks[j + 1].start - offset]:
            return False
    return False


def _negations(toks: list[_Token], text: str, offset: int) -> list[tuple[int, bool]]:
    """Token indexes of negated processing verbs (or absence words), each with whether its scope runs
    backwards (a passive verb, «нет», a Kazakh verb). `offset` is where `text` starts in the policy.

    A negation inside a condition («если закон не требует») denies nothing of the main clause."""
    return [(i, passive) for i, passive in _raw_negations(toks) if not _conditional(toks, i, text, offset)]


# «без хранения / сохранения …» (without keeping) refuses to store what follows, as «не храним» does.
_RU_WITHOUT_KEEPING = frozenset({"хранение", "сохранение"})


def _raw_negations(toks: list[_Token]) -> list[tuple[int, bool]]:
    out = []
    for i, token in enumerate(toks):
        low = token.low
        if low in _RU_NEGATIONS:
            j = i + 1
            while j < len(toks) and j <= i + 3 and (toks[j].keys & _RU_MODALS or toks[j].low in _RU_NEGATIONS):
                j += 1
            if j < len(toks) and toks[j].keys & _RU_PROCESSING:
                passive = any(k.endswith("ся") for k in toks[j].keys) or "pssv" in _tag(toks[j].low)
                out.append((j, passive))
        elif low == "без" and i + 1 < len(toks) and toks[i + 1].keys & _RU_WITHOUT_KEEPING:
            out.append((i + 1, False))      # «… через платёжные системы без хранения реквизитов карт»
        elif low in _EN_NEGATIONS or (low == "t" and i > 0 and toks[i - 1].low in (
                "don", "doesn", "didn", "won", "isn", "aren", "wasn", "weren", "shouldn", "can")):
            j = i + 1
            while j < len(toks) and j <= i + 3 and toks[j].low in _EN_SKIP:
                j += 1
            if j < len(toks) and toks[j].keys & _EN_PROCESSING:
                passive = (i > 0 and toks[i - 1].low in ("is", "are", "be", "was", "were")) or (
                    j > i + 1 and toks[j - 1].low in ("be", "been"))
                out.append((j, passive))
            elif low == "no":
                out.append((i, False))      # «There are no visitor counters»
        elif low in _ABSENCE or token.keys & _ABSENCE:
            # «нет», «отсутствуют», «жоқ»: what is absent usually stands before.
            out.append((i, True))
        elif _KK_NEGATED_VERB.match(low) and not (
                i > 0 and toks[i - 1].low.startswith(KK_NOT_PROCESSING_BEFORE)) and not (
                low.startswith("ал") and i > 0 and toks[i - 1].low.endswith(KK_CONVERB_ENDINGS)
                and _KK_LETTERS & set(toks[i - 1].low + low)) and not (
                i > 1 and toks[i - 1].low == "немесе" and toks[i - 2].low[:5] == low[:5]):
            # «жауап бермейді» (is not liable) denies nothing about data; nor does «пайдаланып немесе
            # пайдаланбай» (with or without automation), the positive form before «немесе».
            # A Kazakh verb closes its clause: what it negates stands before it.
            out.append((i, True))
    return out


def _is_verb(word: str) -> bool:
    tag = _tag(word)
    return tag.startswith(("VERB", "INFN"))


@lru_cache(maxsize=50_000)
def _tag(word: str) -> str:
    if not _CYRILLIC.search(word):
        return ""
    return str(_morph().parse(word)[0].tag)


# A spaced dash and a demonstrative open a clause of their own («… — это значение …», «… — бұл мән …»).
_DASH_CLAUSE_OPENERS = frozenset({"это", "бұл", "this"})


def _clauses(toks: list[_Token], text: str, offset: int) -> list[tuple[int, int]]:
    """Token ranges [a, b) of the clauses of a sentence."""
    cuts = [0]
    for i, token in enumerate(toks):
        if i == 0:
            continue
        between = text[toks[i - 1].end - offset:token.start - offset]
        if ";" in between or ":" in between:
            cuts.append(i)
        elif token.low in _CLAUSE_CUTS and i + 1 < len(toks) and toks[i + 1].low in _RU_NEGATIONS | {"not"}:
            cuts.append(i)
        elif token.low in ("но", "однако", "but", "however", "бірақ") and "," in between:
            cuts.append(i)
        elif token.low in ("и", "а") and "," in between and i + 1 < len(toks) and _is_verb(toks[i + 1].low):
            cuts.append(i)      # «..., и храним их на серверах в РК»; but not «..., а также биометрических»
        elif token.low in _DASH_CLAUSE_OPENERS and re.search(r"\s[—–-]\s", between):
            cuts.append(i)      # «… сохраняется только язык — это значение никуда не передаётся»: a new clause
    cuts.append(len(toks))
    return [(cuts[k], cuts[k + 1]) for k in range(len(cuts) - 1) if cuts[k] < cuts[k + 1]]


def _denied_spans(toks: list[_Token], matches: list[_Match], text: str,
                  offset: int) -> list[tuple[int, int, int]]:
    """(start, end, verb) character ranges that a negation covers within the sentence, with where its verb stands."""
    spans = []
    previous = -1
    for verb, passive in _negations(toks, text, offset):
        a, b = next(((a, b) for a, b in _clauses(toks, text, offset) if a <= verb < b), (0, len(toks)))
        # Two negations in one clause split it: «не собираем X и не храним Y».
        a = max(a, previous + 1) if previous < verb else a
        previous = verb
        before = (toks[a].start, toks[verb].start)
        after = (toks[verb].start, toks[b - 1].end)
        start = next((c for c, d in _clauses(toks, text, offset) if d == a), a)
        if passive and a > 0 and toks[a].low in ("и", "а") and not _transfer_verb(toks[verb]) and not any(
                before[0] <= m.start < before[1] for m in matches if m.first >= 0) and not any(
                toks[j].keys & _RU_PROCESSING for j in range(start, a)):
            # «Экраны ввода пароля — они отфильтровываются и не обрабатываются»: a passive verb after «и»
            # shares its subject with the clause before (a transfer verb does not: «хранятся и не передаются»),
            # unless that clause states a processing of its own («пароль обрабатывается провайдером и не
            # хранится у нас»: the password is processed; only our copy is denied).
            before = (toks[start].start, toks[verb].start)
        first, second = (before, after) if passive else (after, before)
        if verb + 1 < len(toks) and ":" in text[toks[verb].end - offset:toks[verb + 1].start - offset]:
            # «Сервис не собирает: данные карт, ИИН, …», «Қосымша жинамайды: …»: the verb closes a lead-in
            # and denies the list after its colon, up to the end of the sentence or the next «;», as well as
            # what stands before it in its clause («Трансграничная передача не осуществляется: …»).
            stop = next((j for j in range(verb + 2, len(toks))
                         if ";" in text[toks[j - 1].end - offset:toks[j].start - offset]), len(toks))
            first = second = (toks[a].start, toks[stop - 1].end)

        # A refusal to hand data over is about the transfer: its side is the one naming a practice
        # («контактные данные не будут переданы третьим лицам»), not the data handed over.
        relevant = [m for m in matches if m.first >= 0]
        if _transfer_verb(toks[verb]):
            practices = [m for m in relevant if not set(m.compiled.rule.categories) <= _DATA_CATEGORIES]
            relevant = practices or relevant

        def has_match(span: tuple[int, int], relevant: list = relevant) -> bool:
            return any(span[0] <= m.start < span[1] for m in relevant)

        span = first if has_match(first) or not has_match(second) else second
        spans.append((span[0], span[1], toks[verb].start))
    return spans


def _excepted(spans: list[tuple[int, int, int]], text: str, offset: int, follows: bool,
              clauses: Sequence[tuple[int, int]] = ()) -> set[int]:
    """Verb positions of the negations that an exception qualifies. An exception («за исключением»,
    «кроме», «қоспағанда», «except») belongs to the nearest negation before it, or to the first one after
    it when it opens the sentence («Иным третьим лицам … не передаются»); `follows` says that the next
    sentence opens with one («Исключение составляют …»), which qualifies the last negation."""
    verbs = sorted(verb for _, _, verb in spans)
    if not verbs:
        return set()
    out = {verbs[-1]} if follows else set()
    for match in _EXCEPTION.finditer(text, lowered(text)):
        if _legal_only(text, match) or _KK_ONLY_AFFIRMATIVE.match(text, match.start()):
            continue
        position = match.start() + offset
        before = [v for v in verbs if v <= position]
        out.add(before[-1] if before else verbs[0])
    # Negations joined in one clause share their exception («сатпаймыз және бермейміз, тек …»).
    for a, b in clauses:
        inside = {v for v in verbs if a <= v < b}
        if inside & out:
            out |= inside
    return out


def _legal_only(text: str, match: re.Match) -> bool:
    """Whether an exception names only what the law requires («за исключением случаев, предусмотренных
    законодательством», «Исключением являются … уполномоченным государственным органам»): state bodies are
    not third parties, so such an exception declares no flow and the denial stands."""
    if _KK_LETTERS & set(match.group(0).lower()):
        # A Kazakh postposition closes its clause: «заңда көзделген жағдайларды қоспағанда».
        scope = text[max(0, match.start() - EXCEPTION_SCOPE_CHARS // 2):match.end()]
        scope = re.split(r"[;.,]\s", scope)[-1]
    else:
        scope = text[match.start():match.start() + EXCEPTION_SCOPE_CHARS]
        scope = re.split(r"[;.]\s", scope, maxsplit=1)[0]
    return bool(_LEGAL_EXCEPTION.search(scope)) and not _FLOW_EXCEPTION.search(scope)


_RU_TRANSFER_VERBS = frozenset(TRANSFER_VERBS["ru"])
_EN_TRANSFER_VERBS = frozenset(_english().stemWord(w) for w in TRANSFER_VERBS["en"])
_KK_TRANSFER_STEMS = tuple(TRANSFER_VERBS["kk"])
_DATA_CATEGORIES = frozenset(DATA_CATEGORIES)
# Practices named by a vendor's name («Google Analytics», «Meta Pixel»): a negation covers them like words
# («Біз Google Analytics, Meta Pixel … пайдаланбаймыз», «we do not use Google Analytics»).
_VENDOR_PRACTICES = frozenset({"analytics", "advertising", "web_beacons"})


def _transfer_verb(token: _Token) -> bool:
    """Whether a negated verb is one of handing data over (передавать, продать, share, бермейміз)."""
    return bool(token.keys & _RU_TRANSFER_VERBS or token.keys & _EN_TRANSFER_VERBS
                or (token.low.startswith(_KK_TRANSFER_STEMS) and _KK_NEGATED_VERB.match(token.low)))


def _us_and(toks: list[_Token], j: int) -> bool:
    """«нам и иным третьим лицам», «us or any other third party»: the other ones are everyone but the operator."""
    before = [t.low for t in toks[max(0, j - 3):j]]
    # «номера карт и иные платёжные реквизиты не получаем»: «иные» after a conjunction extends a list the
    # negation covers; it does not set named items apart.
    return bool({"нам", "нас", "us", "бізге"} & set(before)) or (
        j > 0 and toks[j - 1].low in ("и", "или", "and", "or", "және", "немесе", "әрі"))


def _kk_except(toks: list[_Token], j: int) -> bool:
    """Whether Kazakh «басқа» at j is the postposition «except» after an ablative («… көзделген жағдайлардан
    басқа үшінші тұлғаларға бермейміз»), not «other» («басқа үшінші тұлғаларға»): the exception clause decides."""
    return toks[j].low == "басқа" and j > 0 and toks[j - 1].low.endswith(("дан", "ден", "тан", "тен", "нан", "нен"))


# «С кем мы делимся данными», «Кому мы передаём данные», «Who we share data with», «Деректерді кімге береміз»: a
# heading that says who receives the data; the items under it that name a recipient and what it does
# («- Supabase — хранение учётной записи», «- Vercel — hosting») are recipients of the data.
_SHARING_HEADING = re.compile(
    r"(?i)^(?:\d+(?:\.\d+)*\.?\s*)?(?:с\s+кем\s+(?:мы\s+)?дели|"
    r"кому\s+(?:мы\s+)?(?:переда|раскрыва|предоставля|отправля|уход|попада)|"
    r"кто\s+получает|получатели\s+(?:персональных\s+)?данных|who\s+(?:we\s+share|receives)|"
    r"with\s+whom\s+we\s+share|(?:data\s+)?recipients\b|(?:деректерді\s+)?кімге\s+(?:бер|жібер|ұсын)|"
    r"деректерді\s+кім\s+алады)")
_RECIPIENT_ITEM = re.compile(
    r"^(?!(?i:государствен|уполномоченн|суд|правоохранител|мемлекеттік|уәкілетті|сот\b|court|authorit|law\b))"
    r"[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w.&+-]*(?:\s+\(?[\w.&+,-]+\)?){0,4}\s+[—–-]\s+\w")
# «Исполнитель:», «Реквизиты:», «Контакты:», «Орындаушы:» alone on a line: the lines under it are the operator's own
# details (its address, phone, e-mail), not data it collects.
_OWN_LEAD = re.compile(
    r"(?i)^(?:исполнитель|оператор|продавец|администрация(?:\s+сайта)?|(?:наши\s+)?реквизиты(?:\s+\w+){0,2}|"
    r"(?:наши\s+)?контакты|контактная\s+информация|орындаушы|сатушы|оператордың\s+деректемелері|деректемелер\w*|"
    r"байланыс(?:\s+ақпараты)?|contacts?|contact\s+(?:us|details)|our\s+details)\s*:$")
_DIGIT = re.compile(r"\d")
_TEMPLATE_ROW = re.compile(r"\{\{\s*[\w.]+\s*\}\}")
RECIPIENT_UNDER_HEADING = "any.third_party_sharing.recipient_under_heading"


def _recipient_item(sentence: Sentence) -> bool:
    """Whether an item names a recipient and what it does (to be read under a _SHARING_HEADING)."""
    return sentence.kind == "item" and _RECIPIENT_ITEM.match(sentence.text) is not None


def _glossary_item(sentences: list[Sentence], index: int, parent: int | None) -> bool:
    """A definition laid out over two lines: a term as a heading and «– передача персональных данных …» as a
    lone dash item under it, or a term ending with a dash and its meaning on the next line."""
    if index == 0 or parent is not None:
        return False
    sentence, before = sentences[index], sentences[index - 1]
    # (a bare «-» line, a bullet whose text the next line carries, names no term)
    if before.text.rstrip()[-1:] in "–—-" and before.block != sentence.block and any(
            c.isalpha() for c in before.text):
        return True
    if sentence.kind != "item" or sentence.marker not in ("–", "—", "-") or before.kind != "heading":
        return False
    after = next((s for s in sentences[index + 1:] if s.block != sentence.block), None)
    return after is None or after.kind != "item"


# --- putting it together ---------------------------------------------------------------------

def _specificity(compiled: _Compiled, vendors: list[str], words: _Words) -> str:
    if not compiled.rule.vague:
        return "specific"
    if vendors:
        return "specific"
    if compiled.rule.categories == ("third_party_sharing",) and _occurs(_kinds(), words):
        return "specific"
    return "vague"


@lru_cache(maxsize=1)
def _kinds() -> tuple[tuple[_Element, ...], ...]:
    """Kinds of recipients that make «третьи лица» specific, compiled per language."""
    return tuple(_elements(word, language) for language, words in RECIPIENT_KINDS.items()
                 for word in words.split("|") if word.strip())


def _vendors(text: str, low: str | None) -> list[str]:
    names: list[str] = []
    for m in _vendor_filter().finditer(text, low):
        name = m.group(0)
        if name not in names:
            names.append(name)
    return names


def _language_order(text: str) -> dict[str, int]:
    low = text.lower()
    if not _KK_LETTERS.isdisjoint(low):
        return {"kk": 0, "ru": 1, "en": 2}
    if _CYRILLIC.search(low):
        return {"ru": 0, "en": 1, "kk": 2}
    return {"en": 0, "ru": 1, "kk": 2}


def extract_declarations(text: str, language: str | None = None,
                         sentences: list[Sentence] | None = None) -> list[Declaration]:
    """Every declaration and denial in a policy text, ordered by offset (several per category are normal).

    Each sentence is matched with the rules of the scripts it contains, so mixed Russian-Kazakh
    texts need no hint; `language="kk"` (from kzprivacy.vocabulary.language.detect_language) also applies
    the Kazakh rules to sentences typed without Kazakh letters. Other values change nothing.
    `sentences`: split_sentences(text), when the caller has it already.
    """
    sentences = split_sentences(text) if sentences is None else sentences
    parents = lead_ins(sentences)
    lows = [lowered(s.text) for s in sentences]     # for the prefiltered patterns
    sentence_words = [_Words(s.text, s.start, low) for s, low in zip(sentences, lows, strict=True)]
    joined = Joined([s.text for s in sentences], lows)
    regex_rules = _regex_rules_by_sentence(joined)
    # The sentences where advice or a vendor's name may stand, each told by one scan of them all.
    advice, named = _ADVICE.pieces(joined), _vendor_filter().pieces(joined)
    declarations: list[Declaration] = []
    heading: int | None = None
    sharing_heading = False     # whether that heading says who receives the data (_SHARING_HEADING)
    for index, sentence in enumerate(sentences):
        parent = parents[index]
        lead = sentences[parent] if parent is not None else None
        # A bare two-word line ending in a full stop («Технические данные.», «Техникалық деректер.») is a
        # heading written as a sentence: it names the subject of what follows.
        is_heading = lead is None and (sentence.kind == "heading" or (
            sentence.kind != "item" and len(sentence_words[index].lows) <= 2
            and sentence.text.rstrip().endswith(".") and not any(
                _is_verb(w.lower()) if _KK_LETTERS.isdisjoint(sentence.text.lower()) else _KK_VERB_END.search(w.lower())
                for w in _WORD.findall(sentence.text))))
        if is_heading:
            heading = index     # «4. Кому мы передаём сведения» frames the clauses under it
            sharing_heading = _SHARING_HEADING.match(sentence.text) is not None
        low, lead_low = lows[index], lows[parent] if parent is not None else None
        if (index in advice and _ADVICE.search(sentence.text, low)) or (
                parent in advice and _ADVICE.search(lead.text, lead_low)):  # type: ignore[union-attr]
            continue
        words = sentence_words[index]
        lead_words = sentence_words[parent] if parent is not None else None
        context = [w for w in (lead_words, sentence_words[heading] if heading not in (None, index) else None) if w]
        # A list item speaks its lead-in's language («Аты;» under a Kazakh lead-in has no Kazakh letter).
        hint = "kk" if lead is not None and not _KK_LETTERS.isdisjoint(lead.text.lower()) else language
        # An item holding a value (a number at least) under «Исполнитель:» is the operator's own detail;
        # «телефон нөмірі;» under «Байланыс:» still names data collected.
        own_block = lead is not None and _OWN_LEAD.match(lead.text) is not None and (
            _CONTACT_VALUE.search(sentence.text) is not None or _DIGIT.search(sentence.text) is not None)
        # «… мына мекенжайға хабарласыңыз:» with the address on the lines after it: the lead-in's contact value
        # stands in its first item.
        value_text = (sentence.text + "\n" + sentences[index + 1].text
                      if sentence.text.endswith(":") and index + 1 < len(sentences) else None)
        found = _matches(sentence, words, context, lead is not None, hint, regex_rules[index], low, own_block,
                         value_text)
        if lead is None and sharing_heading and heading != index and _recipient_item(sentence) and not any(
                m.compiled.rule.categories == ("third_party_sharing",) for m in found):
            declarations.append(Declaration("third_party_sharing", "declared", sentence.text, sentence.start,
                                            sentence.end, RECIPIENT_UNDER_HEADING, _vendors(sentence.text, low),
                                            "specific", "heading"))
        if not found:
            continue
        toks = words.toks
        names_a_subject = is_heading or _DEFINITION.match(sentence.text) or _CONCEPT.search(sentence.text) or (
            sentence.kind in ("item", "clause") and _ITEM_DEFINITION.match(sentence.text))
        if (names_a_subject and not _data_list(sentence.text)) or _glossary_item(sentences, index, parent):
            # A heading or a glossary entry names a subject; only names and numbers count there.
            found = [m for m in found if m.first < 0]
            if not found:
                continue
        denied = _denied_spans(toks, found, sentence.text, sentence.start)
        verbs_at = {t.start: t for t in toks}
        following = _EXCEPTION_FOLLOWS.match(sentences[index + 1].text) if index + 1 < len(sentences) else None
        follows = following is not None and not _legal_only(sentences[index + 1].text, following)
        clause_chars = [(toks[a].start, toks[b - 1].end) for a, b in _clauses(toks, sentence.text, sentence.start)]
        excepted = _excepted(denied, sentence.text, sentence.start, follows, clause_chars)
        # Clauses whose negated verb only refuses a transfer («… никогда не будут проданы или переданы»).
        # Not when another negation shares the object («не собираем и не передаём данные карт»).
        refusals = [(a, b) for a, b in clause_chars
                    if any(a <= verb < b for _, _, verb in denied)] if denied and all(
            _transfer_verb(verbs_at[verb]) for _, _, verb in denied) else []
        lead_negated = False
        if lead is not None and lead_words is not None:
            # «… мерзімнен артық сақталмайды:», «не хранятся дольше, чем:» limit storage; the items under
            # such a lead-in (a table of terms) are not denied.
            lead_negated = bool(_negations(lead_words.toks, lead.text, lead.start)) and not _EXCEPTION.search(
                lead.text, lead_low) and not _RETENTION_LIMIT.search(lead.text, lead_low)
        vendors = _vendors(sentence.text, low) if index in named else []
        per_category: dict[str, Declaration] = {}
        # Per category the best match speaks: specific before vague, a named vendor before a generic word,
        # the sentence's own language before another («cookie» in a Kazakh sentence is a Kazakh rule's).
        # A refused sale speaks last: «не продаём и не передаём третьим лицам» refuses a transfer too, and is
        # recorded as that (a sale refused alone denies less: see is_refused_sale).
        order = _language_order(sentence.text)
        for match in sorted(found, key=lambda m: (m.compiled.rule.vague, is_refused_sale(m.compiled.rule.rule),
                                                  m.first >= 0, order.get(m.compiled.rule.language, 9), m.start)):
            covering = [verb for a, b, verb in denied if a <= match.start < b] if (
                match.first >= 0 or set(match.compiled.rule.categories) <= _VENDOR_PRACTICES) else []
            if match.first >= 0 and set(match.compiled.rule.categories) <= _DATA_CATEGORIES and (
                    any(a <= match.start < b for a, b in refusals)):
                continue    # «контактные данные не будут проданы» denies a sale, not that the data are held
            negated = bool(covering)
            if is_refused_sale(match.compiled.rule.rule) and not negated:
                continue    # a sale counts only when refused («не продаём»); «продажа товаров» is no flow
            if negated and "cookies" in match.compiled.rule.categories and match.first >= 0 and any(
                    t.low.startswith(COOKIE_KIND_STEMS) for t in toks[max(0, match.first - 2):match.first]):
                continue    # «не использует рекламные cookies» refuses a kind of cookies, not every cookie
            exception = any(verb in excepted for verb in covering)
            other = match.first >= 0 and any(
                toks[j].keys & OTHER_WORDS and not _us_and(toks, j) and not _kk_except(toks, j)
                for j in range(max(0, match.first - 2), match.first))
            if negated and match.compiled.rule.categories == ("retention",) and _RETENTION_LIMIT.search(
                    sentence.text, low):
                negated = False     # «не дольше, чем необходимо» limits storage; it does not deny it
            if match.compiled.rule.rule.endswith(ABSENCE_RULE_SUFFIX):
                status, note = "denied", "absent"     # the rule's own words say the thing is not there
            elif negated and (exception or other):
                status, note = "declared", "exception"
            elif negated:
                status, note = "denied", "negated"
            elif lead_negated and match.first >= 0:
                status, note = "denied", "lead-in negated"
            else:
                status, note = "declared", "lead-in" if lead is not None else ""
            specificity = _specificity(match.compiled, vendors, words)
            for category in match.compiled.rule.categories:
                key = f"{category}:{status}"
                if key in per_category:
                    continue
                per_category[key] = Declaration(category, status, sentence.text, sentence.start, sentence.end,
                                                match.compiled.rule.rule, list(vendors), specificity, note)
        declarations.extend(per_category.values())
    declarations.sort(key=lambda d: (d.start, d.category, d.status))
    return declarations


def summarise(declarations: Iterable[Declaration]) -> dict[str, str]:
    """Category -> "declared", "denied", or "ambiguous" when the policy says both."""
    seen: dict[str, set[str]] = {}
    for declaration in declarations:
        seen.setdefault(declaration.category, set()).add(declaration.status)
    return {category: ("ambiguous" if len(statuses) > 1 else next(iter(statuses)))
            for category, statuses in sorted(seen.items())}

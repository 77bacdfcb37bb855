"""Which language a policy is written in: Russian, Kazakh, English, a mix of them, or unknown.

Kazakh is written in Cyrillic like Russian; it is told apart by its own letters
(ә ғ қ ң ө ұ ү һ і) and by frequent Kazakh words, since some sites type Kazakh
with Russian look-alike letters. Each line (block) is judged on its own and
weighed by its letters, so a Russian policy that quotes a Kazakh law title, or
names «Google Analytics», stays Russian, while a page with a Kazakh half and a
Russian half is "mixed".
"""

from __future__ import annotations

import re

from .prefilter import Prefiltered, lowered

__all__ = ["detect_language", "LANGUAGES"]

LANGUAGES = ("ru", "kk", "en", "mixed", "unknown")

# Letters are counted by runs («[…]+»): the lengths of the runs add up to the letters, and a line has a few
# runs where it has dozens of letters, each of which findall would make a string of.
_KK_LETTER = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]+")
# Frequent Kazakh words that are not Russian words (function words and policy vocabulary).
_KK_WORDS = frozenset("""
және мен бен пен немесе үшін туралы бойынша осы бұл сол ол олар біз сіз сізге сіздің біздің
деректер деректерді деректердің дербес жеке жинау өңдеу сақтау пайдаланушы пайдаланушының
сайтты сайттың келісім келісімі құқығы құқықтары тарапынан арқылы болып болады емес
жоқ бар керек мүмкін тек барлық кез келген қажет қазақстан республикасының заңы заңына
""".split())
_RU_WORDS = frozenset("""
и в во на не что с со по для от до из или как это при о об к также который которые
данные данных персональных персональные пользователь пользователя сайт сайта политика
обработка обработки согласие третьим лицам если может быть может будет являются
""".split())
_EN_WORDS = frozenset("""
the and of to in for or is are be by on with we you your our this that data personal
information privacy policy use may will not from as at which any cookies website site
""".split())

_URL_OR_EMAIL = Prefiltered(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]+")
_LATIN = re.compile(r"[A-Za-z]+")

# Above this size only three windows (start, middle, end) are read: enough to see a mix.
_SAMPLE_WINDOW = 20_000
_MIN_LETTERS = 20           # fewer letters than this: "unknown"
_MIX_SHARE = 0.2            # a second language with at least this share of the letters ...
_MIX_MIN_LETTERS = 80       # ... and at least this many letters makes the text "mixed"


def _sample(text: str) -> str:
    if len(text) <= 3 * _SAMPLE_WINDOW:
        return text
    middle = len(text) // 2 - _SAMPLE_WINDOW // 2
    return "\n".join((text[:_SAMPLE_WINDOW], text[middle:middle + _SAMPLE_WINDOW], text[-_SAMPLE_WINDOW:]))


def _block_language(block: str, low: str | None = None, urls: bool = True) -> tuple[str, int]:
    """The language of one line and the number of letters it weighs (`low`: lowered(block) when the caller has
    it; `urls`: False when the caller knows the line holds no address)."""
    low = lowered(block) if low is None else low
    if urls and _URL_OR_EMAIL.possible(low):
        block = _URL_OR_EMAIL.regex.sub(" ", block)   # addresses are Latin in every language
        low = lowered(block)
    cyrillic = sum(map(len, _CYRILLIC.findall(block)))
    latin = sum(map(len, _LATIN.findall(block)))
    if cyrillic + latin == 0:
        return "unknown", 0
    # Lower-cased as a whole when that is plain (kzprivacy.vocabulary.prefilter): the same words, one call.
    words = _WORD.findall(low) if low is not None else [w.lower() for w in _WORD.findall(block)]
    if cyrillic >= latin:
        kk_letters = sum(map(len, _KK_LETTER.findall(block)))
        kk_words = sum(map(_KK_WORDS.__contains__, words))
        ru_words = sum(map(_RU_WORDS.__contains__, words))
        # In Kazakh prose about 8% of letters are Kazakh-only ones; Russian has none
        # (bar a quoted name), so 2% is a safe line between them.
        if kk_letters >= max(2, 0.02 * cyrillic) or kk_words > ru_words:
            return "kk", cyrillic
        return "ru", cyrillic
    en_words = sum(map(_EN_WORDS.__contains__, words))
    # Latin-script text with no English function words (a URL, a brand, German...) counts as unknown.
    if en_words or len(words) <= 3:
        return "en", latin
    return "unknown", latin


def detect_language(text: str) -> str:
    """"ru", "kk", "en", "mixed" (substantial parts in two languages) or "unknown"."""
    if not text:
        return "unknown"
    weights: dict[str, int] = {"ru": 0, "kk": 0, "en": 0, "unknown": 0}
    sample = _sample(text)
    low = lowered(sample)
    if low is None:
        for block in sample.splitlines():
            language, letters = _block_language(block)
            weights[language] += letters
    else:
        # Lowered plainly as a whole (one character for one), the sample's lines are its lowered lines, and a
        # line can hold an address only if the whole does.
        urls = _URL_OR_EMAIL.possible(low)
        for block, block_low in zip(sample.splitlines(), low.splitlines(), strict=True):
            if block:
                language, letters = _block_language(block, block_low, urls)
                weights[language] += letters
    total = sum(weights.values())
    known = sorted(((v, k) for k, v in weights.items() if k != "unknown"), reverse=True)
    (first_w, first), (second_w, _) = known[0], known[1]
    if first_w < _MIN_LETTERS or first_w < weights["unknown"]:
        return "unknown"
    if second_w >= _MIX_MIN_LETTERS and second_w >= _MIX_SHARE * total:
        return "mixed"
    return first

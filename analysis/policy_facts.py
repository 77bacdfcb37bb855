"""Facts about a policy itself: who the operator is, how to reach it, what law it rests on, and warning signs.

Everything here is a regular expression over the text (the patterns shared with the
declarations live in kzprivacy.vocabulary.taxonomy); each warning keeps the sentence it came
from so a reader can check it.

Warning codes:
- foreign_law: cites Russian law (152-ФЗ, «федеральными законами», «Российской Федерации»),
  the mark of a template copied from a Russian site;
- template_placeholder: a blank left in a template («название компании», «[...]», «___», «ХХХ»);
- empty_contact: a contact label with nothing after it («e-mail: » at the end of a line);
- unlimited_retention: data kept «без ограничения срока» / «бессрочно»;
- invalid_bin: a БИН / ИИН that fails the Kazakhstan check digit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kzprivacy.analysis.sentences import Sentence, split_sentences
from kzprivacy.vocabulary.prefilter import Prefiltered, lowered
from kzprivacy.vocabulary.taxonomy import (CONSENT_VOICE, CONSENT_VOICE_CHARS, DOCUMENT_TITLE_CHARS,
                                DOCUMENT_TYPE_TITLES, FOREIGN_LAWS, LAW_PATTERNS, LEGAL_NAME_PATTERNS, VENDOR_PATTERNS)

__all__ = ["PolicyFacts", "extract_facts", "bin_is_valid", "document_type"]


@dataclass
class PolicyFacts:
    operator_names: list[str] = field(default_factory=list)
    bins: list[tuple[str, bool]] = field(default_factory=list)     # (12 digits, passes the check digit)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)                 # dates of the edition, as written
    versions: list[str] = field(default_factory=list)
    laws: list[str] = field(default_factory=list)                  # codes of kzprivacy.vocabulary.taxonomy.LAW_PATTERNS
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (code, evidence)
    document_type: str = "privacy_policy"                          # privacy_policy | consent | terms


_WEIGHTS_1 = tuple(range(1, 12))
_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def bin_is_valid(number: str) -> bool:
    """The Kazakhstan 12-digit check: weights 1..11 mod 11; on 10 a second pass with 3..11,1,2; 10 again is invalid."""
    digits = re.sub(r"[\s-]", "", number or "")
    if len(digits) != 12 or not digits.isdigit():
        return False
    values = [int(c) for c in digits]
    rest = sum(d * w for d, w in zip(values, _WEIGHTS_1, strict=False)) % 11
    if rest == 10:
        rest = sum(d * w for d, w in zip(values, _WEIGHTS_2, strict=False)) % 11
        if rest == 10:
            return False
    return rest == values[11]


_VENDOR = re.compile("|".join(f"(?:{p})" for p in VENDOR_PATTERNS))
# The patterns read over the whole text are Prefiltered: each runs only on a text holding its literals
# (kzprivacy.vocabulary.prefilter), as most find nothing in most policies and each scan costs the text's length.
_LEGAL_NAMES = tuple(Prefiltered(p) for p in LEGAL_NAME_PATTERNS)
_LAWS = {code: Prefiltered(p) for code, p in LAW_PATTERNS.items()}
_BANK = re.compile(r"(?i)\bбанк\w*|\bbank\b")
_BIN = Prefiltered(r"(?:\bБИН|\bИИН|\bBIN|\bIIN|\bБСН|\bЖСН)\s*(?:№|:|-|–)?\s*"
                   r"(?P<number>\d{12}|\d{4}\s\d{4}\s\d{4}|\d{6}\s\d{6})(?!\d)")
_EMAIL = Prefiltered(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
_PHONE = Prefiltered(r"(?<![\w+])(?:\+7|8)[\s-]?\(?\d{3}\)?[\s-]?\d{3}[\s-]?\d{2}[\s-]?\d{2}(?!\d)"
                     r"|(?<![\w+])\+(?!7)\d{1,3}[\s-]?\(?\d{1,4}\)?(?:[\s-]?\d{2,4}){2,4}(?!\d)")

_MONTHS = (r"(?:январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр|қаңтар|ақпан|наурыз|"
           r"сәуір|мамыр|маусым|шілде|тамыз|қыркүйек|қазан|қараша|желтоқсан|january|february|march|april|may|june|"
           r"july|august|september|october|november|december)[а-яәғқңөұүһі]*")
_DATE = (r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}\s+" + _MONTHS + r"\s+\d{4}(?:\s*(?:г\.|года?))?"
         r"|\d{4}\s+жылғы\s+\d{1,2}\s+" + _MONTHS + r"|" + _MONTHS + r"\s+\d{1,2},?\s+\d{4}")
# A date counts as the policy's own when it follows words about its edition, not a law's date.
_EDITION_DATE = Prefiltered(
    r"(?i)(?:последнее\s+обновление|обновлен[оа]?|дата\s+(?:публикации|вступления|обновления|утверждения|"
    r"размещения|последнего\s+изменения)|редакци[яи]\s+от|вступает\s+в\s+силу|утвержден[оа]?|действует\s+с|"
    r"last\s+(?:updated|modified|revised)|effective(?:\s+date)?|updated\s+on|жаңартыл\w*|күшіне\s+ен\w*|"
    r"бекітіл\w*)[^\n\d]{0,40}?(?P<date>" + _DATE + ")")
_VERSION = Prefiltered(r"(?i)(?:\bверсия|\bредакция|\bнұсқа\w*|\bversion|\bver\.|\bv\.)\s*(?:№\s*)?"
                       r"(?P<version>\d+(?:\.\d+)*)")

_PLACEHOLDERS = Prefiltered(
    r"(?i)\[\s*(?:\.{3}|…|_+|\s*)\s*\]"
    r"|\[[^\]\n]{0,40}(?:назван|наименован|укаж|компан|company|name|e-?mail|адрес|сайт|site|дата|date|ФИО|БИН)"
    r"[^\]\n]{0,40}\]"
    r"|_{3,}"
    r"|(?<![\w])[XХ]{3,}(?![\w])"
    # «название компании» left where the operator's name belongs (after a legal form, a quote, «Оператор —»).
    r"|(?:\b(?:ТОО|АО|ИП)\s*[«\"]?|[«\"\[<]|оператор\w*\s*(?:является\s+)?[—–:-]?\s*)"
    r"(?:название|наименование)\s+(?:вашей\s+)?(?:компании|организации|юридического\s+лица)"
    r"|укажите\s+\w+|впишите\s+\w+|вставьте\s+\w+|your\s+company\s+name|company\s+name\s+here"
    r"|\{\{?\s*[\w.]+\s*\}?\}|%[A-Z_]{3,}%|<\s*(?:название|company|name|сайт|site)[^>\n]{0,30}>"
    r"|\b(?:example\.(?:com|kz|ru)|yoursite\.\w+|вашсайт\.\w+|mysite\.\w+)\b"
    # A builder's sample domain left in («site.ru», «info@site.ru», «thismywebsite.com», «сайт.kz»).
    r"|(?<![\w.-])(?:www\.)?(?:site|sitename|your-site|my-site|thismywebsite|mywebsite|domain|сайт|вашсайт)"
    r"\.(?:ru|kz|com|рф|қаз)\b"
    # An instruction left as the value of a label («Юридический адрес: указать адрес»).
    r"|[:—–]\s*(?:указать|указывается|укажите|впишите|вставьте|заполнить)\s+\w+"
    # A name in quotes that is only the word for a name («ТОО «Название»», «Название сайта»).
    r"|[«\"](?:название|наименование)(?:\s+\w+)?[»\"]"
    # The stock names of Russian templates: «Ромашка», «Иванов Иван Иванович».
    r"|[«\"]Ромашка[»\"]|\bИванов\w*\s+Иван\w*\s+Иванович\w*"
    # A party defined by the placeholder itself: «разработано название компании (далее – Оператор)».
    r"|(?:название|наименование)\s+(?:вашей\s+)?(?:компании|организации)\s*\(\s*далее"
    # A blank in brackets where the site's own data belongs: «на сайте (адрес сайта)», «(ссылка на политику)».
    r"|\(\s*(?:адрес|url|ссылка\s+на|название|наименование|e-?mail|электронный\s+адрес)\s+"
    r"(?:сайта|компании|организации|страниц\w*|политик\w*|документ\w*|оператора)\s*\)")
# A link text left instead of the link: «размещена на странице по адресу Ссылка на документ».
_LINK_PLACEHOLDER = Prefiltered(r"\bСсылка\s+на\s+(?:документ|политику|страницу|сайт)\b")
_CONTACT_LABEL = Prefiltered(
    r"(?i)(?:e-?mail|эл\.\s*почт\w*|электронн\w+\s+почт\w*|почт\w*|телефон\w*|тел\.|phone|адрес\w*|"
    r"мекенжай\w*|пошта\w*)\s*:[ \t]*(?:$|(?=[,;]))", re.M)
_VALUE = re.compile(r"@|https?://|www\.|\d|^\s*(?:г\.|ул\.|пр\.)", re.I)
_NUMBER_MARKER = re.compile(r"^\s*(?:\d{1,3}(?:\.\d{1,3})*[.)]|[-—–•*])\s*")
_UNLIMITED = Prefiltered(
    r"(?i)без\s+ограничения\s+срока|бессрочн\w*|неограниченн\w+\s+срок\w*|в\s+течение\s+неограниченного|"
    r"мерзімсіз|шектеусіз\s+мерзім\w*|indefinite(?:ly)?|for\s+an\s+unlimited\s+(?:period|time)|"
    r"without\s+(?:a\s+)?time\s+limit")
# «Политика действует бессрочно» is about the document; only a sentence about the data counts.
_DATA_WORDS = re.compile(r"(?i)данн|информац|сведени|хран|обработ|дерек|мәлімет|сақта|data|information|retain|store")


def _sentence_at(sentences: list[Sentence], pos: int, text: str) -> str:
    for sentence in sentences:
        if sentence.start <= pos < sentence.end:
            return sentence.text
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    return text[line_start:line_end if line_end >= 0 else len(text)].strip()


def _add(items: list, value: object) -> None:
    if value not in items:
        items.append(value)


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


_NEXT_CLAUSE = re.compile(r"\s*\d{1,3}(?:\.\d{1,3})+[.)]?\s")
_NEXT_LABEL = re.compile(r"\s*(?:[-—–•*]\s*)?[^\W\d][\w .-]{0,30}:")


def _empty_contacts(text: str, low: str | None) -> list[int]:
    """Positions of contact labels with nothing after them, on their line or the next."""
    found = []
    for match in _CONTACT_LABEL.finditer(text, low):
        rest = text[match.end():]
        if rest[:1] in (",", ";"):
            found.append(match.start())
            continue
        following = next((line for line in rest.split("\n")[1:] if line.strip()), "")
        # The value may stand on the next line («E-mail:\ninfo@site.kz»); a new clause or label is not one.
        if (not following or _NEXT_CLAUSE.match(following) or _NEXT_LABEL.match(following)
                or not _VALUE.search(_NUMBER_MARKER.sub("", following, count=1)[:80])):
            found.append(match.start())
    return found


_TITLES = {kind: re.compile(pattern) for kind, pattern in DOCUMENT_TYPE_TITLES.items()}
_CONSENT_VOICE = re.compile(CONSENT_VOICE)


def document_type(text: str) -> str:
    """privacy_policy, consent or terms: the kind whose title the text opens with (the earliest in its first
    lines), else a consent when it speaks in the first person («Я … даю согласие»), else a privacy policy."""
    head = text[:DOCUMENT_TITLE_CHARS]
    found = [(m.start(), kind) for kind, regex in _TITLES.items() for m in [regex.search(head)] if m]
    if found:
        return min(found)[1]
    if _CONSENT_VOICE.search(text[:CONSENT_VOICE_CHARS]):
        return "consent"
    return "privacy_policy"


def extract_facts(text: str, sentences: list[Sentence] | None = None) -> PolicyFacts:
    """Operator, contacts, edition, cited laws and warning signs of one policy text (`sentences`:
    split_sentences(text), when the caller has it already)."""
    facts = PolicyFacts(document_type=document_type(text))
    sentences = split_sentences(text) if sentences is None else sentences

    low = lowered(text)
    inner_names: set[str] = set()
    for legal_name in _LEGAL_NAMES:
        for match in legal_name.finditer(text, low):
            inner = re.sub(r"\s+", " ", match.group("name")).strip().casefold()
            if _VENDOR.search(match.group("name")):
                continue    # «ООО «Яндекс»», «Google LLC»: a vendor's legal name, not the operator's
            if inner not in inner_names:
                inner_names.add(inner)
                facts.operator_names.append(re.sub(r"\s+", " ", match.group(0)).strip())

    # A bank named beside the operator («партнёрские банки: АО «… Банк»») is a partner, not the operator; a bank
    # is the operator only when it is the one legal name of the document (a bank's own policy).
    own = [name for name in facts.operator_names if not _BANK.search(name)]
    if own:
        facts.operator_names = own

    for match in _BIN.finditer(text, low):
        number = re.sub(r"\s", "", match.group("number"))
        valid = bin_is_valid(number)
        _add(facts.bins, (number, valid))
        if not valid:
            _add(facts.warnings, ("invalid_bin", _sentence_at(sentences, match.start(), text)))

    for match in _EMAIL.finditer(text, low):
        _add(facts.emails, match.group(0).rstrip("."))
    seen_phones: set[str] = set()
    for match in _PHONE.finditer(text, low):
        digits = _digits(match.group(0))
        if digits not in seen_phones:
            seen_phones.add(digits)
            facts.phones.append(match.group(0).strip())

    for match in _EDITION_DATE.finditer(text, low):
        _add(facts.dates, match.group("date"))
    for match in _VERSION.finditer(text, low):
        _add(facts.versions, match.group("version"))

    for code, law in _LAWS.items():
        for match in law.finditer(text, low):
            _add(facts.laws, code)
            if code in FOREIGN_LAWS:
                _add(facts.warnings, ("foreign_law", _sentence_at(sentences, match.start(), text)))
    # 152-ФЗ is also a federal law: one code is enough.
    if "ru_152fz" in facts.laws and "ru_law" in facts.laws:
        facts.laws.remove("ru_law")

    for placeholder in (_PLACEHOLDERS, _LINK_PLACEHOLDER):
        for match in placeholder.finditer(text, low):
            _add(facts.warnings, ("template_placeholder", _sentence_at(sentences, match.start(), text)))
    for pos in _empty_contacts(text, low):
        _add(facts.warnings, ("empty_contact", _sentence_at(sentences, pos, text)))
    for match in _UNLIMITED.finditer(text, low):
        sentence = _sentence_at(sentences, match.start(), text)
        if _DATA_WORDS.search(sentence):
            _add(facts.warnings, ("unlimited_retention", sentence))
    return facts

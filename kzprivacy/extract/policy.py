"""Finding the privacy policy: which links lead to it, and whether a document is one.

Both scores are explainable sums of named signals, in Russian, Kazakh and
English, so a surprising choice can be traced to the words that made it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from .html import Link

__all__ = ["score_policy_link", "policy_links", "form_page_links", "language_variants", "is_policy_score",
           "document_kind", "link_document_kind", "unreadable_policy", "COMMON_POLICY_PATHS", "LANGUAGE_SEGMENTS",
           "DOCUMENT_KINDS", "POLICY_THRESHOLD", "STRONG_LINK_SCORE"]

# The scale of the scores below, declared once for the crawler, the store and the analysis alike: these are
# part of what a crawl's data means (sites.policy_url, the policies analysed), so they are not per-run settings.
POLICY_THRESHOLD = 0.5   # a document scoring this reads as a policy, and may become the site's policy
STRONG_LINK_SCORE = 0.6  # a link this clear names a policy even when the document behind it cannot be read

# Link text that names a privacy policy (strong) or personal data in general (weaker).
_TEXT_STRONG = re.compile(
    r"политик\w*\s+(?:в\s+отношении\s+)?(?:конфиденциальност|обработк\w*\s+(?:и\s+защит\w*\s+)?персональн|"
    r"персональн|защит\w*\s+персональн|cookie|куки)"
    r"|конфиденциальност"
    r"|согласи\w*\s+на\s+обработк"
    r"|обработк\w*\s+(?:и\s+защит\w*\s+)?персональн"
    r"|құпиялылық|құпиялық"
    r"|(?:дербес|жеке)\s+деректер"
    r"|privacy|personal\s+data|data\s+protection|cookie\s+policy",
    re.I)
_TEXT_WEAK = re.compile(r"персональн\w*\s+данн|политик|policy|cookie|куки|саясат", re.I)
# Slugs that sites use for their policy pages.
_HREF = re.compile(
    r"privacy|confiden|konfiden|policy|politik|politic|personal|persdan|pers-data|\bpdn\b|soglasie|"
    r"gdpr|cookie|kupiya|derbes|zashchita-dannyh|zashita-dannyh|obrabotk\w*-(?:pers|dannyh|dannykh|pd\b)",
    re.I)
# Documents that sit next to a policy and are not one.
_NOT_POLICY = re.compile(
    r"пользовательск\w*\s+соглашени|публичн\w*\s+оферт|договор\w*\s+оферт|условия\s+(?:использования|"
    r"пайдалану)|правила\s+(?:сайта|пользования)|terms\s+(?:of\s+(?:use|service)|and\s+conditions)|"
    r"\boferta\b|\bterms\b|пайдаланушы\w*\s+келісім|пайдалану\s+шарттар|public\s+offer|новост|жаңалық|\bnews\b|"
    r"\bblog\b|статья",
    re.I)


# A consent to processing is a document of its own kind: followed, kept, never the privacy policy.
_CONSENT_DOC = re.compile(
    r"согласи\w*\s+(?:пользовател\w*\s+|субъект\w*\s+)?(?:на|о)\s+(?:сбор\w*\s+(?:и\s+)?)?обработк"
    r"|(?:дербес|жеке)\s+деректер\w*[^.]{0,60}?келісім"
    r"|келісім\w*\s+(?:дербес|жеке)\s+деректер"
    r"|consent\s+(?:to|for)\s+(?:the\s+)?(?:collection|processing)",
    re.I)
# «Положение» (a regulation) names the policy when the words around it are about personal data.
_REGULATION = re.compile(r"^\W*(?:положени\w*|ереже\w*|regulations?)\b", re.I)
_PERSONAL = re.compile(r"персональн|дербес|жеке\s+деректер|personal\s+data", re.I)
_POLICY_NAME = re.compile(r"политик|саясат|policy|положени|ереже", re.I)
_OFFER = re.compile(r"оферт|oferta|public\s+offer", re.I)


def link_document_kind(text: str) -> str | None:
    """What a link's words say the document is: privacy_policy, consent, terms, offer, or None."""
    text = text or ""
    if _CONSENT_DOC.search(text) and not _POLICY_NAME.search(text):
        return "consent"
    if _OFFER.search(text):
        return "offer"
    if _TERMS.search(text):
        return "terms"
    if _TEXT_STRONG.search(text):
        return "privacy_policy"
    return None


def score_policy_link(link: Link) -> float:
    """0..1: how likely a link leads to the site's privacy policy."""
    text = link.text or ""
    parts = urlsplit(link.url)
    path = (parts.path + "?" + parts.query)[:2048]  # a 100,000-character address is read as far as any is
    score = 0.0
    if link.via == "rel":
        return 1.0  # <link rel="privacy-policy">: the site says so in the markup's own words
    if _TEXT_STRONG.search(text):
        score += 0.6
    elif len(link.context) < 400 and _REGULATION.search(text) and _PERSONAL.search(link.context):
        score += 0.5  # «Я принимаю <a>Положение</a> и даю согласие на обработку персональных данных»
    elif _TEXT_WEAK.search(text):
        score += 0.3
    elif len(link.context) < 200 and _TEXT_STRONG.search(link.context):
        score += 0.25  # "I agree with the <a>policy</a>" style links: the words are around the link
    if _HREF.search(path):
        score += 0.3
    if link.region in ("footer", "banner", "consent"):
        score += 0.1
    if _NOT_POLICY.search(text) or _NOT_POLICY.search(path):
        score -= 0.5
    elif link_document_kind(text) == "consent":
        score -= 0.15  # followed and kept as a consent, ranked below the policy itself
    # Rounded: 0.6 + 0.3 - 0.5 must equal the 0.4 threshold, not fall a hair below it.
    return round(max(0.0, min(1.0, score)), 3)


@dataclass
class ScoredLink:
    url: str
    text: str
    score: float
    found_via: str  # link | footer_link | banner_link | consent_link | builder_link | script_link


_FOUND_VIA_REGION = {"footer": "footer_link", "banner": "banner_link", "consent": "consent_link"}
_FOUND_VIA_KIND = {"builder": "builder_link", "script": "script_link", "rel": "link"}


def policy_links(links: list[Link], min_score: float = 0.3) -> list[ScoredLink]:
    """Candidate policy links, best first, one per URL."""
    best: dict[str, ScoredLink] = {}
    for link in links:
        if link.region == "head":
            continue
        score = score_policy_link(link)
        if score < min_score:
            continue
        via = (_FOUND_VIA_REGION.get(link.region) if link.region == "consent" else None) or \
            _FOUND_VIA_KIND.get(link.via) or _FOUND_VIA_REGION.get(link.region, "link")
        if link.url not in best or best[link.url].score < score:
            best[link.url] = ScoredLink(link.url, link.text, score, via)
    return sorted(best.values(), key=lambda s: (-s.score, s.url))


# Pages where visitors hand over data: contact, order, booking, registration, feedback,
# callback, application (заявка), price calculation, brief, subscription.
_FORM_PAGE = re.compile(
    r"контакт|обратн\w*\s+связ|связаться|заказ|закаж|оформ|корзин|запис|бронир|регистрац|зарегистрир|"
    r"личный\s+кабинет|заявк|звон|перезвон|подключ|рассчита|расч[её]т|бриф|подписк|"
    r"байланыс|тапсырыс|жазыл|тіркел|өтінім|"
    r"contact|feedback|order|checkout|cart|booking|appointment|register|sign\s*up|signup|request|callback|"
    r"subscribe|quote",
    re.I)
_FORM_HREF = re.compile(r"contact|kontakt|feedback|order|zakaz|checkout|cart|korzina|booking|zapis|appointment|"
                        r"register|registration|signup|request|zayavka|forma|form|callback|connect|raschet|brief|"
                        r"tapsyrys|subscribe", re.I)


def form_page_links(links: list[Link]) -> list[tuple[str, str]]:
    """(url, text) of contact, registration, order, booking and feedback pages, in page order."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for link in links:
        if link.region == "head" or link.url in seen:
            continue
        path = urlsplit(link.url).path
        if _FORM_PAGE.search(link.text or "") or _FORM_HREF.search(path):
            if _NOT_POLICY.search(link.text or ""):
                continue
            seen.add(link.url)
            out.append((link.url, link.text))
    return out


LANGUAGE_SEGMENTS = {"ru": "ru", "rus": "ru", "kk": "kk", "kz": "kk", "kaz": "kk", "qq": "kk", "en": "en", "eng": "en"}
_SWITCHER_TEXT = re.compile(r"^(?:рус(?:ский)?|ru|қаз(?:ақ(?:ша)?)?|каз(?:ахский)?|kz|kk|қаз|eng(?:lish)?|en)$", re.I)


def _language_segment(url: str) -> tuple[int, str] | None:
    segments = urlsplit(url).path.split("/")
    for i, seg in enumerate(segments):
        if seg.lower() in LANGUAGE_SEGMENTS:
            return i, seg.lower()
    return None


def language_variants(policy_url: str, links: list[Link]) -> list[str]:
    """Other-language versions of a policy: hreflang alternates, and switcher links to the same path in /ru/,
    /kk/, /en/."""
    out: list[str] = []
    here = urlsplit(policy_url)
    here_seg = _language_segment(policy_url)
    for link in links:
        if link.url == policy_url or link.url in out:
            continue
        # <link rel=alternate hreflang> names the same document in another language;
        # an <a hreflang> only names the language of wherever it leads (often the home page).
        if link.region == "head" and link.hreflang[:2] in ("ru", "kk", "kz", "en"):
            out.append(link.url)
            continue
        there = urlsplit(link.url)
        if there.hostname != here.hostname:
            continue
        there_seg = _language_segment(link.url)
        if here_seg and there_seg and there_seg[1] != here_seg[1]:
            a, b = here.path.split("/"), there.path.split("/")
            if len(a) == len(b) and all(x == y for i, (x, y) in enumerate(zip(a, b, strict=True)) if i != here_seg[0]):
                out.append(link.url)
                continue
        if _SWITCHER_TEXT.match(link.text or "") and there.path.rstrip("/").endswith(
                here.path.rstrip("/").rsplit("/", 1)[-1]):
            out.append(link.url)
    return out


# Where sites keep a policy they do not link to; probed whenever no policy link is found.
COMMON_POLICY_PATHS = ("/privacy-policy", "/privacy", "/politika-konfidencialnosti", "/politika-konfidentsialnosti",
                       "/policy", "/personal-data", "/privacy.html", "/policy.html")


def with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


# Words a privacy policy uses, by language; a document that uses many of them is likely one.
_MARKERS = [re.compile(p, re.I) for p in (
    r"персональн\w*\s+данн", r"обработк\w*", r"конфиденциальн", r"cookie|куки", r"трет\w+\s+лиц",
    r"субъект\w*", r"оператор\w*|собственник\w*", r"согласи\w*", r"хранени\w*|хранит", r"защит\w*",
    r"(?:дербес|жеке)\s+деректер", r"құпиялылық", r"үшінші\s+тұлға", r"келісім",
    r"personal\s+(?:data|information)", r"privacy", r"third\s+part", r"consent", r"process(?:ing)?\b",
)]
_TITLE = re.compile(_TEXT_STRONG.pattern + r"|политика|policy|саясат", re.I)


MIN_SHORT_MARKERS = 2  # a short document titled as the policy needs this many policy words to be one


def is_policy_score(title: str, text: str, url: str = "", link_text: str = "") -> float:
    """0..1: how sure we are that a document is a privacy policy (not terms of use, not a news item).

    A short document (a few sentences) titled or headed as the privacy policy, or linked as one and naming
    itself so in its first line, is kept as a policy (its score reaches the threshold): a site that serves
    a policy-titled page has a policy, however thin. Other short pages stay below the threshold."""
    if not text:
        return 0.0
    head = text[:3000]
    hits = sum(1 for marker in _MARKERS if marker.search(head if len(text) < 20000 else text[:20000]))
    density = min(1.0, hits / 7)
    named = 0.0
    if _TEXT_STRONG.search(title or "") or _TEXT_STRONG.search(text[:300]):
        named = 1.0
    elif _TEXT_STRONG.search(link_text or "") or _HREF.search(urlsplit(url).path):
        named = 0.5
    chars = len(text)
    length = 0.0 if chars < 300 else 0.6 if chars < 1500 else 1.0
    score = 0.45 * named + 0.45 * density + 0.10 * length
    not_policy = bool(_NOT_POLICY.search(title or "") or _NOT_POLICY.search(text[:200]))
    if not_policy:
        score -= 0.4
    if chars < 300:
        first_line = text.strip().split("\n", 1)[0][:200]
        titled = bool(_TEXT_STRONG.search(title or "") or _TEXT_STRONG.search(first_line))
        if titled and not not_policy and hits >= MIN_SHORT_MARKERS and not _CONSENT_DOC.search(title or first_line):
            score = max(score, POLICY_THRESHOLD)
        else:
            score = min(score, 0.3)
    return round(max(0.0, min(1.0, score)), 3)


_TERMS = re.compile(
    r"пользовательск\w*\s+соглашени|условия\s+(?:использования|пайдалану)|правила\s+(?:сайта|пользования)"
    r"|пайдаланушы\w*\s+келісім|пайдалану\s+шарттар|terms\s+(?:of\s+(?:use|service)|and\s+conditions)"
    r"|user\s+agreement", re.I)
DOCUMENT_KINDS = ("privacy_policy", "consent", "terms", "offer", "other")


def document_kind(title: str, text: str, score: float) -> str:
    """What a fetched candidate is: privacy_policy, consent, terms, offer or other.

    A consent to processing («Согласие на обработку персональных данных», «Дербес деректерді өңдеуге
    келісім») is its own kind even when it reads like a policy; terms of use and offers are not policies."""
    head = f"{title or ''}\n{(text or '').strip()[:200]}"
    first = f"{(title or '').strip()}\n{(text or '').strip().split(chr(10), 1)[0][:200]}"
    if _CONSENT_DOC.search(first) and not re.search(r"политик|саясат|policy", first, re.I):
        return "consent"
    if _OFFER.search(first):
        return "offer"
    if _TERMS.search(first) and not _TEXT_STRONG.search(first):
        return "terms"
    if score >= POLICY_THRESHOLD:
        return "privacy_policy"
    if _CONSENT_DOC.search(head) and not _TEXT_STRONG.search(first):
        return "consent"
    return "other"


MAX_UNREADABLE_CHARS = 300  # a page titled as the policy with less text than this was not read


def unreadable_policy(title: str, text: str, score: float) -> bool:
    """A page titled as the privacy policy whose text is too thin to read as one: a shell that a script
    fills in, a «loading…» placeholder. It is the site's policy all the same, one that could not be read."""
    title = title or ""
    return (score < POLICY_THRESHOLD and len((text or "").strip()) < MAX_UNREADABLE_CHARS
            and bool(_TEXT_STRONG.search(title)) and not _NOT_POLICY.search(title) and not _CONSENT_DOC.search(title))

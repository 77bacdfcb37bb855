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
           "COMMON_POLICY_PATHS", "LANGUAGE_SEGMENTS"]

# Link text that names a privacy policy (strong) or personal data in general (weaker).
_TEXT_STRONG = re.compile(
    r"политик\w*\s+(?:в\s+отношении\s+)?(?:конфиденциальност|обработк\w*\s+(?:и\s+защит\w*\s+)?персональн|"
    r"персональн|защит\w*\s+персональн|cookie|куки)"
    r"|конфиденциальност"
    r"|согласи\w*\s+на\s+обработк"
    r"|обработк\w*\s+(?:и\s+защит\w*\s+)?персональн"
    r"|құпиялылық|құпиялық"
    r"|дербес\s+деректер"
    r"|privacy|personal\s+data|data\s+protection|cookie\s+policy",
    re.I)
_TEXT_WEAK = re.compile(r"персональн\w*\s+данн|политик|policy|cookie|куки|саясат", re.I)
# Slugs that sites use for their policy pages.
_HREF = re.compile(
    r"privacy|confiden|konfiden|policy|politik|politic|personal|persdan|pers-data|\bpdn\b|soglasie|"
    r"gdpr|cookie|kupiya|derbes|zashchita-dannyh|zashita-dannyh|obrabotka",
    re.I)
# Documents that sit next to a policy and are not one.
_NOT_POLICY = re.compile(
    r"пользовательск\w*\s+соглашени|публичн\w*\s+оферт|договор\w*\s+оферт|условия\s+(?:использования|"
    r"пайдалану)|правила\s+(?:сайта|пользования)|terms\s+(?:of\s+(?:use|service)|and\s+conditions)|"
    r"\boferta\b|\bterms\b|пайдаланушы\w*\s+келісім|новост|жаңалық|\bnews\b|\bblog\b|статья",
    re.I)


def score_policy_link(link: Link) -> float:
    """0..1: how likely a link leads to the site's privacy policy."""
    text = link.text or ""
    path = urlsplit(link.url).path + "?" + urlsplit(link.url).query
    score = 0.0
    if _TEXT_STRONG.search(text):
        score += 0.6
    elif _TEXT_WEAK.search(text):
        score += 0.3
    elif _TEXT_STRONG.search(link.context) and len(link.context) < 200:
        score += 0.25  # "I agree with the <a>policy</a>" style links: the words are around the link
    if _HREF.search(path):
        score += 0.3
    if link.region in ("footer", "banner"):
        score += 0.1
    if _NOT_POLICY.search(text) or _NOT_POLICY.search(path):
        score -= 0.5
    # Rounded: 0.6 + 0.3 - 0.5 must equal the 0.4 threshold, not fall a hair below it.
    return round(max(0.0, min(1.0, score)), 3)


@dataclass
class ScoredLink:
    url: str
    text: str
    score: float
    found_via: str  # link | footer_link | banner_link


def policy_links(links: list[Link], min_score: float = 0.3) -> list[ScoredLink]:
    """Candidate policy links, best first, one per URL."""
    best: dict[str, ScoredLink] = {}
    for link in links:
        if link.region == "head":
            continue
        score = score_policy_link(link)
        if score < min_score:
            continue
        via = {"footer": "footer_link", "banner": "banner_link"}.get(link.region, "link")
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
    """Other-language versions of a policy: hreflang alternates, and switcher links to the same path in /ru/, /kk/, /en/."""
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
            if len(a) == len(b) and all(x == y for i, (x, y) in enumerate(zip(a, b)) if i != here_seg[0]):
                out.append(link.url)
                continue
        if _SWITCHER_TEXT.match(link.text or "") and there.path.rstrip("/").endswith(
                here.path.rstrip("/").rsplit("/", 1)[-1]):
            out.append(link.url)
    return out


# Where sites keep a policy they do not link to; probed only when no link is found.
COMMON_POLICY_PATHS = ("/privacy-policy", "/privacy", "/politika-konfidencialnosti", "/policy", "/personal-data",
                       "/privacy.html")


def with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


# Words a privacy policy uses, by language; a document that uses many of them is likely one.
_MARKERS = [re.compile(p, re.I) for p in (
    r"персональн\w*\s+данн", r"обработк\w*", r"конфиденциальн", r"cookie|куки", r"трет\w+\s+лиц",
    r"субъект\w*", r"оператор\w*|собственник\w*", r"согласи\w*", r"хранени\w*|хранит", r"защит\w*",
    r"дербес\s+деректер", r"құпиялылық", r"үшінші\s+тұлға", r"келісім",
    r"personal\s+(?:data|information)", r"privacy", r"third\s+part", r"consent", r"process(?:ing)?\b",
)]
_TITLE = re.compile(_TEXT_STRONG.pattern + r"|политика|policy|саясат", re.I)


def is_policy_score(title: str, text: str, url: str = "", link_text: str = "") -> float:
    """0..1: how sure we are that a document is a privacy policy (not terms of use, not a news item)."""
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
    if _NOT_POLICY.search(title or "") or _NOT_POLICY.search(text[:200]):
        score -= 0.4
    if chars < 300:
        score = min(score, 0.3)
    return round(max(0.0, min(1.0, score)), 3)

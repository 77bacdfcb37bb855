"""Finding a policy the way real sites show it, beyond `<a href>` links.

Pure functions over (HTML, page URL), alongside `html.extract_links`:

- `extract_script_links`: navigation that is not an `<a href>`: site-builder attributes
  (`data-page-link` of LPmotor, `data-href`, `data-url`, `data-link`), `onclick` handlers
  (`location.href = '…'`, `window.open('…')`), `<button formaction>`, `<area href>`, and the
  standard `rel="privacy-policy"` link type;
- `extract_consent_links`: links inside a form's consent label or notice («Я принимаю
  <a>Положение</a> и даю <a>Согласие на обработку персональных данных</a>»), region `consent`;
- `in_page_policies`: a policy that lives inside the page (a modal dialog, a section, a
  `<template>`, a hidden block), with its own text;
- `policy_mentions`: a policy named in plain text with no link at all.

Every loop is bounded by the number of elements on the page, and every string is cut.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from itertools import chain, islice

from lxml import etree
from parsel import Selector

from .documents import _block_text
from .limits import DEFAULT_CAPS, Caps
from .html import Link, _http_url, clean_text, extract_links, selector

__all__ = ["extract_script_links", "extract_consent_links", "in_page_policies", "policy_mentions", "InPagePolicy",
           "BUILDER_ATTRIBUTES", "discovery_links", "page_links"]

# Attributes that site builders use instead of href (LPmotor's data-page-link, and the common ones).
BUILDER_ATTRIBUTES = ("data-page-link", "data-href", "data-url", "data-link", "data-link-href")
MAX_ANCESTORS = 40      # how far up a region or a consent label is looked for
MAX_NODES = 5000        # elements of one kind looked at on a page (a hostile page has more)


def _js_string(name: str, quote_group: int) -> str:
    """A quoted JavaScript string: its quote is group `quote_group`, its content group `name`."""
    return "\\s*(['\"`])(?P<" + name + ">[^'\"`\\s]{1,2000})\\" + str(quote_group)


# location = '…', location.href = '…', window.location.href = "…", location.assign('…'), window.open('…')
_ONCLICK = re.compile(
    r"(?:location(?:\.href)?\s*=" + _js_string("u1", 1) + r")"
    r"|(?:location\.(?:assign|replace)\(" + _js_string("u2", 3) + r")"
    r"|(?:open\(" + _js_string("u3", 5) + r")")
_BANNER_MARK = re.compile(r"cookie|consent|gdpr", re.I)
_FOOTER_MARK = re.compile(r"footer", re.I)
# Words of a consent label or notice: «я согласен», «даю согласие», «принимаю», «ознакомлен», «келісемін», "I agree".
_CONSENT_WORDS = re.compile(
    r"соглас|соглаш|принима|ознакомл|подтвержда|нажимая|отправляя|даю\s+соглас|келіс|қабылда|agree|consent|accept|"
    r"i\s+have\s+read",
    re.I)


def _text(el: etree._Element, limit: int = 600) -> str:
    """The element's text, read only as far as `limit` characters (a wrapper may hold the whole page)."""
    parts, size = [], 0
    for piece in el.itertext():
        parts.append(piece)
        size += len(piece)
        if size > limit:
            break
    return clean_text(" ".join(parts), limit)


def _region(node: etree._Element) -> str:
    """banner (cookie or consent banner), footer or body, from the element's ancestors."""
    footer = False
    for depth, el in enumerate(chain([node], node.iterancestors())):
        if depth > MAX_ANCESTORS:
            break
        tag = el.tag if isinstance(el.tag, str) else ""
        marker = f"{el.get('class', '')} {el.get('id', '')}"
        if _BANNER_MARK.search(marker):
            return "banner"
        if tag == "footer" or _FOOTER_MARK.search(marker):
            footer = True
    return "footer" if footer else "body"


def _node_text(node: etree._Element) -> str:
    text = _text(node, 300) if hasattr(node, "itertext") else ""
    return text or clean_text(node.get("title") or node.get("aria-label") or node.get("value") or "")


def _context(node: etree._Element) -> str:
    parent = node.getparent()
    return _text(parent, 400) if parent is not None else ""


def _onclick_url(code: str) -> str | None:
    match = _ONCLICK.search(code[:4000])
    if not match:
        return None
    return match.group("u1") or match.group("u2") or match.group("u3")


def extract_script_links(html: str | Selector, page_url: str) -> list[Link]:
    """Navigation written as builder attributes, onclick handlers, formaction, area or rel=privacy-policy."""
    sel = html if isinstance(html, Selector) else selector(html)
    links: list[Link] = []
    seen: set[tuple[str, str]] = set()

    def add(node: etree._Element, href: str | None, via: str, text: str | None = None) -> None:
        url = _http_url(page_url, href)
        if url is None:
            return
        text = clean_text(text) if text is not None else _node_text(node)
        if (url, text) in seen:
            return
        seen.add((url, text))
        links.append(Link(url=url, text=text, region=_region(node), context=_context(node), via=via))

    attrs = " or ".join(f"@{a}" for a in BUILDER_ATTRIBUTES)
    for node in sel.xpath(f"//*[{attrs}]")[:MAX_NODES]:
        el = node.root
        for attr in BUILDER_ATTRIBUTES:
            if el.get(attr):
                add(el, el.get(attr), "builder")
                break
    for node in sel.xpath("//*[@onclick]")[:MAX_NODES]:
        el = node.root
        add(el, _onclick_url(el.get("onclick") or ""), "script")
    for node in sel.xpath("//*[@formaction][self::button or self::input]")[:MAX_NODES]:
        add(node.root, node.root.get("formaction"), "script")
    for node in sel.xpath("//area[@href]")[:MAX_NODES]:
        add(node.root, node.root.get("href"), "link", node.root.get("alt") or node.root.get("title") or "")
    # The HTML standard's own link type for a privacy policy: <link rel="privacy-policy" href="…">.
    for node in sel.xpath("//*[self::link or self::a][@href][contains(concat(' ', translate(@rel, "
                          "'PRIVACYOLIC', 'privacyolic'), ' '), ' privacy-policy ')]")[:MAX_NODES]:
        add(node.root, node.root.get("href"), "rel", _node_text(node.root) or "privacy-policy")
    return links


def _is_checkbox(el: etree._Element) -> bool:
    return el.tag == "input" and (el.get("type") or "").lower() == "checkbox"


def _has_checkbox(el: etree._Element, children: int = 40) -> bool:
    """A checkbox among the element's children or grandchildren (looked at up to a bound)."""
    for child in islice(el, children):
        # islice, not a filter: a child holding 50,000 links must cost `children` steps, not 50,000.
        if _is_checkbox(child) or any(_is_checkbox(g) for g in islice(child, children)):
            return True
    return False


def _consent_spot(el: etree._Element) -> str | None:
    """The text of the consent label or notice the element stands in, or None."""
    in_form = False
    label_text = None
    for depth, anc in enumerate(el.iterancestors()):
        if depth > MAX_ANCESTORS:
            break
        tag = anc.tag if isinstance(anc.tag, str) else ""
        if tag == "form":
            in_form = True
            break
        if depth < 4 and label_text is None and (tag == "label" or _has_checkbox(anc)):
            label_text = _text(anc, 400)
    if label_text is not None and _CONSENT_WORDS.search(label_text):
        return label_text
    if in_form:
        context = _context(el)
        if _CONSENT_WORDS.search(context):
            return context
    return None


def extract_consent_links(html: str | Selector, page_url: str) -> list[Link]:
    """Links inside consent labels and notices: «Я принимаю <a>Положение</a> и даю <a>Согласие…</a>».

    Region `consent`, context the whole label, so that «Положение» is read with the words around it."""
    sel = html if isinstance(html, Selector) else selector(html)
    links: list[Link] = []
    attrs = " or ".join(f"@{a}" for a in BUILDER_ATTRIBUTES)
    # Simple paths only: a union of many node sets is quadratic in libxml2. _consent_spot decides.
    nodes = [*sel.xpath("//a[@href]")[:MAX_NODES], *sel.xpath(f"//form//*[{attrs} or @onclick]")[:MAX_NODES]]
    seen: set[tuple[str, str]] = set()
    for node in nodes:
        el = node.root
        spot = _consent_spot(el)
        if spot is None:
            continue
        href = el.get("href") if el.tag == "a" else (
            next((el.get(a) for a in BUILDER_ATTRIBUTES if el.get(a)), None) or _onclick_url(el.get("onclick") or ""))
        url = _http_url(page_url, href)
        if url is None:
            continue
        text = _node_text(el)
        if (url, text) in seen:
            continue
        seen.add((url, text))
        links.append(Link(url=url, text=text, region="consent", context=spot,
                          via="" if el.tag == "a" else "builder"))
    return links


def discovery_links(html: str | Selector, page_url: str) -> list[Link]:
    """Every link beyond `<a href>` that a policy finder should score, consent-label links included."""
    sel = html if isinstance(html, Selector) else selector(html)
    return extract_script_links(sel, page_url) + extract_consent_links(sel, page_url)


def page_links(html: str | Selector, page_url: str, caps: Caps = DEFAULT_CAPS,
               warnings: list[str] | None = None) -> list[Link]:
    """All the links of a page a crawler scores: `<a href>` and `<link>` alternates, then the rest
    (`<a>` links capped at `caps.links`, a cut noted in `warnings`)."""
    sel = html if isinstance(html, Selector) else selector(html)
    return extract_links(sel, page_url, caps, warnings) + discovery_links(sel, page_url)


# -- a policy inside the page -------------------------------------------------------------------

# A heading that names the privacy policy or a regulation on personal data (not consent, not terms).
_POLICY_HEADING = re.compile(
    r"политик\w*\s+(?:в\s+отношении\s+)?(?:конфиденциальност|обработк|персональн|защит\w*\s+персональн)"
    r"|конфиденциальност|положени\w*\s+(?:об?\s+)?(?:обработк\w*\s+|защит\w*\s+)?персональн"
    r"|құпиялылық\s+саясат|құпиялық\s+саясат|(?:дербес|жеке)\s+деректер\w*\s+(?:қорғау|өңдеу)\w*\s+(?:туралы\s+)?(?:саясат|ереже)"
    r"|privacy\s+(?:policy|notice|statement)|data\s+protection\s+policy",
    re.I)
_NOT_POLICY_HEADING = re.compile(r"согласи|келісім|соглашени|оферт|terms|consent|agreement", re.I)
_CONTAINERS = ("//dialog | //template | //section | //aside | //article | //*[@role='dialog']"
               " | //div[@hidden or @aria-hidden='true' or contains(translate(@style, ' ', ''), 'display:none')"
               " or contains(@class, 'modal') or contains(@class, 'popup') or contains(@class, 'overlay')"
               " or contains(@class, 'lightbox') or contains(@class, 'policy') or contains(@class, 'privacy')"
               " or contains(@class, 'politika') or contains(@id, 'policy') or contains(@id, 'privacy')"
               " or contains(@id, 'Policy') or contains(@id, 'Privacy') or contains(@id, 'politika')]")
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "p"}
MAX_HEADING_SEARCH = 200  # elements looked at for a container's first heading
_DROP = ("script", "style", "button", "form", "nav", "svg", "noscript", "select")
MIN_IN_PAGE_CHARS = 150  # less is a link block or a teaser, not a policy
MAX_CONTAINERS = 500      # candidate containers looked at on one page


@dataclass
class InPagePolicy:
    anchor: str       # the element's id, or in-page-policy-N
    container: str    # modal | dialog | template | section | hidden | block
    heading: str
    trigger: str      # the text of the link or button that opens it ("" when none)
    text: str


def _container_kind(el: etree._Element) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    cls = (el.get("class") or "").lower()
    if tag in ("template", "dialog", "section", "article", "aside"):
        return "section" if tag in ("article", "aside") else tag
    if "modal" in cls or "popup" in cls or "overlay" in cls or "lightbox" in cls or el.get("role") == "dialog":
        return "modal"
    style = (el.get("style") or "").replace(" ", "").lower()
    if el.get("hidden") is not None or el.get("aria-hidden") == "true" or "display:none" in style:
        return "hidden"
    return "block"


def _element_text(el: etree._Element) -> str:
    el = copy.deepcopy(el)
    for tag in _DROP:
        for child in el.iter(tag):
            if child is not el and child.getparent() is not None:
                child.drop_tree()
    return _block_text(el)


def _first_heading(el: etree._Element) -> etree._Element | None:
    """The container's first heading-like element (a heading, bold text, a title, or the first paragraph)."""
    for count, child in enumerate(el.iter()):
        if count > MAX_HEADING_SEARCH:
            return None
        if child is el or not isinstance(child.tag, str):
            continue
        if child.tag in _HEADING_TAGS or "title" in (child.get("class") or ""):
            return child
    return None


# «app.openFdd('#f-dd-1')», «$('#privacy').show()»: an onclick that opens an element of the page by its id.
_ONCLICK_TARGET = re.compile(r"""['"]#([A-Za-z][\w-]*)['"]""")


def _triggers(sel: Selector) -> dict[str, str]:
    """id -> the text of a link or button that opens it (href="#id", data-target, data-bs-target, aria-controls,
    an onclick naming "#id")."""
    out: dict[str, str] = {}
    for node in sel.xpath("//*[starts-with(@href, '#') or @data-target or @data-bs-target or @aria-controls"
                          " or @data-src or contains(@onclick, '#')]")[:MAX_NODES]:
        el = node.root
        values = [(el.get(attr) or "").strip() for attr in ("href", "data-target", "data-bs-target", "data-src")]
        values = [v for v in values if v.startswith("#")]
        if el.get("aria-controls"):
            values.append(el.get("aria-controls").strip())
        values += ["#" + m for m in _ONCLICK_TARGET.findall(el.get("onclick") or "")]
        for value in values:
            key = value.lstrip("#")
            text = _node_text(el)
            if key and text and key not in out:
                out[key] = text
    return out


def in_page_policies(html: str | Selector, page_url: str = "") -> list[InPagePolicy]:
    """Policies kept inside the page: a modal, a section, a <template>, a hidden block, each with its own text.

    A container counts when its first heading (or the link that opens it) names the privacy policy and it
    holds enough text to be one; whether the text reads as a policy is for `is_policy_score` to say."""
    sel = html if isinstance(html, Selector) else selector(html)
    triggers = _triggers(sel)
    found: list[InPagePolicy] = []
    by_heading: dict[int, int] = {}   # id of the heading element -> index in found
    # Also the elements a policy link or button opens by id, whatever their class («div.f-dd#f-dd-1» opened by
    # «<span onclick="app.openFdd('#f-dd-1')">Политика конфиденциальности</span>»).
    opened = [node for key, text in triggers.items() if _POLICY_HEADING.search(text)
              for node in sel.xpath("//*[@id=$id]", id=key)[:1]]
    for node in [*sel.xpath(_CONTAINERS)[:MAX_CONTAINERS], *opened]:
        el = node.root
        if (el.tag if isinstance(el.tag, str) else "") in ("html", "body"):
            continue
        # Tilda's popups are named by data-tooltip-hook="#popup:…" rather than an id.
        anchor = el.get("id") or (el.get("data-tooltip-hook") or "").lstrip("#")
        trigger = triggers.get(anchor, "") if anchor else ""
        heading_el = _first_heading(el)
        heading = _text(heading_el, 300) if heading_el is not None else ""
        name = heading if _POLICY_HEADING.search(heading) else ""
        if not name and trigger and _POLICY_HEADING.search(trigger):
            name = trigger
        if not name and el.get("aria-label") and _POLICY_HEADING.search(el.get("aria-label")):
            name = clean_text(el.get("aria-label"))
        if not name or _NOT_POLICY_HEADING.search(name):
            continue
        key = id(heading_el) if heading_el is not None else id(el)
        if key in by_heading:
            # Nested containers around one heading (a modal, its dialog, its content): the outermost
            # one with an id names it; the text is the outermost one's.
            kept = found[by_heading[key]]
            if not kept.anchor and anchor:
                kept.anchor, kept.trigger = anchor, trigger or kept.trigger
            continue
        text = _element_text(el)
        if len(text) < MIN_IN_PAGE_CHARS:
            continue
        policy = InPagePolicy(anchor=anchor, container=_container_kind(el), heading=heading or name,
                              trigger=trigger, text=text)
        by_heading[key] = len(found)
        found.append(policy)
    for n, policy in enumerate(found, 1):
        if not policy.anchor:
            policy.anchor = f"in-page-policy-{n}"
    return found


# -- a policy named without a link ------------------------------------------------------------------

_MENTION = re.compile(
    r"политик\w*\s+(?:в\s+отношении\s+)?(?:конфиденциальност|обработк\w*\s+(?:и\s+защит\w*\s+)?персональн)"
    r"|положени\w*\s+(?:об?\s+)?(?:обработк\w*\s+|защит\w*\s+)?персональн"
    r"|құпиялылық\s+саясат|құпиялық\s+саясат|privacy\s+(?:policy|notice)",
    re.I)
_MENTION_SKIP = {"script", "style", "noscript", "template", "title", "option", "textarea"}


def _leads_somewhere(el: etree._Element) -> bool:
    """Whether an element navigates to a URL: an <a> with a real href, a builder attribute, an onclick that
    navigates. A dead link («#», «javascript:void(0)», no href) names its policy as plain text does."""
    if el.tag == "a" and _http_url("https://x.invalid/", el.get("href")) is not None:
        return True
    if any(el.get(attr) and _http_url("https://x.invalid/", el.get(attr)) for attr in BUILDER_ATTRIBUTES):
        return True
    return bool(el.get("onclick") and _onclick_url(el.get("onclick")))
MAX_MENTION_REST = 60  # an element that names the policy with this little else is a label, not prose


def policy_mentions(html: str | Selector) -> list[str]:
    """Places where the page names its policy in plain text, with no link: the element's text each.

    Prose about policies (a news article) is not a mention: the name must stand in a short element
    (a footer line, a label) or in a consent notice."""
    sel = html if isinstance(html, Selector) else selector(html)
    out: list[str] = []
    body = sel.xpath("//body")
    if not body:
        return out
    for count, el in enumerate(body[0].root.iter()):
        if count > MAX_NODES * 4:
            break
        if not isinstance(el.tag, str):
            continue
        # el.text belongs to el; el.tail to el's parent.
        for text, owner in ((el.text, el), (el.tail, el.getparent())):
            if not text or owner is None or not _MENTION.search(text[:2000]):
                continue
            if any((a.tag if isinstance(a.tag, str) else "") in _MENTION_SKIP or _leads_somewhere(a)
                   for a in chain([owner], owner.iterancestors())):
                continue
            whole = _text(owner, 1000)
            rest = _MENTION.sub("", whole)
            if len(rest) <= MAX_MENTION_REST or (_CONSENT_WORDS.search(whole) and len(whole) <= 400):
                mention = clean_text(whole)
                if mention not in out:
                    out.append(mention)
    return out

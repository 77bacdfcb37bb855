"""What a page's HTML shows: its links, the resources it loads, and its forms.

Pure functions over (HTML, page URL). Party (first / third) and vendors are
decided by the caller with the tracker knowledge base; these functions only
read the markup, however broken it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from kzprivacy.taxonomy import classify_field, is_consent_checkbox

__all__ = ["Link", "Resource", "Form", "FormField", "extract_links", "extract_resources", "extract_forms",
           "clean_text", "selector"]

_WS = re.compile(r"\s+")
MAX_TEXT = 300  # labels and link texts are cut here: enough to read, bounded against hostile pages

# Where a link stands tells how likely it is to be the policy: footers and cookie banners hold policy links.
_FOOTER = "ancestor-or-self::*[self::footer or contains(translate(@class,'FOTER','foter'),'footer') or contains(translate(@id,'FOTER','foter'),'footer')]"
_BANNER = ("ancestor-or-self::*[contains(translate(@class,'COKIEBANR','cokiebanr'),'cookie') or "
           "contains(translate(@id,'COKIEBANR','cokiebanr'),'cookie') or contains(@class,'consent') or "
           "contains(@id,'consent') or contains(@class,'gdpr')]")


def clean_text(text: str | None, limit: int = MAX_TEXT) -> str:
    return _WS.sub(" ", text or "").strip()[:limit]


def selector(html: str) -> Selector:
    return Selector(text=html or "<html></html>")


def _http_url(base: str, href: str | None) -> str | None:
    href = (href or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    try:
        url = urljoin(base, href)
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return url.split("#", 1)[0]


@dataclass
class Link:
    url: str
    text: str
    region: str          # footer | banner | body | head | consent (a consent label, extract.discovery)
    context: str = ""    # the text around the link (its parent element)
    hreflang: str = ""
    via: str = ""        # "" for <a href>; builder | script | rel for the navigation of extract.discovery


def extract_links(html: str | Selector, page_url: str) -> list[Link]:
    sel = html if isinstance(html, Selector) else selector(html)
    links: list[Link] = []
    seen: set[tuple[str, str]] = set()
    for a in sel.xpath("//a[@href]"):
        url = _http_url(page_url, a.attrib.get("href"))
        if url is None:
            continue
        text = clean_text(" ".join(a.xpath(".//text()").getall()) or a.attrib.get("title") or a.attrib.get("aria-label"))
        key = (url, text)
        if key in seen:
            continue
        seen.add(key)
        if a.xpath(_BANNER):
            region = "banner"
        elif a.xpath(_FOOTER):
            region = "footer"
        else:
            region = "body"
        context = clean_text(" ".join(a.xpath("..//text()").getall()))
        links.append(Link(url=url, text=text, region=region, context=context,
                          hreflang=(a.attrib.get("hreflang") or "").lower()))
    for alt in sel.xpath("//link[@rel='alternate'][@hreflang][@href]"):
        url = _http_url(page_url, alt.attrib.get("href"))
        if url:
            links.append(Link(url=url, text="", region="head", hreflang=alt.attrib["hreflang"].lower()))
    return links


@dataclass
class Resource:
    url: str
    resource_type: str  # script | iframe | img | stylesheet | preconnect | dns-prefetch | preload | media | object


def extract_resources(html: str | Selector, page_url: str) -> list[Resource]:
    """Every resource the markup asks a browser to load (noscript pixels included)."""
    sel = html if isinstance(html, Selector) else selector(html)
    found: list[Resource] = []
    seen: set[tuple[str, str]] = set()

    def add(href: str | None, kind: str) -> None:
        url = _http_url(page_url, href)
        if url and (url, kind) not in seen:
            seen.add((url, kind))
            found.append(Resource(url, kind))

    for node in sel.xpath("//script[@src]"):
        add(node.attrib["src"], "script")
    for node in sel.xpath("//iframe[@src] | //frame[@src]"):
        add(node.attrib["src"], "iframe")
    for node in sel.xpath("//img[@src]"):
        add(node.attrib["src"], "img")
    for node in sel.xpath("//link[@href][@rel]"):
        rels = node.attrib["rel"].lower().split()
        for rel, kind in (("stylesheet", "stylesheet"), ("preconnect", "preconnect"),
                          ("dns-prefetch", "dns-prefetch"), ("preload", "preload"), ("modulepreload", "script")):
            if rel in rels:
                add(node.attrib["href"], kind)
                break
    for node in sel.xpath("//video[@src] | //audio[@src] | //source[@src]"):
        add(node.attrib["src"], "media")
    for node in sel.xpath("//object[@data]"):
        add(node.attrib["data"], "object")
    for node in sel.xpath("//embed[@src]"):
        add(node.attrib["src"], "object")
    # A pixel inside <noscript> is not parsed as markup by lxml: read its text again.
    for block in sel.xpath("//noscript/text()").getall():
        if "<" in block:
            for resource in extract_resources(block, page_url):
                if (resource.url, resource.resource_type) not in seen:
                    seen.add((resource.url, resource.resource_type))
                    found.append(resource)
    return found


@dataclass
class FormField:
    name: str
    type: str
    label: str
    placeholder: str
    autocomplete: str
    pattern: str
    required: bool
    category: str | None = None


@dataclass
class Form:
    form_index: int
    action: str | None
    method: str
    has_consent_checkbox: bool
    policy_link_near: bool
    fields: list[FormField] = field(default_factory=list)
    heading: str = ""


# Hidden fields are kept: they carry visit ids and UTM tags that trackers pass along with the form.
_SKIP_TYPES = {"submit", "button", "reset", "image"}
_POLICY_HINT = re.compile(
    r"политик|конфиденц|персональн|обработк|құпиял|дербес|privacy|personal data|policy|politi|konfiden|personal",
    re.I)


# A label's own words, without the options of a select or the text of a textarea inside it.
_LABEL_TEXT = ".//text()[not(ancestor::select) and not(ancestor::textarea) and not(ancestor::option)]"


def _label_for(sel: Selector, node: Selector) -> str:
    # "Телефон *", "E-mail:" -> the words only: required markers and colons are not part of the label.
    return _LABEL_TAIL.sub("", _raw_label(sel, node))


_LABEL_TAIL = re.compile(r"[\s*:：]+$")


def _raw_label(sel: Selector, node: Selector) -> str:
    node_id = node.attrib.get("id")
    if node_id:
        quoted = node_id.replace('"', "")
        label = sel.xpath(f'//label[@for="{quoted}"]')
        if label:
            return clean_text(" ".join(label[0].xpath(_LABEL_TEXT).getall()))
    wrapping = node.xpath("ancestor::label[1]")
    if wrapping:
        return clean_text(" ".join(wrapping[0].xpath(_LABEL_TEXT).getall()))
    labelledby = node.attrib.get("aria-labelledby")
    if labelledby:
        texts = []
        for ref in labelledby.split():
            ref = ref.replace('"', "")
            texts += sel.xpath(f'//*[@id="{ref}"]//text()').getall()
        if texts:
            return clean_text(" ".join(texts))
    if node.attrib.get("aria-label"):
        return clean_text(node.attrib["aria-label"])
    if node.attrib.get("title"):
        return clean_text(node.attrib["title"])
    # Layouts without <label>: "Имя: <input>" in one element, or the table cell to the left.
    before = clean_text(" ".join(node.xpath("preceding-sibling::text()[1]").getall()))
    if before:
        return before
    cell = node.xpath("ancestor::td[1]/preceding-sibling::*[self::td or self::th][1]")
    if cell:
        return clean_text(" ".join(cell[0].xpath(_LABEL_TEXT).getall()))
    return ""


def _pattern(node: Selector) -> str:
    for attr in ("pattern", "data-mask", "data-inputmask-mask", "data-inputmask", "data-mask-pattern", "mask"):
        if node.attrib.get(attr):
            return clean_text(node.attrib[attr], 120)
    if node.attrib.get("maxlength") and node.attrib.get("inputmode") == "numeric":
        return f"maxlength={node.attrib['maxlength']}"
    return ""


def _fields(sel: Selector, nodes: list[Selector], context: str) -> tuple[list[FormField], bool]:
    fields: list[FormField] = []
    consent = False
    for node in nodes:
        tag = node.root.tag if isinstance(node.root.tag, str) else ""
        ftype = (node.attrib.get("type") or ("text" if tag == "input" else tag)).lower()
        if ftype in _SKIP_TYPES:
            continue
        name = clean_text(node.attrib.get("name") or node.attrib.get("id"), 120)
        label = _label_for(sel, node)
        placeholder = clean_text(node.attrib.get("placeholder"))
        if ftype in ("checkbox", "radio") and is_consent_checkbox(label, name):
            consent = True
            fields.append(FormField(name, ftype, label, placeholder, "", "", "required" in node.attrib, None))
            continue
        autocomplete = clean_text(node.attrib.get("autocomplete"), 60)
        pattern = _pattern(node)
        category = classify_field(name=name, type=ftype, label=label, placeholder=placeholder,
                                  autocomplete=autocomplete, pattern=pattern, context=context)
        fields.append(FormField(name, ftype, label, placeholder, autocomplete, pattern,
                                "required" in node.attrib or node.attrib.get("aria-required") == "true", category))
    return fields, consent


def _policy_link_inside(container: Selector) -> bool:
    for a in container.xpath(".//a[@href]"):
        text = " ".join(a.xpath(".//text()").getall()) + " " + a.attrib.get("href", "")
        if _POLICY_HINT.search(text):
            return True
    return False


def extract_forms(html: str | Selector, page_url: str, page_context: str = "") -> list[Form]:
    """Forms with their fields; inputs outside any <form> (script-driven widgets) form one more pseudo-form."""
    sel = html if isinstance(html, Selector) else selector(html)
    if not page_context:
        page_context = clean_text(" ".join(sel.xpath("//title//text() | //h1//text()").getall()))
    forms: list[Form] = []
    for index, node in enumerate(sel.xpath("//form")):
        heading = clean_text(" ".join(node.xpath(".//h1//text() | .//h2//text() | .//h3//text() | .//legend//text()"
                                                 " | preceding::*[self::h1 or self::h2 or self::h3][1]//text()").getall()))
        fields, consent = _fields(sel, node.xpath(".//input | .//select | .//textarea"), f"{page_context} {heading}")
        action = node.attrib.get("action")
        action_url = _http_url(page_url, action) if action and action.strip() else page_url
        near = _policy_link_inside(node) or any(_policy_link_inside(p) for p in node.xpath("..")[:1])
        forms.append(Form(index, action_url, (node.attrib.get("method") or "get").lower(), consent, near, fields,
                          heading))
    loose = sel.xpath("//body//*[self::input or self::select or self::textarea][not(ancestor::form)]")
    if loose:
        fields, consent = _fields(sel, list(loose), page_context)
        if fields:
            parent = loose[0].xpath("..")[0] if loose[0].xpath("..") else sel
            forms.append(Form(len(forms), None, "script", consent, _policy_link_inside(parent), fields, ""))
    return forms

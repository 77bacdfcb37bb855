"""What a page's HTML shows: its links, the resources it loads, and its forms.

Pure functions over (HTML, page URL). Party (first / third) and vendors are
decided by the caller with the tracker knowledge base; these functions only
read the markup, however broken it is.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from parsel import Selector

from .limits import DEFAULT_CAPS, Caps, cap_warning

from kzprivacy.vocabulary.taxonomy import classify_field, is_consent_checkbox

__all__ = ["Link", "Resource", "Form", "FormField", "extract_links", "extract_resources", "extract_forms",
           "clean_text", "selector", "bounded_text", "dom_depth_warning"]

_WS = re.compile(r"\s+")
MAX_TEXT = 300  # labels and link texts are cut here: enough to read, bounded against hostile pages

# Where a link stands tells how likely it is to be the policy: footers and cookie banners hold policy links.
_BANNER_MARKERS = ("cookie", "consent", "gdpr")


def _marks(el: etree._Element) -> tuple[bool, bool]:
    """(banner, footer): whether this element itself marks a cookie banner or a footer."""
    marker = f"{el.get('class', '')} {el.get('id', '')}".lower()
    return any(m in marker for m in _BANNER_MARKERS), el.tag == "footer" or "footer" in marker


class _Regions:
    """Region of each element (banner, footer, body), memoised along the ancestor chain: linear in the page."""

    def __init__(self) -> None:
        self.memo: dict[Any, tuple[bool, bool]] = {}

    def flags(self, el: etree._Element) -> tuple[bool, bool]:
        chain = []
        cur, inherited = el, (False, False)
        while cur is not None:
            if cur in self.memo:
                inherited = self.memo[cur]
                break
            chain.append(cur)
            cur = cur.getparent()
        for node in reversed(chain):
            own = _marks(node)
            inherited = (inherited[0] or own[0], inherited[1] or own[1])
            self.memo[node] = inherited
        return inherited

    def region(self, el: etree._Element) -> str:
        banner, footer = self.flags(el)
        return "banner" if banner else "footer" if footer else "body"


def _iter(root: etree._Element, *tags: str):
    """Elements of the whole document in order: libxml2 keeps markup after </html> as siblings of the root."""
    tops = [*reversed(list(root.itersiblings(preceding=True))), root, *root.itersiblings()]
    for top in tops:
        yield from top.iter(*tags)


PARSER_MAX_DEPTH = 2048  # libxml2 (huge_tree) stops building the tree at this depth and drops the rest


def dom_depth_warning(root: etree._Element, caps: Caps = DEFAULT_CAPS) -> str | None:
    """A warning when the page nests deeper than `caps.dom_depth` (text below that depth is not read
    into policy documents); one linear pass."""
    depth = deepest = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > deepest:
            deepest = depth
    if deepest >= PARSER_MAX_DEPTH:
        return f"dom depth: nested past the parser's {PARSER_MAX_DEPTH} levels; the markup after that was not read"
    return cap_warning("dom depth", caps.dom_depth, deepest) if deepest > caps.dom_depth else None


def bounded_text(node: etree._Element, limit: int = MAX_TEXT, max_nodes: int = 5000) -> str:
    """The whitespace-normalised text of `node`'s subtree, read only as far as `limit` characters (or
    `max_nodes` text pieces): a link's text or its parent's costs O(limit), however big the subtree."""
    pieces: list[str] = []
    length = 0
    count = 0
    for event, el in etree.iterwalk(node, events=("start", "end")):
        if event == "start":
            text = el.text if isinstance(el.tag, str) else None
        else:
            text = el.tail if el is not node else None
        if text:
            pieces.append(text)
            length += len(text)
            count += 1
            if length > 4 * limit + 64 or count >= max_nodes:
                joined = clean_text(" ".join(pieces), limit)
                if len(joined) >= limit or count >= max_nodes:
                    return joined
                pieces, length = [joined], len(joined)
    return clean_text(" ".join(pieces), limit)


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


def extract_links(html: str | Selector, page_url: str, caps: Caps = DEFAULT_CAPS,
                  warnings: list[str] | None = None) -> list[Link]:
    """Every http(s) link with its text, region and context, in page order.

    Linear in the page: each link's text and its parent's are read only up to MAX_TEXT characters
    (the parent's once per parent), regions are memoised along the ancestor chain. Past
    `caps.links` links, footer, banner and head links are kept first and the cut is noted in `warnings`."""
    sel = html if isinstance(html, Selector) else selector(html)
    root = sel.root
    if not isinstance(getattr(root, "tag", None), str):
        return []
    regions = _Regions()
    contexts: dict[Any, str] = {}
    links: list[Link] = []
    seen: set[tuple[str, str]] = set()
    for a in _iter(root, "a"):
        href = a.get("href")
        if href is None:
            continue
        url = _http_url(page_url, href)
        if url is None:
            continue
        text = bounded_text(a) or clean_text(a.get("title") or a.get("aria-label"))
        key = (url, text)
        if key in seen:
            continue
        seen.add(key)
        parent = a.getparent()
        if parent is None:
            context = text
        else:
            if parent not in contexts:
                contexts[parent] = bounded_text(parent)
            context = contexts[parent]
        links.append(Link(url=url, text=text, region=regions.region(a), context=context,
                          hreflang=(a.get("hreflang") or "").lower()))
    for alt in _iter(root, "link"):
        if (alt.get("rel") or "").lower() != "alternate" or not alt.get("hreflang") or alt.get("href") is None:
            continue
        url = _http_url(page_url, alt.get("href"))
        if url:
            links.append(Link(url=url, text="", region="head", hreflang=alt.get("hreflang").lower()))
    if len(links) > caps.links:
        if warnings is not None:
            warnings.append(cap_warning("links", caps.links, len(links)))
        marked = [i for i, link in enumerate(links) if link.region != "body"][:caps.links]
        room = caps.links - len(marked)
        body = [i for i, link in enumerate(links) if link.region == "body"][:room]
        links = [links[i] for i in sorted(marked + body)]
    return links


@dataclass
class Resource:
    url: str
    resource_type: str  # script | iframe | img | stylesheet | preconnect | dns-prefetch | preload | media | object


def extract_resources(html: str | Selector, page_url: str, caps: Caps = DEFAULT_CAPS,
                      warnings: list[str] | None = None) -> list[Resource]:
    """Every resource the markup asks a browser to load (noscript pixels included), up to `caps.resources`."""
    found = _resources(html, page_url)
    if len(found) > caps.resources:
        if warnings is not None:
            warnings.append(cap_warning("resources", caps.resources, len(found)))
        found = found[:caps.resources]
    return found


def _resources(html: str | Selector, page_url: str) -> list[Resource]:
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
            for resource in _resources(block, page_url):
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
    method_explicit: bool = False  # the markup says method=…; else the browser's default (GET) or a script decides


# Hidden fields are kept: they carry visit ids and UTM tags that trackers pass along with the form.
_SKIP_TYPES = {"submit", "button", "reset", "image"}
_POLICY_HINT = re.compile(
    r"политик|конфиденц|персональн|обработк|құпиял|дербес|privacy|personal data|policy|politi|konfiden|personal",
    re.I)



class _Index:
    """Labels by their `for` and elements by id, built once per page: a field's label is a dict look-up."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self._labels: dict[str, Any] | None = None
        self._ids: dict[str, Any] | None = None

    def label_for(self, node_id: str):
        if self._labels is None:
            self._labels = {}
            for label in _iter(self.root, "label"):
                self._labels.setdefault(label.get("for") or "", label)
        return self._labels.get(node_id)

    def by_id(self, node_id: str):
        if self._ids is None:
            self._ids = {}
            for el in _iter(self.root):
                if isinstance(el.tag, str) and el.get("id"):
                    self._ids.setdefault(el.get("id"), el)
        return self._ids.get(node_id)


def _label_text(el: etree._Element) -> str:
    """A label's own words, without the options of a select or the text of a textarea inside it."""
    pieces: list[str] = []
    skip = 0
    length = 0
    for event, node in etree.iterwalk(el, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if tag in ("select", "textarea", "option"):
                skip += 1
            elif not skip and tag and node.text:
                pieces.append(node.text)
                length += len(node.text)
        else:
            if tag in ("select", "textarea", "option"):
                skip -= 1
            if node is not el and not skip and node.tail:
                pieces.append(node.tail)
                length += len(node.tail)
        if length > 8 * MAX_TEXT:
            break
    return clean_text(" ".join(pieces))


def _label_for(index: _Index, node: etree._Element) -> str:
    # "Телефон *", "E-mail:" -> the words only: required markers and colons are not part of the label.
    return _LABEL_TAIL.sub("", _raw_label(index, node))


_LABEL_TAIL = re.compile(r"[\s*:：]+$")


def _raw_label(index: _Index, node: etree._Element) -> str:
    node_id = node.get("id")
    if node_id:
        label = index.label_for(node_id)
        if label is not None:
            return _label_text(label)
    wrapping = next(node.iterancestors("label"), None)
    if wrapping is not None:
        return _label_text(wrapping)
    labelledby = node.get("aria-labelledby")
    if labelledby:
        texts = []
        for ref in labelledby.split()[:10]:
            target = index.by_id(ref)
            if target is not None:
                texts.append(bounded_text(target))
        if any(texts):
            return clean_text(" ".join(texts))
    if node.get("aria-label"):
        return clean_text(node.get("aria-label"))
    if node.get("title"):
        return clean_text(node.get("title"))
    # Layouts without <label>: "Имя: <input>" in one element, or the table cell to the left.
    before = clean_text(_preceding_text(node))
    if before:
        return before
    # A <label> without `for` right before the field in the same wrapper (<div><label>Город</label><input>).
    sibling = _previous_element(node)
    if sibling is not None and sibling.tag == "label" and not sibling.get("for"):
        return _label_text(sibling)
    cell = next(node.iterancestors("td"), None)
    if cell is not None:
        left = cell.getprevious()
        while left is not None and not (isinstance(left.tag, str) and left.tag in ("td", "th")):
            left = left.getprevious()
        if left is not None:
            return _label_text(left)
    return ""


def _preceding_text(node: etree._Element) -> str:
    """The text node right before `node` among its siblings (XPath preceding-sibling::text()[1])."""
    prev = node.getprevious()
    while prev is not None:
        if prev.tail is not None:
            return prev.tail
        prev = prev.getprevious()
    parent = node.getparent()
    return (parent.text or "") if parent is not None else ""


def _previous_element(node: etree._Element) -> etree._Element | None:
    prev = node.getprevious()
    while prev is not None and not isinstance(prev.tag, str):
        prev = prev.getprevious()
    return prev


def _pattern(node: etree._Element) -> str:
    for attr in ("pattern", "data-mask", "data-inputmask-mask", "data-inputmask", "data-mask-pattern", "mask"):
        if node.get(attr):
            return clean_text(node.get(attr), 120)
    if node.get("maxlength") and node.get("inputmode") == "numeric":
        return f"maxlength={node.get('maxlength')}"
    return ""


def _fields(index: _Index, nodes: list, context: str) -> tuple[list[FormField], bool]:
    fields: list[FormField] = []
    consent = False
    for node in nodes:
        tag = node.tag if isinstance(node.tag, str) else ""
        ftype = (node.get("type") or ("text" if tag == "input" else tag)).lower()
        if ftype in _SKIP_TYPES:
            continue
        name = clean_text(node.get("name") or node.get("id"), 120)
        label = _label_for(index, node)
        placeholder = clean_text(node.get("placeholder"))
        if ftype in ("checkbox", "radio") and is_consent_checkbox(label, name):
            consent = True
            fields.append(FormField(name, ftype, label, placeholder, "", "", node.get("required") is not None, None))
            continue
        autocomplete = clean_text(node.get("autocomplete"), 60)
        pattern = _pattern(node)
        # A text box with inputmode="tel"/"email" is the mobile keyboard's hint of what it asks for.
        mode = (node.get("inputmode") or "").strip().lower()
        kind = mode if ftype == "text" and mode in ("tel", "email") else ftype
        if tag == "select" and _is_filter_select(node):
            kind = "search"  # «Все города» first: a filter over the page's own content, not a question
        category = classify_field(name=name, type=kind, label=label, placeholder=placeholder,
                                  autocomplete=autocomplete, pattern=pattern, context=context)
        fields.append(FormField(name, ftype, label, placeholder, autocomplete, pattern,
                                node.get("required") is not None or node.get("aria-required") == "true", category))
    return fields, consent


_ALL_OPTION = re.compile(r"^\s*(?:все|всё|любой|любая|любое|барлық|кез келген|all|any)\b", re.I)


def _is_filter_select(node: etree._Element) -> bool:
    """A select whose first option means «all of them» (value="all", «Все города», «Барлық қалалар»): a catalogue
    filter the visitor narrows the page with, not data the site asks of them."""
    first = next(node.iter("option"), None)
    if first is None:
        return False
    value = (first.get("value") or "").strip().lower()
    return value in ("all", "any", "*") or bool(_ALL_OPTION.match(bounded_text(first)))


_FIELD_TAGS = ("input", "select", "textarea")
_HEADINGS = ("h1", "h2", "h3")


def _policy_hint(a: etree._Element, memo: dict[Any, bool]) -> bool:
    if a not in memo:
        memo[a] = bool(_POLICY_HINT.search(a.get("href", "")) or _POLICY_HINT.search(bounded_text(a)))
    return memo[a]


def _widget_of(nodes: list[etree._Element], fields: list[FormField], root: etree._Element) -> etree._Element:
    """The element that holds a script-driven form: around its first data field (a catalogue filter earlier on
    the page is not the form), the nearest ancestor, at most three levels up, that holds a button too."""
    first = nodes[0]
    if len(nodes) == len(fields):
        first = next((n for n, f in zip(nodes, fields, strict=True) if f.category), first)
    parent = first.getparent()
    if parent is None:
        return root
    holder = parent
    for _ in range(3):
        if next(holder.iter("button"), None) is not None or holder.xpath(".//input[@type='submit']"):
            return holder
        up = holder.getparent()
        if up is None or up.tag in ("body", "html"):
            break
        holder = up
    return parent


def _leads_somewhere(href: str | None) -> bool:
    """False for a link that goes nowhere: no href, «#», «#!», «javascript:void(0)» (a consent sentence whose
    «политика» was never linked to a published document)."""
    href = (href or "").strip().lower()
    return bool(href) and not re.fullmatch(r"#!?|javascript:(?:void\(0\);?|;)?", href)


def _policy_link_inside(container: etree._Element, memo: dict[Any, bool], containers: dict[Any, bool]) -> bool:
    if container not in containers:
        containers[container] = any(_policy_hint(a, memo) for a in container.iter("a")
                                    if _leads_somewhere(a.get("href")))
    return containers[container]


def _field_nodes(container: etree._Element, caps: Caps, warnings: list[str] | None, what: str,
                 skip_in_forms: bool = False) -> list[etree._Element]:
    nodes: list[etree._Element] = []
    total = 0
    for el in container.iter(*_FIELD_TAGS):
        if skip_in_forms and next(el.iterancestors("form"), None) is not None:
            continue
        if el.tag == "textarea" and _is_declared_inputs(el):
            continue  # a builder's list of fields, not a field (declared_forms reads it)
        total += 1
        if len(nodes) < caps.fields:
            nodes.append(el)
    if total > caps.fields and warnings is not None:
        warnings.append(cap_warning(what, caps.fields, total))
    return nodes


# Tilda's Zero-block form keeps its fields as JSON in a hidden <textarea class="tn-atom__inputs-textarea">; Tilda's
# script turns the list into inputs in the browser, so the served HTML has no <input> for them at all.
_DECLARED_INPUTS_CLASS = "tn-atom__inputs-textarea"
_TILDA_TYPES = {"nm": "text", "in": "text", "ph": "tel", "em": "email", "ta": "textarea", "cb": "checkbox",
                "sb": "select", "rd": "radio", "dt": "date", "tm": "time", "hd": "hidden", "fl": "file", "uw": "file",
                "ri": "radio", "qn": "number", "ur": "url", "ws": "text", "rg": "range", "ad": "text"}


def _is_declared_inputs(el: etree._Element) -> bool:
    return _DECLARED_INPUTS_CLASS in (el.get("class") or "").split()


def _declared_fields(textarea: etree._Element, context: str, limit: int) -> tuple[list[FormField], bool]:
    """The fields a Zero-block form declares in JSON: each its name, type, title and placeholder, classified like
    any field. Malformed JSON gives no field (the form is then simply not seen, as before)."""
    try:
        items = json.loads(textarea.text or "[]")
    except ValueError:
        return [], False
    fields: list[FormField] = []
    consent = False
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or len(fields) >= limit:
            continue
        ftype = _TILDA_TYPES.get(str(item.get("li_type") or ""), "text")
        name = clean_text(str(item.get("li_name") or ""), 120)
        label = _LABEL_TAIL.sub("", clean_text(str(item.get("li_title") or item.get("li_label") or "")))
        placeholder = clean_text(str(item.get("li_ph") or ""))
        required = str(item.get("li_req") or "") == "y"
        if ftype == "checkbox" and is_consent_checkbox(label, name):
            consent = True
            fields.append(FormField(name, ftype, label, placeholder, "", "", required, None))
            continue
        category = classify_field(name=name, type=ftype, label=label, placeholder=placeholder, context=context)
        fields.append(FormField(name, ftype, label, placeholder, "", "", required, category))
    return fields, consent


def extract_forms(html: str | Selector, page_url: str, page_context: str = "", caps: Caps = DEFAULT_CAPS,
                  warnings: list[str] | None = None) -> list[Form]:
    """Forms with their fields; inputs outside any <form> (script-driven widgets) form one more pseudo-form.

    Linear in the page: labels and ids are indexed once, the heading before each form is found in one
    pass; at most `caps.forms` forms and `caps.fields` fields per form are read (cuts noted in `warnings`)."""
    sel = html if isinstance(html, Selector) else selector(html)
    root = sel.root
    if not isinstance(getattr(root, "tag", None), str):
        return []
    index = _Index(root)
    if not page_context:
        texts = [bounded_text(el) for el in _iter(root, "title", "h1")][:20]
        page_context = clean_text(" ".join(texts))
    # One pass: every form, and the last h1-h3 before it (XPath preceding::*[h1|h2|h3][1]).
    form_nodes: list[etree._Element] = []
    heading_before: dict[etree._Element, etree._Element | None] = {}
    last_heading, total_forms = None, 0
    for el in _iter(root):
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _HEADINGS:
            last_heading = el
        elif tag == "form":
            total_forms += 1
            if len(form_nodes) < caps.forms:
                form_nodes.append(el)
                heading_before[el] = last_heading
    if total_forms > caps.forms and warnings is not None:
        warnings.append(cap_warning("forms", caps.forms, total_forms))
    hints: dict[Any, bool] = {}
    containers: dict[Any, bool] = {}
    forms: list[Form] = []
    for number, node in enumerate(form_nodes):
        inner = [bounded_text(h) for h in node.iter("h1", "h2", "h3", "legend")][:5]
        if heading_before.get(node) is not None:
            inner.append(bounded_text(heading_before[node]))
        heading = clean_text(" ".join(inner))
        nodes = _field_nodes(node, caps, warnings, f"fields of form {number}")
        fields, consent = _fields(index, nodes, f"{page_context} {heading}")
        action = node.get("action")
        action_url = _http_url(page_url, action) if action and action.strip() else page_url
        parent = node.getparent()
        near = _policy_link_inside(node, hints, containers) or (
            parent is not None and _policy_link_inside(parent, hints, containers))
        method = (node.get("method") or "").strip().lower()
        forms.append(Form(number, action_url, method or "get", consent, near, fields, heading,
                          method_explicit=bool(method)))
    body = root.find("body")
    if body is None:
        body = next(root.iter("body"), None)
    loose = _field_nodes(body, caps, warnings, "fields outside forms", skip_in_forms=True) if body is not None else []
    if loose:
        fields, consent = _fields(index, loose, page_context)
        if fields:
            forms.append(Form(len(forms), None, "script", consent,
                              _policy_link_inside(_widget_of(loose, fields, root), hints, containers), fields, ""))
    # Forms declared as data (Tilda's Zero-block): sent by script, one pseudo-form each, the policy link looked
    # for in the block that holds the form.
    for textarea in _iter(root, "textarea"):
        if len(forms) >= caps.forms + 1 or not _is_declared_inputs(textarea):
            continue
        fields, consent = _declared_fields(textarea, page_context, caps.fields)
        if fields:
            block = next((a for a in textarea.iterancestors() if "t396" in (a.get("class") or "")
                          or "t-rec" in (a.get("class") or "").split()), textarea.getparent())
            forms.append(Form(len(forms), None, "script", consent,
                              _policy_link_inside(block, hints, containers) if block is not None else False,
                              fields, ""))
    return forms

"""Policy documents to text: HTML (menus and footers removed), PDF and DOCX.

Each converter takes the bytes the server sent and returns a Document; a
broken file raises DocumentError with a reason, which the crawler records
as the policy's status instead of failing.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from .limits import DEFAULT_CAPS, Caps, cap_warning

__all__ = ["Document", "DocumentError", "DocumentTooLarge", "sniff_format", "html_to_document", "pdf_to_document",
           "docx_to_document", "to_document"]


class DocumentError(ValueError):
    """The bytes could not be read as the document they claim to be."""


class DocumentTooLarge(DocumentError):
    """The document would expand past a cap (a ZIP bomb, an XML entity bomb): recorded as too_large."""


@dataclass
class Document:
    format: str   # html | pdf | docx | txt
    title: str
    text: str
    warnings: list[str] = field(default_factory=list)  # caps that cut the document (limits.py)


def sniff_format(body: bytes, content_type: str = "", url: str = "") -> str:
    """html, pdf, docx or txt, from the bytes first, then the declared type, then the URL."""
    head = body[:8].lstrip()
    ctype = content_type.lower()
    path = url.lower().split("?", 1)[0]
    if head.startswith(b"%PDF") or "application/pdf" in ctype or path.endswith(".pdf"):
        return "pdf"
    if body[:2] == b"PK" and (b"word/" in body[:4000] or "wordprocessingml" in ctype or path.endswith(".docx")):
        return "docx"
    if "wordprocessingml" in ctype or path.endswith(".docx"):
        return "docx"
    if "text/plain" in ctype or path.endswith(".txt"):
        return "txt"
    return "html"


_BLOCK_TAGS = {"p", "div", "section", "article", "main", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
               "table", "tr", "br", "blockquote", "pre", "dd", "dt", "dl", "header", "footer", "hr", "td", "th"}
_BOILERPLATE_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template",
                     "svg", "iframe", "button", "select")
_BOILERPLATE_ATTR = re.compile(r"(^|[\s_-])(menu|nav|navbar|footer|header|cookie|banner|sidebar|breadcrumbs?|"
                               r"modal|popup|social|share|consent)([\s_-]|$)", re.I)
_BLANKS = re.compile(r"[ \t\u00a0]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")


def _block_text(node: etree._Element, limit: int | None = None, max_depth: int = DEFAULT_CAPS.dom_depth) -> str:
    """Text with a line break after each block element and '- ' before list items.

    Iterative (a page nested thousands of levels deep is no recursion problem), text deeper than
    `max_depth` levels is skipped, and with `limit` it reads only about that many characters."""
    out: list[str] = []
    length = 0
    skip = 0  # inside script / style
    depth = 0
    for event, el in etree.iterwalk(node, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        depth += 1 if event == "start" else -1
        if depth >= max_depth:
            continue
        if event == "start":
            if tag in _BLOCK_TAGS:
                out.append("\n")
            if tag == "li":
                out.append("- ")
            if tag in ("script", "style"):
                skip += 1
            elif el.text and tag and not skip:  # a comment's "text" is switched-off markup, never page text
                out.append(el.text)
                length += len(el.text)
        else:
            if tag in ("script", "style"):
                skip -= 1
            if tag in _BLOCK_TAGS:
                out.append("\n")
            if el is not node and el.tail:
                out.append(el.tail)
                length += len(el.tail)
        if limit is not None and length > 2 * limit + 1000:
            break
    lines = (_BLANKS.sub(" ", line).strip() for line in "".join(out).splitlines())
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()


# Where a page may hold a whole document out of sight: a modal dialog over a login form, a popup, a
# <dialog> or a <template> that a script shows on click. Removed as boilerplate like any banner, but
# kept aside: when the page itself says almost nothing, the longest of them is the page's document.
_DIALOG_ATTR = re.compile(r"(^|[\s_-])(modal|popup|pop-up|dialog|overlay|lightbox|fancybox|remodal|mfp)"
                          r"([\s_-]|$)", re.I)
_DIALOG_MIN_CHARS = 500     # a dialog this long is a document, not a banner or a form
_MAX_DIALOGS = 100          # dialogs read per page
_DIALOG_OVER_PAGE = 2       # ... and it must say at least this many times more than the page around it


def _dialog_texts(root: etree._Element) -> list[tuple[str, str]]:
    """(title, text) of each dialog-like element (outermost only), read before boilerplate is removed."""
    found: list[tuple[etree._Element, str, str]] = []
    outers: set = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        marker = f"{el.get('class', '')} {el.get('id', '')}"
        if not (el.tag in ("dialog", "template") or el.get("role") in ("dialog", "alertdialog")
                or _DIALOG_ATTR.search(marker)):
            continue
        if any(a in outers for a in el.iterancestors()):
            continue
        if len(found) >= _MAX_DIALOGS:
            break
        outers.add(el)
        copy = lxml.html.fromstring(lxml.html.tostring(el, encoding="unicode"))
        for junk in copy.xpath(".//script | .//style | .//noscript | .//button | .//form | .//svg"):
            if junk.getparent() is not None:
                junk.drop_tree()
        heading = copy.xpath(".//h1 | .//h2 | .//h3 | .//h4 | .//*[contains(@class, 'title')]")
        title = " ".join(heading[0].text_content().split()) if heading else ""
        found.append((el, title, _block_text(copy)))
    return [(title, text) for _, title, text in found]


# A «menu…» element with at least this much text and few links is content (see _text_not_menu).
_MENU_TEXT_CHARS = 200


def _text_not_menu(el: etree._Element, marker: str) -> bool:
    """Whether an element classed only «menu…» holds text rather than links: a restaurant's «menu-hero» and
    «menu-item» sections carry a whole policy on some sites; a navigation menu is mostly links."""
    words = {m.group(2).lower() for m in _BOILERPLATE_ATTR.finditer(marker)}
    if words != {"menu"} or el.get("role") in ("navigation", "banner", "contentinfo") or el.tag == "nav":
        return False
    text = " ".join(el.text_content().split())
    links = sum(len(" ".join(a.text_content().split())) for a in el.xpath(".//a"))
    return bool(text) and links <= 0.3 * len(text)


# A multi-megabyte inline script is one text node: libxml2 drops everything after it unless huge_tree.
_HTML_PARSER = lxml.html.HTMLParser(huge_tree=True)


def html_to_document(html: str) -> Document:
    """The readable text of an HTML page, without menus, headers, footers and banners.

    A page whose whole text sits in a modal dialog, a popup or a <template> (a policy shown over a
    login form) is read from that dialog instead of being reduced to nothing."""
    if not html or not html.strip():
        raise DocumentError("empty page")
    try:
        root = lxml.html.document_fromstring(html, parser=_HTML_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise DocumentError(f"unreadable HTML: {exc}") from exc
    title = ""
    h1 = root.xpath("//h1")
    if h1:
        title = " ".join(h1[0].text_content().split())
    if not title:
        title = " ".join((root.findtext(".//title") or "").split())
    dialogs = _dialog_texts(root)
    for el in root.xpath("|".join(f"//{tag}" for tag in _BOILERPLATE_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()
    kept: set[etree._Element] = set()
    for el in root.xpath("//*[@class or @id or @role]"):
        marker = f"{el.get('class', '')} {el.get('id', '')}"
        if el.get("role") in ("navigation", "banner", "contentinfo") or _BOILERPLATE_ATTR.search(marker):
            if _text_not_menu(el, marker) and (len(el.text_content()) >= _MENU_TEXT_CHARS
                                               or any(a in kept for a in el.iterancestors())):
                kept.add(el)
                continue
            if el.tag not in ("html", "body") and el.getparent() is not None:
                el.drop_tree()
    body = root.find(".//body")
    main = root.xpath("//main | //article | //*[@role='main']")
    node = main[0] if main and len(main[0].text_content()) > 200 else (body if body is not None else root)
    text = _block_text(node)
    if dialogs:
        dialog_title, dialog_text = max(dialogs, key=lambda d: len(d[1]))
        if len(dialog_text) >= _DIALOG_MIN_CHARS and len(dialog_text) > _DIALOG_OVER_PAGE * len(text):
            return Document("html", (dialog_title or title)[:300], dialog_text)
    return Document("html", title[:300], text)


def pdf_to_document(body: bytes, caps: Caps = DEFAULT_CAPS) -> Document:
    """Text of the first `caps.pdf_pages` pages (a note in `warnings` when there were more)."""
    from pdfminer.converter import TextConverter
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    if not body.lstrip()[:5].startswith(b"%PDF"):
        raise DocumentError("not a PDF file (no %PDF header)")
    _check_pdf_streams(body, caps)
    warnings: list[str] = []
    out = io.StringIO()
    try:
        manager = PDFResourceManager()
        device = TextConverter(manager, out, laparams=LAParams())
        interpreter = PDFPageInterpreter(manager, device)
        for number, page in enumerate(PDFPage.get_pages(io.BytesIO(body))):
            if number >= caps.pdf_pages:
                warnings.append(cap_warning("pdf pages", caps.pdf_pages, f"more than {caps.pdf_pages}"))
                break
            interpreter.process_page(page)
            if out.tell() > 4 * caps.text_chars:
                break  # the text cap below cuts it anyway
        device.close()
    except MemoryError as exc:
        raise DocumentTooLarge("PDF expands past the memory limit (a decompression bomb?)") from exc
    except Exception as exc:  # pdfminer raises many private exception types on damaged files
        raise DocumentError(f"broken PDF: {type(exc).__name__}: {exc}") from exc
    text = _MANY_NEWLINES.sub("\n\n", out.getvalue().replace("\x0c", "\n")).strip()
    if not text:
        raise DocumentError("PDF has no extractable text (a scan?)")
    title = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return Document("pdf", title[:300], text, warnings)


_PDF_STREAM = re.compile(rb"stream\r?\n")


def _check_pdf_streams(body: bytes, caps: Caps) -> None:
    """Refuse a PDF whose compressed streams would inflate past `caps.inflated_bytes` in all (pdfminer
    inflates each stream whole, in memory): counted with a bounded decompressor, never held."""
    total = 0
    for match in _PDF_STREAM.finditer(body):
        start = match.end()
        inflater = zlib.decompressobj()
        data = body[start:start + 16 * 1024 * 1024]
        try:
            while data and total <= caps.inflated_bytes:
                total += len(inflater.decompress(data, 1024 * 1024))
                data = inflater.unconsumed_tail
                if inflater.eof:
                    break
        except zlib.error:
            continue
        if total > caps.inflated_bytes:
            raise DocumentTooLarge(f"PDF streams inflate past {caps.inflated_bytes} bytes (a decompression bomb)")


def _check_zip(body: bytes, caps: Caps) -> None:
    """Refuse a DOCX whose ZIP holds too many parts or would inflate past `caps.inflated_bytes`, before reading it.
    (zipfile never inflates a member past its declared size, so the declared sizes bound the work.)"""
    try:
        infos = zipfile.ZipFile(io.BytesIO(body)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise DocumentError(f"broken DOCX: {type(exc).__name__}: {exc}") from exc
    if len(infos) > caps.docx_parts:
        raise DocumentTooLarge(f"DOCX holds {len(infos)} parts (cap {caps.docx_parts})")
    total = sum(info.file_size for info in infos)
    if total > caps.inflated_bytes:
        raise DocumentTooLarge(f"DOCX inflates to {total} bytes (cap {caps.inflated_bytes})")


def docx_to_document(body: bytes, caps: Caps = DEFAULT_CAPS) -> Document:
    import docx

    _check_zip(body, caps)
    try:
        document = docx.Document(io.BytesIO(body))
    except MemoryError as exc:
        raise DocumentTooLarge("DOCX expands past the memory limit") from exc
    except etree.XMLSyntaxError as exc:
        if "amplification" in str(exc) or "entit" in str(exc).lower():  # billion laughs: libxml2 refused it
            raise DocumentTooLarge(f"DOCX with XML entity expansion: {exc}") from exc
        raise DocumentError(f"broken DOCX: {type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # python-docx wraps several parsing failures in its own types
        raise DocumentError(f"broken DOCX: {type(exc).__name__}: {exc}") from exc
    lines: list[str] = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        lines.append(f"- {text}" if "List" in style else text)
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text.strip() for cell in row.cells))
    title = document.core_properties.title or (lines[0] if lines else "")
    return Document("docx", title[:300], "\n".join(lines))


def to_document(body: bytes, *, text: str | None = None, content_type: str = "", url: str = "",
                caps: Caps = DEFAULT_CAPS) -> Document:
    """Convert whatever the server sent; `text` is the decoded body for text formats.

    The text is cut at `caps.text_chars` characters, with a note in the document's `warnings`."""
    kind = sniff_format(body, content_type, url)
    if kind == "pdf":
        document = pdf_to_document(body, caps)
    elif kind == "docx":
        document = docx_to_document(body, caps)
    else:
        decoded = text if text is not None else body.decode("utf-8", "replace")
        if kind == "txt":
            stripped = decoded.strip()
            document = Document("txt", stripped[:1000].splitlines()[0][:300] if stripped else "", stripped)
        else:
            document = html_to_document(decoded)
    if len(document.text) > caps.text_chars:
        document.warnings.append(cap_warning("text characters", caps.text_chars, len(document.text)))
        document.text = document.text[:caps.text_chars]
    return document

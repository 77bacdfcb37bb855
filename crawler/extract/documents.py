"""Policy documents to text: HTML (menus and footers removed), PDF and DOCX.

Each converter takes the bytes the server sent and returns a Document; a
broken file raises DocumentError with a reason, which the crawler records
as the policy's status instead of failing.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

import lxml.html
from lxml import etree

__all__ = ["Document", "DocumentError", "sniff_format", "html_to_document", "pdf_to_document",
           "docx_to_document", "to_document"]


class DocumentError(ValueError):
    """The bytes could not be read as the document they claim to be."""


@dataclass
class Document:
    format: str   # html | pdf | docx | txt
    title: str
    text: str


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


def _block_text(node: etree._Element) -> str:
    """Text with a line break after each block element and '- ' before list items."""
    out: list[str] = []

    def walk(el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _BLOCK_TAGS:
            out.append("\n")
        if tag == "li":
            out.append("- ")
        # A comment's "text" is markup someone switched off (a whole old menu, real sites keep them):
        # never page text. Its tail is still read, by the parent, like any child's.
        if el.text and isinstance(el.tag, str) and tag not in ("script", "style"):
            out.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                out.append(child.tail)
        if tag in _BLOCK_TAGS:
            out.append("\n")

    walk(node)
    lines = (_BLANKS.sub(" ", line).strip() for line in "".join(out).splitlines())
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()


# Where a page may hold a whole document out of sight: a modal dialog over a login form, a popup, a
# <dialog> or a <template> that a script shows on click. Removed as boilerplate like any banner, but
# kept aside: when the page itself says almost nothing, the longest of them is the page's document.
_DIALOG_ATTR = re.compile(r"(^|[\s_-])(modal|popup|pop-up|dialog|overlay|lightbox|fancybox|remodal|mfp)"
                          r"([\s_-]|$)", re.I)
_DIALOG_MIN_CHARS = 500     # a dialog this long is a document, not a banner or a form
_DIALOG_OVER_PAGE = 2       # ... and it must say at least this many times more than the page around it


def _dialog_texts(root: etree._Element) -> list[tuple[str, str]]:
    """(title, text) of each dialog-like element (outermost only), read before boilerplate is removed."""
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        marker = f"{el.get('class', '')} {el.get('id', '')}"
        if not (el.tag in ("dialog", "template") or el.get("role") in ("dialog", "alertdialog")
                or _DIALOG_ATTR.search(marker)):
            continue
        if any(el is outer or outer in el.iterancestors() for outer, _, _ in found):
            continue
        copy = lxml.html.fromstring(lxml.html.tostring(el, encoding="unicode"))
        for junk in copy.xpath(".//script | .//style | .//noscript | .//button | .//form | .//svg"):
            if junk.getparent() is not None:
                junk.drop_tree()
        heading = copy.xpath(".//h1 | .//h2 | .//h3 | .//h4 | .//*[contains(@class, 'title')]")
        title = " ".join(heading[0].text_content().split()) if heading else ""
        found.append((el, title, _block_text(copy)))
    return [(title, text) for _, title, text in found]


def html_to_document(html: str) -> Document:
    """The readable text of an HTML page, without menus, headers, footers and banners.

    A page whose whole text sits in a modal dialog, a popup or a <template> (a policy shown over a
    login form) is read from that dialog instead of being reduced to nothing."""
    if not html or not html.strip():
        raise DocumentError("empty page")
    try:
        root = lxml.html.document_fromstring(html)
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
    for el in root.xpath("//*[@class or @id or @role]"):
        marker = f"{el.get('class', '')} {el.get('id', '')}"
        if el.get("role") in ("navigation", "banner", "contentinfo") or _BOILERPLATE_ATTR.search(marker):
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


def pdf_to_document(body: bytes) -> Document:
    from pdfminer.high_level import extract_text
    from pdfminer.pdfparser import PDFSyntaxError

    if not body.lstrip()[:5].startswith(b"%PDF"):
        raise DocumentError("not a PDF file (no %PDF header)")
    try:
        text = extract_text(io.BytesIO(body))
    except (PDFSyntaxError, ValueError, TypeError, KeyError, AttributeError, IndexError, AssertionError) as exc:
        raise DocumentError(f"broken PDF: {type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # pdfminer raises many private exception types on damaged files
        raise DocumentError(f"broken PDF: {type(exc).__name__}: {exc}") from exc
    text = _MANY_NEWLINES.sub("\n\n", text.replace("\x0c", "\n")).strip()
    if not text:
        raise DocumentError("PDF has no extractable text (a scan?)")
    title = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return Document("pdf", title[:300], text)


def docx_to_document(body: bytes) -> Document:
    import docx

    try:
        document = docx.Document(io.BytesIO(body))
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
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


def to_document(body: bytes, *, text: str | None = None, content_type: str = "", url: str = "") -> Document:
    """Convert whatever the server sent; `text` is the decoded body for text formats."""
    kind = sniff_format(body, content_type, url)
    if kind == "pdf":
        return pdf_to_document(body)
    if kind == "docx":
        return docx_to_document(body)
    decoded = text if text is not None else body.decode("utf-8", "replace")
    if kind == "txt":
        return Document("txt", decoded.strip().splitlines()[0][:300] if decoded.strip() else "", decoded.strip())
    return html_to_document(decoded)

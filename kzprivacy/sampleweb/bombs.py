"""Hostile payloads for the hostile web and the tests, generated in memory, deterministic, never stored.

Each function returns bytes a hostile server might send: compression bombs (gzip, brotli, ZIP, a PDF
stream), an XML entity bomb inside a DOCX, a PDF with thousands of pages, and pathological HTML (50,000
links in one container, tables nested 20,000 deep, a multi-megabyte one-line inline script, a form with
10,000 fields). Every text in them is ours.
"""

from __future__ import annotations

import functools
import gzip
import io
import zipfile
import zlib

POLICY_LINK = '<footer><a href="/privacy">Политика конфиденциальности</a></footer>'

_DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '</Types>')
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>')
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def gzip_bomb(inflated: int = 64 * 1024 * 1024) -> bytes:
    """A gzip body of ~inflated/1000 bytes that inflates to `inflated` bytes of spaces inside an HTML page."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0) as gz:
        gz.write(b"<!DOCTYPE html><html><body><p>")
        block = b" " * (1024 * 1024)
        for _ in range(inflated // len(block)):
            gz.write(block)
        gz.write(b"</p></body></html>")
    return out.getvalue()


def brotli_bomb(inflated: int = 64 * 1024 * 1024) -> bytes:
    import brotli

    return brotli.compress(b"<!DOCTYPE html><html><body><p>" + b" " * inflated + b"</p></body></html>",
                           quality=5)


def deflate_bomb(inflated: int = 64 * 1024 * 1024) -> bytes:
    inflater = zlib.compressobj(9)
    block = b" " * (1024 * 1024)
    return b"".join([*(inflater.compress(block) for _ in range(inflated // len(block))), inflater.flush()])


def _docx(document_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _DOCX_CONTENT_TYPES)
        z.writestr("_rels/.rels", _DOCX_RELS)
        z.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def docx_zip_bomb(inflated: int = 200 * 1024 * 1024) -> bytes:
    """A DOCX whose one extra part inflates to `inflated` bytes (compressed ~1000:1)."""
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}"><w:body>'
                '<w:p><w:r><w:t>Политика конфиденциальности</w:t></w:r></w:p></w:body></w:document>').encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _DOCX_CONTENT_TYPES)
        z.writestr("_rels/.rels", _DOCX_RELS)
        z.writestr("word/document.xml", document)
        with z.open("word/media/padding.bin", "w", force_zip64=True) as part:
            block = b"\0" * (1024 * 1024)
            for _ in range(inflated // len(block)):
                part.write(block)
    return out.getvalue()


def docx_many_parts(parts: int = 5000) -> bytes:
    return _docx((f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body><w:p><w:r>'
                  '<w:t>Политика</w:t></w:r></w:p></w:body></w:document>').encode(),
                 {f"word/media/p{i}.xml": b"<a/>" for i in range(parts)})


def entity_bomb_xml(root: str = "lolz", levels: int = 9) -> str:
    """The classic «billion laughs»: each entity is ten of the one before."""
    ents = ['<!ENTITY lol0 "lol">']
    for i in range(1, levels + 1):
        ents.append(f'<!ENTITY lol{i} "{"".join(f"&lol{i - 1};" for _ in range(10))}">')
    return f'<!DOCTYPE {root} [{"".join(ents)}]>'


def docx_entity_bomb() -> bytes:
    document = (f'<?xml version="1.0" encoding="UTF-8"?>{entity_bomb_xml("w:document")}'
                f'<w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body>'
                '</w:document>').encode()
    return _docx(document)


def svg_entity_bomb() -> bytes:
    return (f'<?xml version="1.0"?>{entity_bomb_xml("svg")}<svg xmlns="http://www.w3.org/2000/svg" width="10" '
            'height="10"><text x="0" y="10">&lol9;</text></svg>').encode()


def _pdf(objects: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _stream(data: bytes, compressed: bool = False) -> bytes:
    if compressed:
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def pdf_many_pages(pages: int = 3000) -> bytes:
    """A valid PDF of `pages` pages, each saying one line of a privacy policy (Helvetica, Latin text)."""
    content = _stream(b"BT /F1 12 Tf 72 720 Td (Privacy policy: this page says the same as the others.) Tj ET")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               content]
    kids = []
    for _i in range(pages):
        kids.append(b"%d 0 R" % (len(objects) + 1))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >>"
                       b" /Contents 4 0 R >>")
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % pages
    return _pdf(objects)


def pdf_stream_bomb(inflated: int = 1024 * 1024 * 1024) -> bytes:
    """One page whose content stream inflates to `inflated` bytes of spaces (~1 MB on the wire per GB)."""
    content = _stream(deflate_bomb(inflated), compressed=True)
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>", content])


def many_links_page(links: int = 50_000) -> str:
    """A catalogue: `links` links in one container, and the policy link in the footer after them."""
    items = "".join(f'<a href="/item/{i}">Товар {i}</a> ' for i in range(links))
    return (f"<!DOCTYPE html><html><head><title>Каталог</title></head><body><div>{items}</div>{POLICY_LINK}"
            "</body></html>")


def deep_tables_page(depth: int = 20_000) -> str:
    return ("<!DOCTYPE html><html><body>" + "<table><tr><td>" * depth + "глубоко"
            + "</td></tr></table>" * depth + POLICY_LINK + "</body></html>")


def long_script_page(size: int = 8 * 1024 * 1024) -> str:
    """A multi-megabyte inline script on one line, then the policy link."""
    line = "var a=[" + "1," * (size // 2) + "0];"
    return f"<!DOCTYPE html><html><body><script>{line}</script>{POLICY_LINK}</body></html>"


def many_fields_page(fields: int = 10_000, forms: int = 1) -> str:
    inputs = "".join(f'<label for="f{i}">Поле {i}</label><input id="f{i}" name="f{i}">' for i in range(fields))
    body = "".join(f'<form action="/send">{inputs}</form>' for _ in range(forms))
    return f"<!DOCTYPE html><html><body>{body}{POLICY_LINK}</body></html>"


def many_forms_page(forms: int = 2000) -> str:
    body = "".join(f'<h2>Форма {i}</h2><form action="/s{i}"><input name="phone" type="tel"></form>'
                   for i in range(forms))
    return f"<!DOCTYPE html><html><body>{body}{POLICY_LINK}</body></html>"


def huge_text_page(size: int = 9_000_000) -> str:
    sentence = "<p>Оператор обрабатывает персональные данные посетителей сайта в целях оказания услуг.</p>\n"
    return ("<!DOCTYPE html><html><head><title>Политика конфиденциальности</title></head><body><main>"
            "<h1>Политика конфиденциальности</h1>" + sentence * (size // len(sentence.encode()))
            + "</main></body></html>")


def noise_page(size: int = 2_000_000) -> bytes:
    """Deterministic binary noise with NUL bytes, served as text/html."""
    out = bytearray(b"<html><body>")
    x = 12345
    for _ in range(size):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        out.append((x >> 16) & 0xFF if x & 7 else 0)
    return bytes(out + '<a href="/privacy">Политика конфиденциальности</a></body></html>'.encode())


def long_url_page(length: int = 100_000, links: int = 50) -> str:
    items = "".join(f'<a href="/p{i}?q={"a" * length}">Политика конфиденциальности {i}</a>' for i in range(links))
    return f"<!DOCTYPE html><html><body>{items}{POLICY_LINK}</body></html>"


def mixed_charset_page() -> bytes:
    return (b"<html><head><meta charset='utf-8'></head><body><p>" + "Политика".encode() + b" / "
            + "Политика".encode("windows-1251") + b"</p>" + POLICY_LINK.encode("utf-8") + b"</body></html>")


@functools.lru_cache(maxsize=64)
def payload(name: str, args: tuple[tuple[str, object], ...] = ()) -> bytes:
    """The bytes of one generator's output, made once per process (the sample web serves them)."""
    made = globals()[name](**dict(args))
    return made.encode("utf-8") if isinstance(made, str) else made

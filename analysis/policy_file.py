"""`kzprivacy policy`: analyse policy documents people already have, on disk or at a URL."""

from __future__ import annotations

import ssl
import urllib.request
from dataclasses import asdict
from http.client import HTTPMessage
from pathlib import Path
from typing import IO, Any

from w3lib.encoding import html_to_unicode

from kzprivacy.crawler.errors import BlockedPrivateAddress
from kzprivacy.extract.documents import DocumentError, sniff_format, to_document
from kzprivacy.vocabulary.language import detect_language

from .declarations import extract_declarations, summarise
from .policy_facts import extract_facts

__all__ = ["analyze_documents", "analyze_text", "read_document"]

MAX_BYTES = 20 * 1024 * 1024


class _GuardedRedirects(urllib.request.HTTPRedirectHandler):
    """Every redirect hop passes the private-address guard too."""

    def __init__(self, proxy: str | None) -> None:
        self.proxy = proxy

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: HTTPMessage, newurl: str) -> urllib.request.Request | None:
        _guard(newurl, self.proxy)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _guard(url: str, proxy: str | None) -> None:
    """The crawler's private-address guard (crawler/netguard.py) for `kzprivacy policy URL`: addresses in
    the URL always; without a proxy, also every address the name resolves to (the connection then uses
    one of them; a resolver that changes its answer between the two look-ups is not caught here)."""
    import ipaddress
    import socket
    from urllib.parse import urlsplit

    from kzprivacy.crawler.netguard import blocked_reason, is_private_address

    reason = blocked_reason(url)
    if reason:
        raise BlockedPrivateAddress(reason)
    host = urlsplit(url).hostname or ""
    if proxy or not host:
        return
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return  # the fetch reports the DNS error itself
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if is_private_address(address):
            raise BlockedPrivateAddress(f"{host} resolves to {address}, a private or loopback address")


def _fetch(url: str, proxy: str | None, timeout: float) -> tuple[bytes, str]:
    _guard(url, proxy)
    handlers: list[urllib.request.BaseHandler] = [_GuardedRedirects(proxy)]
    if proxy:
        handlers.append(urllib.request.ProxyHandler({"http": proxy, "https": proxy}))
    # Like the crawler, record what a site serves even when its certificate is bad.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    handlers.append(urllib.request.HTTPSHandler(context=context))
    opener = urllib.request.build_opener(*handlers)
    import kzprivacy

    request = urllib.request.Request(url, headers={"User-Agent": f"kzprivacy/{kzprivacy.__version__}"})
    with opener.open(request, timeout=timeout) as response:
        body = response.read(MAX_BYTES + 1)
        if len(body) > MAX_BYTES:
            raise DocumentError(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
        return body, response.headers.get("Content-Type", "")


def read_document(source: str, *, proxy: str | None = None, timeout: float = 20) -> tuple[str, str, str]:
    """(format, title, text) of a file path or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        body, content_type = _fetch(source, proxy, timeout)
    else:
        path = Path(source)
        body, content_type = path.read_bytes(), ""
    kind = sniff_format(body, content_type, source)
    text = None
    if kind in ("html", "txt"):
        _encoding, text = html_to_unicode(content_type or None, body)
    document = to_document(body, text=text, content_type=content_type, url=source)
    return document.format, document.title, document.text


def analyze_text(text: str) -> dict[str, Any]:
    language = detect_language(text)
    declarations = extract_declarations(text, language)
    return {"language": language, "declarations": [asdict(d) for d in declarations],
            "summary": summarise(declarations), "facts": asdict(extract_facts(text))}


def analyze_documents(sources: list[str], *, proxy: str | None = None, timeout: float = 20) -> list[dict[str, Any]]:
    """One result per document; a document that cannot be read gets an `error`, never an exception."""
    results: list[dict[str, Any]] = []
    for source in sources:
        try:
            fmt, title, text = read_document(source, proxy=proxy, timeout=timeout)
        except (OSError, DocumentError, ValueError, BlockedPrivateAddress) as exc:
            results.append({"document": source, "error": f"{type(exc).__name__}: {exc}", "declarations": []})
            continue
        results.append({"document": source, "format": fmt, "title": title, "chars": len(text), **analyze_text(text)})
    return results

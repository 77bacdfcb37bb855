"""Browser mode does not download fonts and media, and still records them: a real Chromium scan of one
page through a small local proxy that serves a page, a third-party font and the site's own video, which
sets a cookie (a third party's would be refused over http), and logs how many bytes of each it could hand
over before the browser stopped reading.

(The sample web has no font files or media: its stand-in for Google Fonts uses local faces.)
"""

from __future__ import annotations

import http.server
import socketserver
import threading
import time
from typing import ClassVar
from urllib.parse import urlsplit

import pytest
from conftest import Crawl, run_cli

import kzprivacy  # noqa: F401  (offline tldextract first)

needs_chromium = pytest.mark.usefixtures("chromium")

BIG = 24_000_000  # more than localhost's socket buffers can hold, so a body the browser does not read is cut
FONT = 2_000_000  # sent slowly (1.5 s), so a browser that reads it gets it all and one that hangs up does not
PAGE = b"""<!doctype html><html><head><title>Media</title>
<link rel="preload" href="http://cdn.media-fonts.kz/brand.woff2" as="font" type="font/woff2" crossorigin><style>
@font-face { font-family: Brand; src: url(http://cdn.media-fonts.kz/brand.woff2) format('woff2'); }
body { font-family: Brand, sans-serif; }</style></head>
<body><p>A page with a web font and a video.</p>
<video src="/intro.mp4" autoplay muted preload="auto"></video></body></html>"""
FILES = {
    ("media-demo.kz", "/"): (PAGE, "text/html; charset=utf-8", []),
    ("cdn.media-fonts.kz", "/brand.woff2"): (b"w" * FONT, "font/woff2", []),  # with CORS, below
    ("media-demo.kz", "/intro.mp4"): (b"\0" * BIG, "video/mp4", ["vid=v1; Path=/; Max-Age=600"]),
}


class _Proxy(http.server.BaseHTTPRequestHandler):
    """A plain-http proxy that answers for its few hosts itself (CONNECT is not implemented, so the scan
    goes over http) and records, per URL, the bytes it wrote before the browser closed the connection."""

    protocol_version = "HTTP/1.1"
    written: ClassVar[dict[str, int]] = {}

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        body, kind, cookies = FILES.get((url.hostname or "", url.path), (b"", "text/plain", []))
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for cookie in cookies:
            self.send_header("Set-Cookie", cookie)
        if kind.startswith("font/"):  # a cross-origin font without it is given up at its headers anyway
            self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        key = f"{url.hostname}{url.path}"
        self.written[key] = 0
        try:
            for start in range(0, len(body), 1 << 16):
                self.wfile.write(body[start:start + (1 << 16)])
                self.wfile.flush()
                self.written[key] += len(body[start:start + (1 << 16)])
                if kind.startswith("font/"):
                    time.sleep(0.05)
        except OSError:
            pass  # the browser stopped reading

    def log_message(self, *args: object) -> None:
        pass


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


@needs_chromium
def test_fonts_and_media_are_recorded_but_not_downloaded(tmp_path):
    server = _Server(("127.0.0.1", 0), _Proxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = run_cli("scan", "media-demo.kz", "--render", "--proxy", f"http://127.0.0.1:{server.server_port}",
                         "--out", str(tmp_path), "--crawl-id", "media", "--timeout", "20", "--no-progress",
                         "--no-analyze", check=False)
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr[-3000:]
    crawl = Crawl(tmp_path, "media", result)
    assert [r["status"] for r in crawl.rows("SELECT status FROM sites")] == ["ok"]
    requests = {(r["host"], r["resource_type"]) for r in crawl.rows("SELECT host, resource_type FROM requests")}
    assert ("cdn.media-fonts.kz", "font") in requests
    # The video's cookie is recorded as set by its response's header, as if the body had come.
    cookies = {r["name"]: (r["set_by"], r["response_url"], r["warc_record_id"] is not None)
               for r in crawl.rows("SELECT name, set_by, response_url, warc_record_id FROM cookies")}
    assert cookies["vid"] == ("header", "http://media-demo.kz/intro.mp4", True)
    # The page came whole; the font and the video were cut off at their headers. (Before fonts were left
    # out, the page's load event waited for the preloaded font, and the proxy handed over all of it.)
    written = _Proxy.written
    assert set(written) >= {"media-demo.kz/", "cdn.media-fonts.kz/brand.woff2", "media-demo.kz/intro.mp4"}, written
    assert written["media-demo.kz/"] == len(PAGE)
    assert written["cdn.media-fonts.kz/brand.woff2"] < FONT / 2
    assert written["media-demo.kz/intro.mp4"] < BIG

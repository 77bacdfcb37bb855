"""The sample web: a local HTTP proxy that plays a small fake .kz web.

Clients reach it exactly as they would a corporate proxy:

- plain http: absolute-form requests, ``GET http://host/path HTTP/1.1``;
- https: ``CONNECT host:443``, answered ``200 Connection established``, after which
  the proxy terminates TLS itself with a throw-away certificate naming the host
  (see certs.py) and serves origin-form requests inside the tunnel.

Hosts it does not know fail as they would behind squid: ``503`` with
``X-Squid-Error: ERR_DNS_FAIL 0`` for http, ``503 Service Unavailable`` to CONNECT.
Origin-form requests on the plain port are served by their Host header, so the
proxy also works as a virtual-host server; a request for the proxy itself gets an
index of the sites and the CA certificate at /ca.pem.

Every connection is bounded in time: idle keep-alive connections close after
`idle_timeout`, the "hanging" site holds a connection for `hang_seconds` at most.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import ssl
import threading
from email.utils import formatdate
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import yaml

from .certs import CertificateAuthority
from .manifest import SITES_DIR, TRACKERS_FILE, load_hostile, load_site_specs
from .sites import Catalog, Response, Site, TrackerHost, html_response, proxy_error, to_ascii_host

log = logging.getLogger(__name__)

MAX_HEAD = 64 * 1024          # request line + headers
MAX_BODY = 10 * 1024 * 1024   # request bodies (form posts) are read and dropped
CHUNK_TIMEOUT = 30.0          # a client that stops reading a response is dropped


class Served(NamedTuple):
    """One request the sample web received (CONNECT included, path "" for it)."""

    method: str
    scheme: str
    host: str   # ASCII (punycode) host, lower case
    path: str   # path with query string, as requested


class BadRequest(Exception):
    pass


class Request(NamedTuple):
    method: str
    target: str
    version: str
    headers: list[tuple[str, str]]

    def header(self, name: str, default: str = "") -> str:
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return default

    @property
    def keep_alive(self) -> bool:
        conn = (self.header("Connection") or self.header("Proxy-Connection")).lower()
        if self.version == "HTTP/1.0":
            return "keep-alive" in conn
        return "close" not in conn


def parse_request_line(line: bytes) -> tuple[str, str, str]:
    try:
        text = line.decode("ascii").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise BadRequest("request line is not ASCII") from exc
    parts = text.split(" ")
    if len(parts) != 3:
        raise BadRequest("malformed request line")
    method, target, version = parts
    if not method.isalpha() or not method.isupper() or not target or version not in ("HTTP/1.0", "HTTP/1.1"):
        raise BadRequest("malformed request line")
    return method, target, version


def parse_headers(block: bytes) -> list[tuple[str, str]]:
    headers = []
    for raw in block.split(b"\n"):
        raw = raw.rstrip(b"\r")
        if not raw:
            continue
        try:
            line = raw.decode("latin-1")
        except UnicodeDecodeError as exc:  # pragma: no cover - latin-1 decodes anything
            raise BadRequest("bad header") from exc
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip() or " " in name:
            raise BadRequest("malformed header line")
        headers.append((name, value.strip()))
    return headers


def load_catalog(sites_dir: Path = SITES_DIR, trackers_file: Path = TRACKERS_FILE, generated: int = 0,
                 week: int = 1, zone: bool = False) -> Catalog:
    sites = [Site(spec, root, week=week) for spec, root in load_site_specs(sites_dir)]
    sites += [Site(spec, week=week) for spec in load_hostile()["cases"]]  # the hostile web (not in the demo)
    data = yaml.safe_load(trackers_file.read_text(encoding="utf-8"))
    scripts = data.get("scripts") or {}
    trackers = [TrackerHost(host, spec, scripts) for host, spec in (data.get("hosts") or {}).items()]
    return Catalog(sites, trackers, generated=generated, zone=zone)


class SampleWeb:
    """The sample web as a proxy on 127.0.0.1, run in a background thread.

    >>> with SampleWeb() as web:          # doctest: +SKIP
    ...     web.proxy_url                 # 'http://127.0.0.1:41234'
    """

    def __init__(
        self,
        port: int = 0,
        host: str = "127.0.0.1",
        generated: int = 0,
        hang_seconds: float = 30.0,
        idle_timeout: float = 15.0,
        sites_dir: Path | None = None,
        week: int = 1,
        zone: bool = False,
    ) -> None:
        self.host = host
        self.port = port
        self.hang_seconds = hang_seconds
        self.idle_timeout = idle_timeout
        self.week = week  # 2: the same web a week later (sites with a `week2:` section changed)
        self.catalog = load_catalog(sites_dir or SITES_DIR, generated=generated, week=week, zone=zone)
        self.log: list[Served] = []
        self.proxy_url: str | None = None
        self.ca: CertificateAuthority | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> str:
        """Start serving; returns the proxy URL ``http://127.0.0.1:PORT``."""
        if self.proxy_url:
            return self.proxy_url
        self.ca = CertificateAuthority()
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                self._server = loop.run_until_complete(
                    asyncio.start_server(self._on_connection, self.host, self.port, limit=MAX_HEAD)
                )
            except BaseException as exc:  # port in use, ...
                failure.append(exc)
                ready.set()
                loop.close()
                return
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.close()

        self._thread = threading.Thread(target=run, name="sampleweb", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            self.ca.close()
            raise failure[0]
        self.proxy_url = f"http://{self.host}:{self.port}"
        return self.proxy_url

    def stop(self) -> None:
        """Stop serving and drop every open connection."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if loop.is_running():
            fut = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
            with contextlib.suppress(Exception):
                fut.result(10)
            loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        self._loop = self._thread = self._server = None
        self.proxy_url = None
        if self.ca:
            self.ca.close()
            self.ca = None

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def __enter__(self) -> SampleWeb:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- helpers for tests -------------------------------------------------

    @property
    def ca_pem(self) -> bytes:
        """The PEM certificate that signed every https site's certificate."""
        if self.ca is None:
            raise RuntimeError("server not started")
        return self.ca.ca_pem

    def served(self, host: str, path: str | None = None, method: str | None = None) -> list[Served]:
        """Logged requests for `host` (any form of the name), optionally one path (query ignored)."""
        ascii_host = to_ascii_host(host)
        return [
            s for s in list(self.log)
            if s.host == ascii_host
            and (path is None or s.path.split("?", 1)[0] == path)
            and (method is None or s.method == method)
        ]

    def clear_log(self) -> None:
        self.log.clear()

    # -- connections -------------------------------------------------------

    async def _on_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await self._serve(reader, writer, tunnel_host=None)
        except asyncio.CancelledError:
            pass
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError, TimeoutError, OSError):
            pass  # clients hang up, abort downloads and fail handshakes: all normal here
        except Exception:  # never let one connection take the server down
            log.exception("sample web: error while serving a connection")
        finally:
            if task is not None:
                self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), 2)

    async def _read_request(self, reader: asyncio.StreamReader) -> Request | None:
        """The next request's head, or None when the client is gone or idle."""
        try:
            while True:
                line = await asyncio.wait_for(reader.readline(), self.idle_timeout)
                if not line:
                    return None
                if line not in (b"\r\n", b"\n"):  # tolerate stray CRLF between requests
                    break
            if not line.endswith(b"\n"):
                raise BadRequest("incomplete or overlong request line")
            method, target, version = parse_request_line(line)
            block = b""
            while True:
                header_line = await asyncio.wait_for(reader.readline(), self.idle_timeout)
                if not header_line.endswith(b"\n"):
                    raise asyncio.IncompleteReadError(header_line, None)
                if header_line in (b"\r\n", b"\n"):
                    break
                block += header_line
                if len(block) > MAX_HEAD:
                    raise BadRequest("request head too large")
        except (asyncio.LimitOverrunError, ValueError) as exc:
            raise BadRequest("request head too large") from exc
        except asyncio.IncompleteReadError as exc:
            if exc.partial.strip():
                raise BadRequest("incomplete request") from exc
            return None
        except asyncio.TimeoutError:
            return None
        return Request(method, target, version, parse_headers(block))

    async def _drain_body(self, reader: asyncio.StreamReader, req: Request) -> None:
        if "chunked" in req.header("Transfer-Encoding").lower():
            total = 0
            while True:
                size_line = await asyncio.wait_for(reader.readline(), self.idle_timeout)
                try:
                    size = int(size_line.split(b";")[0].strip() or b"x", 16)
                except ValueError as exc:
                    raise BadRequest("bad chunk size") from exc
                total += size
                if total > MAX_BODY:
                    raise BadRequest("body too large")
                await asyncio.wait_for(reader.readexactly(size + 2), self.idle_timeout)
                if size == 0:
                    return
        length = req.header("Content-Length")
        if length:
            try:
                n = int(length)
            except ValueError as exc:
                raise BadRequest("bad Content-Length") from exc
            if n < 0 or n > MAX_BODY:
                raise BadRequest("body too large")
            await asyncio.wait_for(reader.readexactly(n), self.idle_timeout)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, tunnel_host: str | None) -> None:
        while True:
            try:
                req = await self._read_request(reader)
                if req is None:
                    return
                if req.method != "CONNECT":
                    await self._drain_body(reader, req)
            except BadRequest as exc:
                await self._write(writer, "GET", html_response(400, "400 Bad Request", html.escape(str(exc))),
                                  keep=False)
                return
            if req.method == "CONNECT":
                if tunnel_host is not None:
                    await self._write(writer, "GET", html_response(400, "400 Bad Request", "CONNECT inside a tunnel"),
                                      keep=False)
                    return
                await self._connect(reader, writer, req)
                return
            try:
                scheme, host, target = self._resolve_target(req, tunnel_host)
            except BadRequest as exc:
                await self._write(writer, req.method, html_response(400, "400 Bad Request", html.escape(str(exc))),
                                  keep=False)
                return
            self.log.append(Served(req.method, scheme, host, target))
            # In a thread: the hostile web's payloads take a moment to make the first time (bombs.py),
            # and the other connections must not wait for that.
            response = await asyncio.get_running_loop().run_in_executor(None, self._respond, req, scheme, host, target)
            if response.hang:
                await asyncio.sleep(self.hang_seconds)
                return
            if response.delay:
                await asyncio.sleep(response.delay)
            keep = req.keep_alive and not response.close
            await self._write(writer, req.method, response, keep=keep)
            if not keep:
                return

    def _resolve_target(self, req: Request, tunnel_host: str | None) -> tuple[str, str, str]:
        """(scheme, ascii host, path?query) of a request in absolute or origin form."""
        target = req.target
        if target.startswith(("http://", "https://")):
            parts = urlsplit(target)
            if not parts.hostname:
                raise BadRequest("no host in the request target")
            path = parts.path or "/"
            if parts.query:
                path += "?" + parts.query
            scheme = "https" if tunnel_host else parts.scheme
            return scheme, to_ascii_host(parts.hostname), path
        if not target.startswith("/"):
            raise BadRequest("unsupported request target")
        if tunnel_host is not None:
            return "https", tunnel_host, target
        host = req.header("Host")
        if not host:
            raise BadRequest("no Host header")
        return "http", to_ascii_host(host), target

    def _respond(self, req: Request, scheme: str, host: str, target: str) -> Response:
        if host in ("127.0.0.1", "localhost", self.host) and scheme == "http":
            return self._index(target)
        found = self.catalog.lookup(host)
        if found is None:
            response = proxy_error(503, "ERR_DNS_FAIL 0",
                                   f"Unable to determine IP address from host name {html.escape(host)}")
            dead = self.catalog.lookup_any(host)
            if isinstance(dead, Site):  # a simulated zone's dead name takes a lookup's time to fail
                response.delay = dead.delay_for("dns")
            return response
        if isinstance(found, TrackerHost):
            return found.respond(req.method, scheme, target)
        if found.hang:
            return Response(hang=True)
        if scheme == "http" and found.http == "refuse":
            return proxy_error(503, "ERR_CONNECT_FAIL 111",
                               f"Connection to {html.escape(host)} failed: connection refused")
        if found.redirect_www and host == found.ascii_host:
            response = Response(301, [("Location", f"{scheme}://www.{host}{target}"),
                                      ("Content-Type", "text/html; charset=utf-8")],
                                b"<html><body>Moved Permanently</body></html>\n")
        else:
            response = found.hop(scheme, host, target) or found.respond(req.method, scheme, target)
        response.delay = found.delay_for(f"{scheme} {host} {target}")
        return response

    def _index(self, target: str) -> Response:
        if target.split("?")[0] == "/ca.pem" and self.ca is not None:
            return Response(200, [("Content-Type", "application/x-pem-file")], self.ca.ca_pem)
        items = "".join(
            f'<li><a href="http://{s.ascii_host}/">{html.escape(s.domain)}</a></li>'
            for s in self.catalog.sites
        )
        text = (
            f"Set your browser's proxy to {html.escape(self.proxy_url or '')} and open a site below. "
            f'CA certificate: <a href="/ca.pem">ca.pem</a>.</p><ul>{items}</ul><p>'
        )
        return html_response(200, "kzprivacy sample web", text)

    async def _connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, req: Request) -> None:
        host_port = req.target
        host, sep, port = host_port.rpartition(":")
        if not sep or not port.isdigit() or not host:
            await self._write(writer, "CONNECT", html_response(400, "400 Bad Request", "CONNECT needs host:port"),
                              keep=False)
            return
        ascii_host = to_ascii_host(host)
        self.log.append(Served("CONNECT", "https", ascii_host, ""))
        found = self.catalog.lookup(ascii_host)
        reached = self.catalog.lookup_any(ascii_host)
        if isinstance(reached, Site) and reached.latency is not None:
            await asyncio.sleep(reached.delay_for("connect"))  # name lookup, TCP and TLS round trips
        if found is None or (isinstance(found, Site) and found.https == "refuse"):
            await self._write(writer, "CONNECT",
                              Response(503, [("Content-Type", "text/plain")], b"Service Unavailable\n"), keep=False)
            return
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()
        if isinstance(found, Site) and (found.hang or found.https == "hang_tls"):
            if found.https == "hang_tls":  # read the ClientHello, never answer it
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(reader.read(4096), 5)
            await asyncio.sleep(self.hang_seconds)
            return
        if isinstance(found, Site) and found.https == "broken_tls":
            # Answer the ClientHello with plain text, as a server with http on port 443 does.
            with contextlib.suppress(Exception):
                await asyncio.wait_for(reader.read(4096), 5)
            writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
            return
        assert self.ca is not None
        ctx = self.ca.context_for(ascii_host)
        await asyncio.wait_for(writer.start_tls(ctx), self.idle_timeout)
        await self._serve(reader, writer, tunnel_host=ascii_host)

    async def _misbehave(self, writer: asyncio.StreamWriter, response: Response, lines: list[str]) -> None:
        """The hostile web's broken bodies; each ends within hang_seconds whatever the client does."""
        lines.append("Connection: close")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", errors="replace"))
        await asyncio.wait_for(writer.drain(), CHUNK_TIMEOUT)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.hang_seconds
        if response.misbehave == "reset":
            sock = writer.get_extra_info("socket")
            if sock is not None:  # SO_LINGER 0: close sends RST, not FIN
                import socket
                import struct

                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            return
        chunk = b"<p>" + b"x" * 65536 + b"</p>\n"
        while loop.time() < deadline:
            if response.misbehave == "endless":
                writer.write(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
                await asyncio.wait_for(writer.drain(), CHUNK_TIMEOUT)
                await asyncio.sleep(0.01)
            else:  # drip: one byte a second
                writer.write(b" ")
                await asyncio.wait_for(writer.drain(), CHUNK_TIMEOUT)
                await asyncio.sleep(1.0)

    async def _write(self, writer: asyncio.StreamWriter, method: str, response: Response, keep: bool) -> None:
        lines = [f"HTTP/1.1 {response.status} {response.reason_phrase}"]
        lines += [f"{name}: {value}" for name, value in response.headers]
        lines.append(f"Date: {formatdate(usegmt=True)}")
        lines.append("Server: kzprivacy-sampleweb")
        if response.misbehave == "endless":
            lines.append("Transfer-Encoding: chunked")
        elif response.status not in (204, 304):
            lines.append(f"Content-Length: {response.length}")
        if response.misbehave:
            await self._misbehave(writer, response, lines)
            return
        lines.append("Connection: keep-alive" if keep else "Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", errors="replace")
        writer.write(head)
        if method != "HEAD" and response.status not in (204, 304):
            if response.stream is not None:
                for chunk in response.stream[1]:
                    writer.write(chunk)
                    await asyncio.wait_for(writer.drain(), CHUNK_TIMEOUT)
            else:
                writer.write(response.body)
        await asyncio.wait_for(writer.drain(), CHUNK_TIMEOUT)

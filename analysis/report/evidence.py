"""Evidence packs: one ZIP per site that a regulator can attach to a letter and check months later.

    OUT/<crawl_id>/evidence/<site>.zip
        <site>-<crawl_id>/report.pdf          the site's report, printed by Chromium
        <site>-<crawl_id>/evidence.warc       exactly the WARC records the findings cite, byte for byte
        <site>-<crawl_id>/screenshots/...     browser mode's screenshots of the site, if any
        <site>-<crawl_id>/manifest.json       the crawl's metadata, every file's sha256, every record's
                                              digests, and which finding cites which record
        <site>-<crawl_id>/SHA256SUMS          `sha256sum -c SHA256SUMS` checks the pack with no kzprivacy
        <site>-<crawl_id>/README.txt          what is in the pack and how to check it

Which records a site's findings cite: the response each finding names (its warc_record_id) and
the pages it was seen on (observed_url, and every place in seen_at when the findings table has
it); the policy documents the findings quote, and the site's main policy; the responses whose
Set-Cookie headers set the cookies a finding is about (redirects included); and, for each of
these responses, the request record written with it (WARC-Concurrent-To). The records are copied
as they are in the crawl's WARC files (a gzip member decompressed, nothing re-encoded), so their
WARC-Block-Digest and WARC-Payload-Digest still hold, and their payload sha256 is the one the
report prints beside each piece of evidence.

`verify_pack` recomputes every file's sha256 against the manifest and SHA256SUMS, re-reads the
WARC with a parser of its own and recomputes each record's block and payload digests, and checks
the records against the manifest; it lists every difference it finds. The sha256 of
manifest.json (the pack's fingerprint, printed by both commands) pins the whole pack: quote it in
the letter.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import io
import json
import re
import tempfile
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import pairwise
from pathlib import Path
from typing import Any

__all__ = ["build_pack", "verify_pack", "cited_records", "WarcIndex", "Verification", "PACK_FORMAT"]

PACK_FORMAT = "kzprivacy-evidence-pack/1"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
WARC_NAME = "evidence.warc"
REPORT_NAME = "report.pdf"
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
# Rules about cookies as such: every cookie the site set is part of their evidence.
_COOKIE_RULES = re.compile(r"COOKIE|TRACKING-BEFORE-CONSENT")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- the crawl's WARC files


@dataclass
class RecordLoc:
    """Where one record of the crawl's WARC files is, and what it is."""

    record_id: str
    rec_type: str
    target_uri: str | None
    path: Path
    start: int
    end: int  # the next record's offset (the gzip member ends there)
    concurrent_to: str | None = None
    set_cookies: tuple[str, ...] = ()

    def read(self) -> bytes:
        """The record's exact bytes (a gzip member decompressed; a plain WARC sliced)."""
        with open(self.path, "rb") as fh:
            fh.seek(self.start)
            raw = fh.read(self.end - self.start)
        return gzip.decompress(raw) if self.path.name.endswith(".gz") else raw


@dataclass
class WarcIndex:
    """Every record of a folder of WARC files by record id, and responses by target URI."""

    records: dict[str, RecordLoc] = field(default_factory=dict)
    requests_for: dict[str, str] = field(default_factory=dict)  # response id -> its request record id
    responses_by_uri: dict[str, list[RecordLoc]] = field(default_factory=dict)

    @classmethod
    def of_folder(cls, folder: Path, only: set[str] | None = None) -> WarcIndex:
        """Index the folder's WARC files (only those named in `only`, when given)."""
        from warcio.archiveiterator import ArchiveIterator

        index = cls()
        files = sorted(p for p in folder.glob("*.warc*") if p.name.endswith((".warc", ".warc.gz"))
                       and (only is None or p.name in only))
        for path in files:
            size = path.stat().st_size
            found: list[RecordLoc] = []
            with open(path, "rb") as fh:
                it = ArchiveIterator(fh, no_record_parse=False)
                for record in it:
                    headers = record.rec_headers
                    cookies: tuple[str, ...] = ()
                    if record.rec_type == "response" and record.http_headers is not None:
                        cookies = tuple(v.split("=", 1)[0].strip()
                                        for k, v in record.http_headers.headers if k.lower() == "set-cookie")
                    found.append(RecordLoc(headers.get_header("WARC-Record-ID") or "", record.rec_type,
                                           headers.get_header("WARC-Target-URI"), path, it.get_record_offset(), size,
                                           headers.get_header("WARC-Concurrent-To"), cookies))
            for loc, nxt in pairwise(found):
                loc.end = nxt.start
            for loc in found:
                if not loc.record_id:
                    continue
                index.records[loc.record_id] = loc
                if loc.rec_type == "request" and loc.concurrent_to:
                    index.requests_for.setdefault(loc.concurrent_to, loc.record_id)
                if loc.rec_type == "response" and loc.target_uri:
                    index.responses_by_uri.setdefault(loc.target_uri, []).append(loc)
        return index


# --------------------------------------------------------------------------- what the findings cite


def _rows(frame: Any) -> list[dict[str, Any]]:
    from kzprivacy.analysis.tables import records

    return records(frame) if frame is not None else []


def _urls(value: Any) -> list[str]:
    if isinstance(value, str) and value.startswith("["):
        try:
            parsed = json.loads(value)
        except ValueError:
            return []
        return [u for u in parsed if isinstance(u, str)]
    return [value] if isinstance(value, str) and value else []


def cited_records(frames: Mapping[str, Any], site: str, index: WarcIndex) -> tuple[list[dict[str, Any]], list[str]]:
    """The response records a site's findings cite, each with why; and what could not be found.

    Returns ([{"record_id", "cited_by": [...]}, ...] in the WARC's order, [missing descriptions]).
    """
    def of_site(name: str) -> list[dict[str, Any]]:
        return [r for r in _rows(frames.get(name)) if r.get("site") == site]

    pages = of_site("pages")
    page_record = {p["url"]: p.get("warc_record_id") for p in pages if p.get("url")}
    policies = {p["url"]: p for p in of_site("policies") if p.get("url")}
    sites = of_site("sites")
    findings = of_site("findings")
    cookies = of_site("cookies")
    cited: dict[str, list[str]] = {}
    missing: list[str] = []

    def cite(record_id: Any, why: str) -> None:
        if isinstance(record_id, str) and record_id:
            reasons = cited.setdefault(record_id, [])
            if why not in reasons:
                reasons.append(why)

    for n, f in enumerate(findings, start=1):
        label = f"finding {n} ({f.get('rule')})"
        cite(f.get("warc_record_id"), label)
        for url in _urls(f.get("observed_url")) + _urls(f.get("seen_at")):
            if page_record.get(url) != f.get("warc_record_id"):
                cite(page_record.get(url), f"{label}: seen on {url}")
        if f.get("policy_url") in policies:
            cite(policies[f["policy_url"]].get("warc_record_id"), f"{label}: policy")
    main_policy = sites[0].get("policy_url") if sites else None
    if main_policy in policies:
        cite(policies[main_policy].get("warc_record_id"), "the site's privacy policy")

    services = {f.get("service_id") for f in findings if f.get("service_id")}
    all_cookies = any(f.get("category") == "cookies" or _COOKIE_RULES.search(str(f.get("rule") or ""))
                      for f in findings)
    for c in cookies:
        if not (all_cookies or (c.get("service_id") and c.get("service_id") in services)):
            continue
        why = f"cookie {c.get('name')} set by {c.get('response_url') or c.get('page_url')}"
        setter = _cookie_setter(c, index)
        if setter:
            cite(setter, why)
        elif c.get("set_by") == "header":
            missing.append(f"{why}: no response with that Set-Cookie in the crawl's WARC files")
        cite(c.get("warc_record_id"), f"cookie {c.get('name')}: the page it was seen on")

    out: list[dict[str, Any]] = []
    for record_id, reasons in cited.items():
        if record_id in index.records:
            out.append({"record_id": record_id, "cited_by": reasons})
        else:
            missing.append(f"{record_id} ({'; '.join(reasons)}): not in the crawl's WARC files")
    out.sort(key=lambda r: (str(index.records[r["record_id"]].path), index.records[r["record_id"]].start))
    return out, missing


def _cookie_setter(cookie: Mapping[str, Any], index: WarcIndex) -> str | None:
    """The response whose Set-Cookie set this cookie: its response_url (or page), sending that name."""
    name = str(cookie.get("name") or "")
    for url in (cookie.get("response_url"), cookie.get("page_url")):
        for loc in index.responses_by_uri.get(url or "", []):
            if name in loc.set_cookies:
                return loc.record_id
    return None


# --------------------------------------------------------------------------- WARC digests (our own parser)


@dataclass
class WarcRecord:
    offset: int
    headers: dict[str, str]
    block: bytes

    @property
    def record_id(self) -> str:
        return self.headers.get("warc-record-id", "")

    def payload(self) -> bytes | None:
        """The HTTP entity of an application/http record (after the HTTP headers), else the block."""
        if "application/http" in self.headers.get("content-type", ""):
            _head, sep, body = self.block.partition(b"\r\n\r\n")
            return body if sep else b""
        return self.block


def parse_warc(data: bytes) -> tuple[list[WarcRecord], list[str]]:
    """Uncompressed WARC bytes as records, and what is malformed (with its offset)."""
    records: list[WarcRecord] = []
    problems: list[str] = []
    pos = 0
    while pos < len(data):
        if data[pos:pos + 2] == b"\r\n" and not data[pos:].strip():
            break
        end = data.find(b"\r\n\r\n", pos)
        if end < 0 or not data.startswith(b"WARC/", pos):
            problems.append(f"offset {pos}: not the start of a WARC record")
            break
        lines = data[pos:end].decode("utf-8", "replace").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if sep:
                headers[name.strip().lower()] = value.strip()
        try:
            length = int(headers.get("content-length", ""))
        except ValueError:
            problems.append(f"offset {pos}: record has no valid Content-Length")
            break
        start = end + 4
        block = data[start:start + length]
        if len(block) < length or data[start + length:start + length + 4] != b"\r\n\r\n":
            problems.append(f"offset {pos}: record {headers.get('warc-record-id', '?')} is cut short or its "
                            "Content-Length does not match its block")
            break
        records.append(WarcRecord(pos, headers, block))
        pos = start + length + 4
    return records, problems


def digest_matches(declared: str, data: bytes) -> bool:
    """A WARC digest header (sha1:BASE32, sha256:BASE32 or hex) against the bytes."""
    algo, _, value = declared.partition(":")
    algo = algo.strip().lower().replace("-", "")
    if algo not in ("sha1", "sha256", "sha512", "md5"):
        return False
    digest = hashlib.new(algo, data).digest()
    value = value.strip()
    return value.upper() == base64.b32encode(digest).decode("ascii") or value.lower() == digest.hex()


def check_record(record: WarcRecord) -> list[str]:
    """What is wrong with one record's digests (empty when both hold)."""
    problems = []
    name = f"record {record.record_id or '?'} at offset {record.offset}"
    block_digest = record.headers.get("warc-block-digest")
    if block_digest and not digest_matches(block_digest, record.block):
        problems.append(f"{name}: WARC-Block-Digest does not match its content")
    payload_digest = record.headers.get("warc-payload-digest")
    payload = record.payload()
    if payload_digest and payload is not None and not digest_matches(payload_digest, payload):
        problems.append(f"{name}: WARC-Payload-Digest does not match its payload")
    if not block_digest and not payload_digest:
        problems.append(f"{name}: carries no digest to check")
    return problems


# --------------------------------------------------------------------------- building a pack


def _unicode_host(name: str) -> str | None:
    try:
        return name.lower().encode("ascii").decode("idna")
    except (UnicodeError, ValueError):
        return None


def _safe(name: str) -> str:
    from kzprivacy.analysis.report.render import site_file_name

    return site_file_name(name)[:-5]


def _screenshots(out_dir: Path, crawl_id: str, site_row: Mapping[str, Any]) -> list[Path]:
    """Browser mode's images of the site: the path the site row names, and screenshots/<site>*.png."""
    root = out_dir.resolve()
    found: list[Path] = []
    value = site_row.get("screenshot")
    if isinstance(value, str) and value:
        candidate = Path(value)
        found.append(candidate if candidate.is_absolute() else out_dir / candidate)
    folder = out_dir / crawl_id / "screenshots"
    names = {str(site_row.get("site") or ""), str(site_row.get("ascii_host") or ""), _safe(str(site_row["site"]))}
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            stem = path.name.split(".png")[0].split(".jpg")[0]
            if path.suffix.lower() in _IMAGE_SUFFIXES and any(n and (stem == n or stem.startswith((n + "-", n + "_")))
                                                                     for n in names):
                found.append(path)
    out: list[Path] = []
    for path in found:
        try:
            resolved = path.resolve()
        except OSError:
            continue
        if resolved.is_relative_to(root) and resolved.is_file() and resolved not in out:
            out.append(resolved)
    return out


def _warc_bytes(records: list[bytes], crawl: Mapping[str, Any], site: str) -> bytes:
    """A WARC file: a warcinfo record about the pack, then the cited records as they were."""
    from warcio.warcwriter import WARCWriter

    import kzprivacy

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    info = {"software": f"kzprivacy/{kzprivacy.__version__} evidence pack", "format": "WARC File Format 1.0",
            "isPartOf": str(crawl.get("crawl_id")), "description": f"The records cited by the findings on {site}, "
            "copied byte for byte from the crawl's WARC files."}
    writer.write_record(writer.create_warcinfo_record(WARC_NAME, info))
    return buf.getvalue() + b"".join(records)


def _finding_summary(frames: Mapping[str, Any], site: str, cited: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keep = ("rule", "severity", "verdict", "category", "observed", "observed_url", "policy_url", "policy_evidence",
            "service_id", "warc_record_id", "seen_at", "occurrences")
    findings = [r for r in _rows(frames.get("findings")) if r.get("site") == site]
    out = []
    for n, f in enumerate(findings, start=1):
        label = f"finding {n} ("
        records = [c["record_id"] for c in cited if any(why.startswith(label) for why in c["cited_by"])]
        out.append({"n": n, **{k: f.get(k) for k in keep if k in f}, "records": records})
    return out


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    return value


README = """kzprivacy evidence pack
=======================

Site: {site}
Crawl: {crawl_id} (started {started}, finished {finished}, mode {mode})
Pack made: {created} by kzprivacy {version}
Fingerprint (sha256 of manifest.json): {fingerprint}

report.pdf      the site's report (findings, both sides of the evidence, the policy)
evidence.warc   the {n} WARC records the findings cite, byte for byte as the crawl stored them
                (responses as the server sent them, and the requests that fetched them)
{shots}manifest.json   the crawl's metadata, the sha256 of every file, each record's digests and
                which finding cites which record
SHA256SUMS      the sha256 of every file, manifest.json included

Check the pack:
  kzprivacy evidence verify {zip_name}   (or the unpacked folder)
  sha256sum -c SHA256SUMS   (inside the unpacked folder; needs no kzprivacy)
  warcio check -v evidence.warc   (each record's WARC-Block-Digest and WARC-Payload-Digest)
"""


def build_pack(db_path: str | Path, crawl_id: str, site: str, out_dir: str | Path, *, lang: str = "ru",
               output: str | Path | None = None) -> dict[str, Any]:
    """Write the evidence pack of one site; returns {"path", "fingerprint", "records", "missing", "files"}.

    out_dir holds the crawl (OUT); the pack goes to output, default OUT/<crawl_id>/evidence/<site>.zip.
    Raises KeyError for a site that is not in the crawl, and analysis.report.pdf.PdfError when
    Chromium cannot print the report.
    """
    import kzprivacy
    from kzprivacy.store.read import read_crawl
    from kzprivacy.analysis.report.render import render_pdf_report

    out_dir = Path(out_dir)
    frames = read_crawl(db_path, crawl_id)
    all_sites = _rows(frames.get("sites"))
    site_rows = [r for r in all_sites if r.get("site") == site] or \
        [r for r in all_sites if r.get("ascii_host") == site.lower() or r.get("site") == _unicode_host(site)]
    if not site_rows:
        raise KeyError(f"no site {site!r} in crawl {crawl_id!r}")
    site_row = site_rows[0]
    site = str(site_row["site"])
    crawl = (_rows(frames.get("crawls")) or [{"crawl_id": crawl_id}])[0]
    folder = out_dir / crawl_id / "warc"
    # A crawl's WARC files can be many and large: read first only the files holding the site's pages
    # (its cookie responses and requests are written beside them), and all of them if that falls short.
    own_files = {str(p.get("warc_file")) for p in _rows(frames.get("pages"))
                 if p.get("site") == site and p.get("warc_file")}
    index = WarcIndex.of_folder(folder, own_files) if folder.is_dir() and own_files else WarcIndex()
    cited, missing = cited_records(frames, site, index)
    if missing and folder.is_dir():
        index = WarcIndex.of_folder(folder)
        cited, missing = cited_records(frames, site, index)

    chunks: list[bytes] = []
    record_meta: list[dict[str, Any]] = []
    for item in cited:
        ids = [item["record_id"]]
        request = index.requests_for.get(item["record_id"])
        if request:
            ids.append(request)
        for record_id in ids:
            loc = index.records[record_id]
            data = loc.read()
            parsed, problems = parse_warc(data)
            if problems or len(parsed) != 1:
                missing.append(f"{record_id}: could not be read from {loc.path.name} ({'; '.join(problems)})")
                continue
            record = parsed[0]
            payload = record.payload()
            record_meta.append({
                "record_id": record_id, "type": loc.rec_type, "target_uri": loc.target_uri,
                "date": record.headers.get("warc-date"),
                "block_digest": record.headers.get("warc-block-digest"),
                "payload_digest": record.headers.get("warc-payload-digest"),
                "payload_sha256": sha256_bytes(payload) if payload is not None else None,
                "source_file": loc.path.name, "source_offset": loc.start,
                "cited_by": (item["cited_by"] if record_id == item["record_id"]
                             else [f"request for {item['record_id']}"]),
            })
            chunks.append(data)

    folder_name = f"{_safe(site)}-{re.sub(r'[^A-Za-z0-9._-]+', '_', crawl_id)}"
    target = Path(output) if output else out_dir / crawl_id / "evidence" / f"{_safe(site)}.zip"
    files: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="kzprivacy-evidence-") as tmp:
        pdfs = render_pdf_report(db_path, crawl_id, out_dir, lang=lang, compare_with=False, sites=[site],
                                 summary=False, report_dir=Path(tmp) / "report")
        files[REPORT_NAME] = pdfs[f"site:{site}"].read_bytes()
    files[WARC_NAME] = _warc_bytes(chunks, crawl, site)
    for shot in _screenshots(out_dir, crawl_id, site_row):
        files[f"screenshots/{shot.name}"] = shot.read_bytes()

    settings = crawl.get("settings")
    with contextlib.suppress(ValueError):
        settings = json.loads(settings) if isinstance(settings, str) else settings
    roles = {REPORT_NAME: "report", WARC_NAME: "warc"}
    created = _now()
    manifest: dict[str, Any] = {
        "format": PACK_FORMAT, "created_at": created, "tool_version": kzprivacy.__version__, "site": site,
        "report_language": lang,
        "crawl": {k: _plain(crawl.get(k)) for k in ("crawl_id", "started_at", "finished_at", "status", "mode",
                                                      "tool_version", "sites_total", "sites_done")}
        | {"settings": settings},
        "site_row": {k: _plain(v) for k, v in site_row.items() if k not in ("crawl_id",)},
        "files": [],
        "warc_records": record_meta,
        "findings": _finding_summary(frames, site, cited),
        "not_found": missing,
    }
    readme = README.format(
        site=site, crawl_id=crawl_id, started=crawl.get("started_at") or "?", finished=crawl.get("finished_at") or "?",
        mode=crawl.get("mode") or "?", created=created, version=kzprivacy.__version__, fingerprint="{fingerprint}",
        n=len(record_meta), zip_name=target.name,
        shots="screenshots/    browser mode's screenshots of the site\n" if any(
            n.startswith("screenshots/") for n in files) else "")
    # The README names the fingerprint, so it cannot be among the files the manifest hashes.
    for name in sorted(files):
        data = files[name]
        manifest["files"].append({"path": name, "sha256": sha256_bytes(data), "bytes": len(data),
                                  "role": roles.get(name, "screenshot" if name.startswith("screenshots/") else "file")})
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")
    fingerprint = sha256_bytes(manifest_bytes)
    files[MANIFEST] = manifest_bytes
    files["README.txt"] = readme.replace("{fingerprint}", fingerprint).encode("utf-8")
    files[SUMS] = "".join(f"{sha256_bytes(files[name])}  {name}\n"
                          for name in sorted(files) if name != SUMS).encode("utf-8")

    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(files):
            zf.writestr(f"{folder_name}/{name}", files[name])
    partial.replace(target)
    return {"path": target, "fingerprint": fingerprint, "records": len(record_meta), "missing": missing,
            "files": sorted(files)}


# --------------------------------------------------------------------------- verifying a pack


@dataclass
class Verification:
    """What `verify_pack` found: intact when there are no problems."""

    pack: Path
    fingerprint: str | None = None
    problems: list[str] = field(default_factory=list)
    checked_files: int = 0
    checked_records: int = 0
    manifest: dict[str, Any] | None = None

    @property
    def intact(self) -> bool:
        return not self.problems


def _read_pack(pack: Path) -> tuple[dict[str, bytes], list[str]]:
    """The pack's files by their path inside the pack folder, and archive-level problems."""
    problems: list[str] = []
    files: dict[str, bytes] = {}
    if pack.is_dir():
        for path in sorted(p for p in pack.rglob("*") if p.is_file()):
            files[path.relative_to(pack).as_posix()] = path.read_bytes()
        return files, problems
    try:
        zf = zipfile.ZipFile(pack)
    except (zipfile.BadZipFile, OSError) as exc:
        return files, [f"{pack.name}: not a readable ZIP archive ({exc})"]
    with zf:
        names = [n for n in zf.namelist() if not n.endswith("/")]
        tops = {n.split("/", 1)[0] for n in names}
        strip = len(tops) == 1 and all("/" in n for n in names)
        for name in names:
            inner = name.split("/", 1)[1] if strip else name
            try:
                files[inner] = zf.read(name)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:  # bad CRC, torn data
                problems.append(f"{inner}: damaged in the archive ({exc})")
    return files, problems


def verify_pack(pack: str | Path) -> Verification:
    """Recompute every hash and every WARC record digest of a pack (a .zip or its unpacked folder)."""
    pack = Path(pack)
    result = Verification(pack)
    files, result.problems = _read_pack(pack)
    if MANIFEST not in files:
        result.problems.append(f"{MANIFEST} is missing: nothing to check the pack against")
        return result
    manifest_bytes = files[MANIFEST]
    result.fingerprint = sha256_bytes(manifest_bytes)
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
        if not isinstance(manifest, dict) or manifest.get("format") != PACK_FORMAT:
            raise ValueError(f"not a {PACK_FORMAT} manifest")
        listed = {f["path"]: f for f in manifest["files"]}
    except (ValueError, KeyError, TypeError) as exc:
        result.problems.append(f"{MANIFEST} cannot be read ({exc})")
        manifest, listed = None, {}
    result.manifest = manifest

    # SHA256SUMS: every file, manifest.json included, as sha256sum -c reads it.
    sums: dict[str, str] = {}
    if SUMS in files:
        for line in files[SUMS].decode("utf-8", "replace").splitlines():
            m = re.fullmatch(r"([0-9a-f]{64}) [ *](.+)", line.strip())
            if m:
                sums[m.group(2)] = m.group(1)
            elif line.strip():
                result.problems.append(f"{SUMS}: unreadable line {line.strip()[:80]!r}")
    else:
        result.problems.append(f"{SUMS} is missing")
    for name, expected in sums.items():
        if name not in files:
            result.problems.append(f"{name}: listed in {SUMS} but missing from the pack")
        elif sha256_bytes(files[name]) != expected:
            result.problems.append(f"{name}: sha256 differs from {SUMS} (the file was altered)")
        result.checked_files += 1
    for name, entry in listed.items():
        if name not in files:
            result.problems.append(f"{name}: listed in {MANIFEST} but missing from the pack")
            continue
        actual = sha256_bytes(files[name])
        if actual != entry.get("sha256"):
            result.problems.append(f"{name}: sha256 {actual} differs from {MANIFEST}'s {entry.get('sha256')}")
        if entry.get("bytes") is not None and entry["bytes"] != len(files[name]):
            result.problems.append(f"{name}: {len(files[name])} bytes, {MANIFEST} says {entry['bytes']}")
        if sums and sums.get(name) not in (None, entry.get("sha256")):
            result.problems.append(f"{name}: {SUMS} and {MANIFEST} disagree on its sha256")
    known = set(listed) | {MANIFEST, SUMS, "README.txt"}
    for name in files:
        if name not in known and name not in sums:
            result.problems.append(f"{name}: in the pack but in neither {MANIFEST} nor {SUMS}")
    if manifest is not None and sums and MANIFEST not in sums:
        result.problems.append(f"{SUMS} does not list {MANIFEST}")

    # The WARC: every record's digests, and the records against the manifest.
    if WARC_NAME in files:
        records, problems = parse_warc(files[WARC_NAME])
        result.problems += [f"{WARC_NAME}: {p}" for p in problems]
        by_id = {}
        for record in records:
            result.checked_records += record.headers.get("warc-type") != "warcinfo"
            result.problems += [f"{WARC_NAME}: {p}" for p in check_record(record)]
            by_id[record.record_id] = record
        for entry in (manifest or {}).get("warc_records", []):
            cited = by_id.get(entry.get("record_id"))
            if cited is None:
                result.problems.append(f"{WARC_NAME}: record {entry.get('record_id')} ({entry.get('target_uri')}) "
                                       f"is in {MANIFEST} but not in the WARC")
                continue
            record = cited
            payload = record.payload()
            if entry.get("payload_sha256") and payload is not None and \
                    sha256_bytes(payload) != entry["payload_sha256"]:
                result.problems.append(f"{WARC_NAME}: record {record.record_id} ({entry.get('target_uri')}): "
                                       f"payload sha256 differs from {MANIFEST}")
            for key, header in (("block_digest", "warc-block-digest"), ("payload_digest", "warc-payload-digest")):
                if entry.get(key) and record.headers.get(header) != entry[key]:
                    result.problems.append(f"{WARC_NAME}: record {record.record_id}: {header} header differs "
                                           f"from {MANIFEST}")
        expected_ids = {e.get("record_id") for e in (manifest or {}).get("warc_records", [])}
        for record in records:
            if record.headers.get("warc-type") != "warcinfo" and record.record_id not in expected_ids:
                result.problems.append(f"{WARC_NAME}: record {record.record_id} is not listed in {MANIFEST}")
    elif manifest is not None:
        result.problems.append(f"{WARC_NAME} is missing")
    return result

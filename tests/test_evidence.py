"""Evidence packs from a real crawl of the sample web: what goes in, and that `verify` catches one changed byte.

The packs are checked with the tools a recipient would use too: `warcio check` on the WARC,
`sha256sum -c` on the unpacked folder, pdftotext on the report.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import kzprivacy  # noqa: F401  (offline tldextract first)
from kzprivacy.analysis.report.evidence import parse_warc
from conftest import run_cli

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.usefixtures("chromium")  # the pack's PDF is printed by Chromium

SITE = "webstudio-demo.kz"          # findings on a tracker that sets cookies, and a PDF policy
REDIRECT_SITE = "trilingual-demo.kz"  # its `lang` cookie comes from the redirect of / to /ru/
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJ"
                       "RU5ErkJggg==")


@pytest.fixture(scope="module")
def out(sample_crawl, tmp_path_factory) -> Path:
    """A copy of the sample crawl (database copied, WARC folder linked) with a cookie finding on the
    trilingual site and a screenshot recorded for SITE, as browser mode records one."""
    folder = tmp_path_factory.mktemp("evidence")
    crawl = sample_crawl.crawl_id
    src = sqlite3.connect(sample_crawl.out / "kzprivacy.db")
    conn = sqlite3.connect(folder / "kzprivacy.db")
    src.backup(conn)
    src.close()
    (folder / crawl).mkdir()
    (folder / crawl / "warc").symlink_to(sample_crawl.out / crawl / "warc")
    (folder / crawl / "screenshots").mkdir()
    (folder / crawl / "screenshots" / f"{SITE}.png").write_bytes(PNG)
    conn.execute("UPDATE sites SET screenshot = ? WHERE crawl_id = ? AND site = ?",
                 (f"{crawl}/screenshots/{SITE}.png", crawl, SITE))
    page = conn.execute("SELECT url, warc_record_id FROM pages WHERE crawl_id = ? AND site = ? AND kind = 'home'",
                        (crawl, REDIRECT_SITE)).fetchone()
    conn.execute("INSERT INTO findings (crawl_id, site, category, verdict, severity, observed, observed_url, rule,"
                 " explanation, manual_review, warc_record_id) VALUES (?, ?, 'cookies', 'omitted', 'low',"
                 " 'cookie lang', ?, 'FLOW-UNDECLARED', 'test', 0, ?)", (crawl, REDIRECT_SITE, page[0], page[1]))
    conn.commit()
    conn.close()
    return folder


def pack_of(out: Path, site: str, tmp: Path) -> Path:
    target = tmp / f"{site}.zip"
    result = run_cli("evidence", site, "--out", str(out), "-o", str(target))
    assert f"Evidence pack: {target}" in result.stdout
    return target


def members(pack: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(pack) as zf:
        return {name.split("/", 1)[1]: zf.read(name) for name in zf.namelist()}


def rewrite(pack: Path, target: Path, name: str, change) -> Path:
    """A valid ZIP like `pack` with one member's bytes changed: what someone altering a pack would make."""
    with zipfile.ZipFile(pack) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.split("/", 1)[1] == name:
                data = change(data)
            dst.writestr(info, data)
    return target


def flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


@pytest.fixture(scope="module")
def site_pack(out, tmp_path_factory) -> Path:
    return pack_of(out, SITE, tmp_path_factory.mktemp("pack"))


def test_pack_holds_exactly_the_cited_records(site_pack, out, sample_crawl):
    files = members(site_pack)
    assert set(files) == {"report.pdf", "evidence.warc", "manifest.json", "SHA256SUMS", "README.txt",
                          f"screenshots/{SITE}.png"}
    manifest = json.loads(files["manifest.json"])
    crawl = sample_crawl.crawl_id
    db = sqlite3.connect(out / "kzprivacy.db")
    assert manifest["crawl"]["crawl_id"] == crawl and manifest["site"] == SITE
    assert manifest["crawl"]["started_at"] == db.execute("SELECT started_at FROM crawls WHERE crawl_id = ?",
                                                         (crawl,)).fetchone()[0]
    # What the findings cite, worked out here from the database on its own.
    expected = {r[0] for r in db.execute(
        "SELECT warc_record_id FROM findings WHERE crawl_id = ? AND site = ? AND warc_record_id IS NOT NULL "
        "UNION SELECT p.warc_record_id FROM findings f JOIN pages p ON p.crawl_id = f.crawl_id AND p.site = f.site "
        "  AND p.url = f.observed_url WHERE f.crawl_id = ? AND f.site = ? "
        "UNION SELECT p.warc_record_id FROM policies p JOIN findings f ON f.crawl_id = p.crawl_id AND f.site = p.site"
        "  AND f.policy_url = p.url WHERE p.crawl_id = ? AND p.site = ? "
        "UNION SELECT p.warc_record_id FROM policies p JOIN sites s ON s.crawl_id = p.crawl_id AND s.site = p.site"
        "  AND s.policy_url = p.url WHERE p.crawl_id = ? AND p.site = ?", (crawl, SITE) * 4)}
    # And every other page a finding was seen on (findings.seen_at, a JSON list of URLs).
    for (seen,) in db.execute("SELECT seen_at FROM findings WHERE crawl_id = ? AND site = ? AND seen_at IS NOT NULL",
                              (crawl, SITE)):
        for url in json.loads(seen):
            expected.add(db.execute("SELECT warc_record_id FROM pages WHERE crawl_id = ? AND site = ? AND url = ?",
                                    (crawl, SITE, url)).fetchone()[0])
    # The tracker's cookies were set by the home page's response, which a finding cites already.
    assert db.execute("SELECT count(*) FROM cookies WHERE crawl_id = ? AND site = ? AND service_id IS NOT NULL",
                      (crawl, SITE)).fetchone()[0] >= 1
    records, problems = parse_warc(files["evidence.warc"])
    assert problems == []
    responses = {r.record_id for r in records if r.headers["warc-type"] == "response"}
    assert responses == expected and len(expected) >= 2
    requests = [r for r in records if r.headers["warc-type"] == "request"]
    assert {r.headers["warc-concurrent-to"] for r in requests} == responses
    # Each response's payload is the body whose sha256 the database (and the report) gives.
    for record in records:
        if record.headers["warc-type"] != "response":
            continue
        stored = db.execute("SELECT sha256 FROM pages WHERE crawl_id = ? AND warc_record_id = ?",
                            (crawl, record.record_id)).fetchone()
        assert stored and hashlib.sha256(record.payload()).hexdigest() == stored[0]
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    for name in ("report.pdf", "evidence.warc", f"screenshots/{SITE}.png"):
        assert listed[name] == hashlib.sha256(files[name]).hexdigest()
    assert files[f"screenshots/{SITE}.png"] == PNG
    assert {r["record_id"] for r in manifest["warc_records"]} == {r.record_id for r in records
                                                                  if r.headers["warc-type"] != "warcinfo"}
    assert all(f["records"] for f in manifest["findings"])


def test_pack_checks_with_the_recipients_tools(site_pack, tmp_path, sample_crawl, pdftotext):
    with zipfile.ZipFile(site_pack) as zf:
        zf.extractall(tmp_path)
    folder = next(tmp_path.iterdir())
    subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=folder, check=True)
    check = subprocess.run([sys.executable, "-c", "from warcio.cli import main; main()", "check", "-v",
                            "evidence.warc"], cwd=folder,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("digest pass") >= 3
    text = subprocess.run([pdftotext, "report.pdf", "-"], cwd=folder, capture_output=True, text=True,
                          check=True).stdout
    assert SITE in text and sample_crawl.crawl_id in text
    result = run_cli("evidence", "verify", str(folder))
    assert "INTACT" in result.stdout


def test_cookie_from_a_redirect_brings_the_redirect_response(out, tmp_path):
    pack = pack_of(out, REDIRECT_SITE, tmp_path)
    records, _ = parse_warc(members(pack)["evidence.warc"])
    setters = [r for r in records if r.headers["warc-type"] == "response"
               and r.headers["warc-target-uri"] == f"https://{REDIRECT_SITE}/"]
    assert setters, "the redirect that set the cookie is not in the pack"
    head = setters[0].block.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    assert head.split()[1].startswith("30") and "set-cookie: lang=" in head.lower()
    manifest = json.loads(members(pack)["manifest.json"])
    assert any("cookie lang" in why for r in manifest["warc_records"] for why in r["cited_by"])


def test_verify_says_intact(site_pack):
    result = run_cli("evidence", "verify", str(site_pack))
    assert "INTACT" in result.stdout
    manifest = members(site_pack)["manifest.json"]
    assert hashlib.sha256(manifest).hexdigest() in result.stdout


def _payload_byte(data: bytes) -> int:
    records, _ = parse_warc(data)
    response = next(r for r in records if r.headers["warc-type"] == "response")
    body_start = data.index(b"\r\n\r\n", data.index(b"\r\n\r\n", response.offset) + 4) + 4
    return body_start + 10


@pytest.mark.parametrize(("name", "where", "expected"), [
    ("report.pdf", lambda d: len(d) // 2, ["report.pdf: sha256"]),
    ("evidence.warc", _payload_byte, ["evidence.warc: sha256", "WARC-Payload-Digest does not match",
                                      "WARC-Block-Digest does not match", "payload sha256 differs"]),
    ("manifest.json", lambda d: d.index(b'"started_at": "') + 16, ["manifest.json: sha256 differs from SHA256SUMS"]),
    ("SHA256SUMS", lambda d: 3, ["sha256 differs from SHA256SUMS"]),
])
def test_one_changed_byte_fails_verify(site_pack, tmp_path, name, where, expected):
    original = members(site_pack)[name]

    def change(data: bytes) -> bytes:
        at = where(data)
        if name == "SHA256SUMS":  # another hex digit, so the line still reads as a hash
            return data[:at] + (b"1" if data[at:at + 1] == b"0" else b"0") + data[at + 1:]
        return flip(data, at)

    altered = rewrite(site_pack, tmp_path / "altered.zip", name, change)
    assert members(altered)[name] != original
    result = run_cli("evidence", "verify", str(altered), check=False)
    assert result.returncode == 1, result.stdout
    assert "ALTERED" in result.stdout and "INTACT" not in result.stdout
    for text in expected:
        assert text in result.stdout, (text, result.stdout)


def test_a_changed_byte_in_the_unpacked_folder_fails_verify(site_pack, tmp_path):
    with zipfile.ZipFile(site_pack) as zf:
        zf.extractall(tmp_path)
    folder = next(tmp_path.iterdir())
    shot = folder / "screenshots" / f"{SITE}.png"
    shot.write_bytes(flip(shot.read_bytes(), 40))
    result = run_cli("evidence", "verify", str(folder), check=False)
    assert result.returncode == 1 and f"screenshots/{SITE}.png: sha256" in result.stdout


def test_a_damaged_archive_and_an_extra_file_fail_verify(site_pack, tmp_path):
    raw = bytearray(site_pack.read_bytes())
    with zipfile.ZipFile(site_pack) as zf:
        info = next(i for i in zf.infolist() if i.filename.endswith("evidence.warc"))
    raw[info.header_offset + 30 + len(info.filename) + 50] ^= 0xFF  # inside the compressed WARC
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(raw))
    result = run_cli("evidence", "verify", str(damaged), check=False)
    assert result.returncode == 1 and "evidence.warc" in result.stdout

    extra = tmp_path / "extra.zip"
    shutil.copy(site_pack, extra)
    with zipfile.ZipFile(extra, "a") as zf:
        top = zf.namelist()[0].split("/", 1)[0]
        zf.writestr(f"{top}/note.txt", b"added later")
    result = run_cli("evidence", "verify", str(extra), check=False)
    assert result.returncode == 1 and "note.txt: in the pack but in neither" in result.stdout


def test_unknown_site_is_a_usage_error(out):
    result = run_cli("evidence", "nowhere.kz", "--out", str(out), check=False)
    assert result.returncode == 2 and "nowhere.kz" in result.stderr


def test_parse_warc_reports_a_cut_record():
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    writer.write_record(writer.create_warc_record("https://a.kz/", "resource", payload=io.BytesIO(b"hello"),
                                                  warc_content_type="text/plain"))
    data = buf.getvalue()
    records, problems = parse_warc(data)
    assert len(records) == 1 and problems == []
    _, problems = parse_warc(data[:-6])
    assert problems and "cut short" in problems[0]


def test_an_idn_site_given_in_punycode(out, tmp_path):
    target = tmp_path / "idn.zip"
    run_cli("evidence", "мысал-демо.қаз".encode("idna").decode("ascii"), "--out", str(out), "-o", str(target))
    assert json.loads(members(target)["manifest.json"])["site"] == "мысал-демо.қаз"
    assert "INTACT" in run_cli("evidence", "verify", str(target)).stdout


def test_browser_mode_pack_holds_the_tracker_responses_that_set_cookies(sample_web, tmp_path):
    """In browser mode a tracker's own response sets its cookie; the crawl keeps it, and the pack cites it."""
    out = tmp_path / "render"
    run_cli("scan", "--render", "medshop-demo.kz", "--proxy", sample_web.proxy_url, "--out", str(out),
            "--crawl-id", "render", "--timeout", "5", "--no-progress")
    db = sqlite3.connect(out / "kzprivacy.db")
    third = db.execute("SELECT name, response_url FROM cookies WHERE site = 'medshop-demo.kz' AND set_by = 'header'"
                       " AND party = 'third'").fetchall()
    assert third, "the sample tracker set no third-party cookie"
    pack = tmp_path / "render.zip"
    result = run_cli("evidence", "medshop-demo.kz", "--out", str(out), "-o", str(pack))
    assert "warning" not in result.stderr
    files = members(pack)
    manifest = json.loads(files["manifest.json"])
    assert manifest["not_found"] == [] and any(n.startswith("screenshots/") for n in files)
    records, _ = parse_warc(files["evidence.warc"])
    setters = {r.headers["warc-target-uri"]: r for r in records if r.headers["warc-type"] == "response"}
    for name, url in third:
        assert url in setters, f"no record of {url}, which set {name}"
        head = setters[url].block.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()
        assert f"set-cookie: {name.lower()}=" in head
    assert "INTACT" in run_cli("evidence", "verify", str(pack)).stdout

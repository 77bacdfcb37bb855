"""The crawl's WARC files as replay tools see them: `warcio check` passes, `cdxj-indexer` indexes every
page the database names at the offset it names, and the record a replay index points to holds the
bytes whose sha256 the database (and the report) gives.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request

import kzprivacy  # noqa: F401  (offline tldextract first)
from kzprivacy.crawler.middlewares import WarcWriter

WARCIO = [sys.executable, "-c", "from warcio.cli import main; main()"]
CDXJ = [sys.executable, "-c", "from cdxj_indexer.main import main; main()"]


def warc_files(folder: Path) -> list[Path]:
    files = sorted(folder.glob("*.warc.gz"))
    assert files, f"no WARC files in {folder}"
    return files


def cdxj(files: list[Path]) -> list[tuple[str, str, dict]]:
    out = subprocess.run([*CDXJ, *map(str, files)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        key, stamp, data = line.split(" ", 2)
        rows.append((key, stamp, json.loads(data)))
    return rows


def test_warcio_check_passes_on_every_crawl_file(sample_crawl):
    files = warc_files(sample_crawl.out / sample_crawl.crawl_id / "warc")
    result = subprocess.run([*WARCIO, "check", "-v", *map(str, files)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    records = result.stdout.count("WARC-Record-ID")
    assert records > 100 and result.stdout.count("digest pass") == records
    assert "digest present but not checked" not in result.stdout


def test_cdxj_indexer_indexes_every_page_where_the_database_says(sample_crawl):
    crawl = sample_crawl.crawl_id
    folder = sample_crawl.out / crawl / "warc"
    rows = cdxj(warc_files(folder))
    by_place = {(data["filename"], int(data["offset"])): (key, data) for key, _, data in rows}
    pages = sample_crawl.rows("SELECT url, status_code, sha256, warc_file, warc_offset FROM pages "
                              "WHERE crawl_id = ? AND warc_record_id IS NOT NULL", crawl)
    assert len(pages) > 50
    from warcio.archiveiterator import ArchiveIterator

    for page in pages:
        _key, data = by_place[(page["warc_file"], page["warc_offset"])]
        assert data["url"] == page["url"] and int(data["status"]) == page["status_code"]
        # What a replay tool does with the index line: read `length` bytes at `offset`, one record.
        with open(folder / data["filename"], "rb") as fh:
            fh.seek(int(data["offset"]))
            chunk = fh.read(int(data["length"]))
        record = next(iter(ArchiveIterator(BytesIO(chunk))))
        assert record.rec_headers.get_header("WARC-Target-URI") == page["url"]
        assert hashlib.sha256(record.content_stream().read()).hexdigest() == page["sha256"]


def test_warcinfo_says_what_the_records_are(sample_crawl):
    from warcio.archiveiterator import ArchiveIterator

    path = warc_files(sample_crawl.out / sample_crawl.crawl_id / "warc")[0]
    with open(path, "rb") as fh:
        records = [(r.rec_headers.protocol, r.rec_type, r.content_stream().read()) for r in ArchiveIterator(fh)]
    _protocol, kind, body = records[0]
    assert kind == "warcinfo" and b"format: WARC File Format 1.0" in body
    assert f"isPartOf: {sample_crawl.crawl_id}".encode() in body
    assert {p for p, _, _ in records} == {"WARC/1.0"}


def test_a_chunked_response_is_stored_as_its_entity_body(tmp_path):
    """Scrapy has removed the chunking; the record must not announce chunks it does not have."""
    writer = WarcWriter(tmp_path, "unit", 1 << 20, "kzprivacy-test", crawl_id="unit")
    body = b"<html><body>" + "Политика".encode() * 50 + b"</body></html>"
    request = Request("https://chunked-demo.kz/page?x=1")
    response = HtmlResponse(request.url, status=200, body=body, request=request,
                            headers={"Transfer-Encoding": "chunked", "Content-Type": "text/html; charset=utf-8",
                                     "Set-Cookie": ["a=1; Path=/", "b=2; Path=/"]})
    writer.process_response(request, response)
    writer.close()
    path = tmp_path / "unit-00000.warc.gz"
    check = subprocess.run([*WARCIO, "check", "-v", str(path)], capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout.count("digest pass") == 3, check.stdout
    (key, _, data), = [r for r in cdxj([path]) if r[2].get("status")]
    assert key.startswith("kz,chunked-demo)/page?x=1") and data["mime"] == "text/html"
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "response":
                assert record.http_headers.get_header("Transfer-Encoding") is None
                assert [v for k, v in record.http_headers.headers if k.lower() == "set-cookie"] == [
                    "a=1; Path=/", "b=2; Path=/"]
                assert record.content_stream().read() == body
            elif record.rec_type == "request":
                assert record.http_headers.get_header("Host") == "chunked-demo.kz"
                assert "/page?x=1" in record.http_headers.statusline
    assert request.meta["warc"]["payload_sha256"] == hashlib.sha256(body).hexdigest()


@pytest.mark.parametrize(("url", "host"), [("https://a-demo.kz", "a-demo.kz"),
                                       ("http://u:p@b-demo.kz:8080/x", "b-demo.kz:8080")])
def test_request_record_names_the_host(tmp_path, url, host):
    writer = WarcWriter(tmp_path, "host", 1 << 20, "kzprivacy-test")
    request = Request(url)
    writer.process_response(request, HtmlResponse(request.url, body=b"ok", request=request))
    writer.close()
    from warcio.archiveiterator import ArchiveIterator

    with open(tmp_path / "host-00000.warc.gz", "rb") as fh:
        (req,) = [r for r in ArchiveIterator(fh) if r.rec_type == "request"]
    assert req.http_headers.get_header("Host") == host

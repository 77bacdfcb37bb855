"""`kzprivacy prune`: old crawls' WARC packed (every record still found by the id the database keeps) or
deleted; the database untouched; recent and running crawls left alone."""

from __future__ import annotations

import csv
import hashlib
import io
import sqlite3
import tarfile
from datetime import datetime, timedelta, timezone

from conftest import run_cli


def _age(db, crawl_id: str, days: float, status: str = "finished") -> None:
    started = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds").replace("+00:00", "Z")
    conn = sqlite3.connect(db)
    conn.execute("UPDATE crawls SET started_at = ?, status = ? WHERE crawl_id = ?", (started, status, crawl_id))
    conn.commit()
    conn.close()


def test_prune_packs_then_deletes_old_warc_and_keeps_the_database(sample_web, tmp_path):
    out = tmp_path / "out"
    for crawl_id in ("old", "recent", "running"):
        run_cli("scan", "medshop-demo.kz", "tilda-demo.kz", "--out", str(out), "--crawl-id", crawl_id, "--proxy",
                sample_web.proxy_url, "--no-progress", "--no-analyze", "--timeout", "4")
    db = out / "kzprivacy.db"
    _age(db, "old", 100)
    _age(db, "recent", 3)
    _age(db, "running", 100, status="running")
    pages = {r[0]: r[1] for r in sqlite3.connect(db).execute(
        "SELECT warc_record_id, sha256 FROM pages WHERE crawl_id = 'old' AND status_code IS NOT NULL")}
    assert pages
    before = sum(p.stat().st_size for p in (out / "old" / "warc").glob("*.warc.gz"))

    dry = run_cli("prune", "--out", str(out), "--older-than", "30", "--compress", "--dry-run")
    assert "would compress old" in dry.stdout and (out / "old" / "warc").is_dir()

    packed = run_cli("prune", "--out", str(out), "--older-than", "30", "--compress")
    assert "packed   old" in packed.stdout
    assert "keep     recent: 3.0 days old" in packed.stdout and "keep     running: crawl still running" in packed.stdout
    archive = out / "old" / "warc.tar.xz"
    assert archive.exists() and not (out / "old" / "warc").exists()
    assert (out / "recent" / "warc").is_dir() and (out / "running" / "warc").is_dir()
    assert archive.stat().st_size < before

    # Every page's record is in the archive, where index.csv says, with the bytes the page row hashed.
    from warcio.archiveiterator import ArchiveIterator

    with tarfile.open(archive, "r:xz") as tar:
        index = {row["warc_record_id"]: row for row in
                 csv.DictReader(io.TextIOWrapper(tar.extractfile("index.csv"), encoding="utf-8"))}
        files = {m.name: tar.extractfile(m).read() for m in tar if m.name.endswith(".warc")}
    for record_id, sha256 in pages.items():
        where = index[record_id]
        data = files[where["file"]][int(where["offset"]):int(where["offset"]) + int(where["length"])]
        record = next(iter(ArchiveIterator(io.BytesIO(data))))
        assert record.rec_headers.get_header("WARC-Record-ID") == record_id
        assert hashlib.sha256(record.content_stream().read()).hexdigest() == sha256

    again = run_cli("prune", "--out", str(out), "--older-than", "30", "--compress")
    assert "keep     old: already packed" in again.stdout

    deleted = run_cli("prune", "--out", str(out), "--older-than", "30")
    assert "deleted  old" in deleted.stdout
    assert not archive.exists() and (out / "old" / "warc-pruned.txt").exists()
    assert sqlite3.connect(db).execute("SELECT count(*) FROM pages WHERE crawl_id = 'old'").fetchone()[0] >= len(pages)

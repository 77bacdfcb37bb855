"""`kzprivacy prune`: keep WARC storage bounded; the database (every row, every finding) stays.

    kzprivacy prune --out /srv/kzprivacy --older-than 90 --compress   # pack older crawls' WARC
    kzprivacy prune --out /srv/kzprivacy --older-than 365             # delete older crawls' WARC

A crawl's age is the time since it started (from the database, else the folder's time). Running
crawls are never touched.

--compress packs OUT/<crawl_id>/warc/ into OUT/<crawl_id>/warc.tar.xz: every .warc.gz decompressed
(a plain .warc is a valid WARC file too) so that xz compresses across records, which per-record
gzip cannot: sites repeat their templates page after page. The archive also holds index.csv
(record id, file, offset and length in the plain .warc), so a record named by a row's
warc_record_id is still found: `tar -xJf warc.tar.xz` and read it at that offset. The folder is
removed only after the archive has been read back and checked.

Without --compress, the crawl's WARC folder and any packed archive are deleted, and a note
(OUT/<crawl_id>/warc-pruned.txt) says when and why.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import shutil
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .workspace import Workspace


__all__ = ["PruneAction", "plan_prune", "compress_warc_folder", "prune", "ARCHIVE_NAME", "NOTE_NAME"]

ARCHIVE_NAME = "warc.tar.xz"
NOTE_NAME = "warc-pruned.txt"


@dataclass
class PruneAction:
    crawl_id: str
    folder: Path
    age_days: float
    action: str          # compress | delete | skip
    reason: str = ""
    bytes_before: int = 0
    bytes_after: int = 0


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def _crawl_times(db: str | Path | None) -> dict[str, tuple[datetime | None, str]]:
    """crawl_id -> (started_at, status) from the database, when there is one."""
    from kzprivacy.store import is_database_url, open_store

    if db is None or (not is_database_url(db) and not Path(db).exists()):
        return {}
    store = open_store(db)
    try:
        rows = store.crawls()
    finally:
        store.close()
    out = {}
    for r in rows:
        try:
            started = datetime.fromisoformat(r["started_at"].replace("Z", "+00:00")) if r["started_at"] else None
        except ValueError:
            started = None
        out[r["crawl_id"]] = (started, r["status"])
    return out


def plan_prune(out: Path, older_than_days: float, compress: bool, db: str | Path | None = None,
               now: datetime | None = None) -> list[PruneAction]:
    """What prune would do to each crawl folder of OUT that holds WARC evidence (nothing is changed)."""
    now = now or datetime.now(timezone.utc)
    known = _crawl_times(Workspace(out, str(db) if db is not None else None).db)
    actions = []
    for folder in sorted(p for p in out.iterdir() if p.is_dir()) if out.exists() else []:
        warc, archive = folder / "warc", folder / ARCHIVE_NAME
        if not warc.is_dir() and not archive.exists():
            continue
        started, status = known.get(folder.name, (None, None))
        if started is None:
            started = datetime.fromtimestamp(folder.stat().st_mtime, timezone.utc)
        age = (now - started).total_seconds() / 86400
        action = PruneAction(folder.name, folder, round(age, 2), "skip", bytes_before=_size(warc) + _size(archive))
        if status == "running":
            action.reason = "crawl still running"
        elif age < older_than_days:
            action.reason = f"{age:.1f} days old"
        elif compress and not warc.is_dir():
            action.reason = "already packed"
        elif compress:
            action.action = "compress"
        else:
            action.action = "delete"
        actions.append(action)
    return actions


def _plain_records(path: Path) -> Iterator[tuple[str, int, int]]:
    """(record id, offset, length) of each record of a plain WARC file."""
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as stream:
        iterator = ArchiveIterator(stream)
        for record in iterator:
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            offset = iterator.get_record_offset()
            iterator.read_to_end(record)
            yield record_id, offset, iterator.get_record_length()


def compress_warc_folder(folder: Path, preset: int = 6) -> Path:
    """Pack folder/warc/*.warc.gz into folder/warc.tar.xz (plain WARC and index.csv), check it, remove the folder.

    Works file by file through a temporary plain copy, so memory stays small whatever the WARC size."""
    warc = folder / "warc"
    archive, partial = folder / ARCHIVE_NAME, folder / (ARCHIVE_NAME + ".part")
    index = io.StringIO()
    writer = csv.writer(index)
    writer.writerow(["warc_record_id", "file", "offset", "length"])
    expected: dict[str, int] = {}
    # typeshed lists the xz presets as a Literal 0..9, which an int parameter cannot show (lzma checks it).
    with tarfile.open(partial, "w:xz", preset=preset) as tar:  # type: ignore[call-overload]
        for path in sorted(p for p in warc.rglob("*") if p.is_file()):
            name = str(path.relative_to(warc))
            if path.name.endswith(".warc.gz"):
                plain = folder / (path.name[:-3] + ".part")
                with gzip.open(path, "rb") as src, open(plain, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                name = name[:-3]
                for record_id, offset, length in _plain_records(plain):
                    writer.writerow([record_id, name, offset, length])
                tar.add(plain, arcname=name)
                expected[name] = plain.stat().st_size
                plain.unlink()
            else:  # anything else in the folder is kept as it is
                tar.add(path, arcname=name)
                expected[name] = path.stat().st_size
        data = index.getvalue().encode("utf-8")
        info = tarfile.TarInfo("index.csv")
        info.size, info.mtime = len(data), int(datetime.now(timezone.utc).timestamp())
        tar.addfile(info, io.BytesIO(data))
        expected["index.csv"] = len(data)
    # Read the whole archive back before anything is deleted.
    sizes = {}
    with tarfile.open(partial, "r:xz") as tar:
        for member in tar:
            stream = tar.extractfile(member)
            if stream is None:  # a directory or a link: nothing to read
                continue
            sizes[member.name] = sum(len(chunk) for chunk in iter(functools.partial(stream.read, 1 << 20), b""))
    if sizes != expected:
        partial.unlink()
        raise OSError(f"{partial} does not read back as written; {warc} left as it was")
    partial.rename(archive)
    shutil.rmtree(warc)
    return archive


def prune(out: Path, older_than_days: float, *, compress: bool = False, db: str | Path | None = None,
          dry_run: bool = False, preset: int = 6, now: datetime | None = None) -> list[PruneAction]:
    """Compress or delete the WARC evidence of crawls older than older_than_days; returns what was done."""
    actions = plan_prune(out, older_than_days, compress, db, now)
    for action in actions:
        if dry_run or action.action == "skip":
            continue
        warc, archive = action.folder / "warc", action.folder / ARCHIVE_NAME
        if action.action == "compress":
            compress_warc_folder(action.folder, preset)
            action.bytes_after = _size(archive)
        else:
            shutil.rmtree(warc, ignore_errors=True)
            archive.unlink(missing_ok=True)
            stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
            (action.folder / NOTE_NAME).write_text(
                f"WARC evidence of crawl {action.crawl_id} deleted by kzprivacy prune at {stamp} "
                f"(older than {older_than_days:g} days). The database rows remain; warc_file and "
                "warc_record_id now name records that are gone.\n", encoding="utf-8")
            action.bytes_after = 0
    return actions

"""The weekly routine a scheduler runs (`kzprivacy weekly`), ending in a short digest of what changed.

    kzprivacy weekly -i domains.txt --out /srv/kzprivacy           # SQLite in OUT
    kzprivacy weekly -i domains.txt --out /srv/kzprivacy --db postgresql://kz@db/kz

It scans (as `kzprivacy scan` does: analysis, exports and the HTML report included), compares the
crawl with the previous finished crawl of the same database (analysis/diff.py's `diff_frames`),
and writes OUT/<crawl_id>/digest.md and digest.html: policies changed, appeared or disappeared,
third-party services added or removed, findings new or resolved, sites whose status changed.

The exit status says whether the run worked, not how the sites fared: 0 when the scan, the
analysis and the digest were written (however many sites were down), 1 when the run itself
failed, 130 when it was interrupted. docs/operations.md schedules it with cron or systemd.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .scan import Scan

__all__ = ["previous_crawl", "read_frames", "build_digest", "digest_markdown", "digest_html",
           "write_digest", "run_week", "week_line", "DIGEST_TABLES"]

DIGEST_TABLES = ("sites", "policies", "requests", "inline_trackers", "cookies", "findings")
TITLES = {
    "policies_changed": "Policy text changed", "policies_appeared": "Policy appeared",
    "policies_disappeared": "Policy disappeared", "services_added": "Third-party services added",
    "services_removed": "Third-party services removed", "findings_new": "New findings",
    "findings_resolved": "Resolved findings", "status_changes": "Status changed",
    "sites_added": "Sites added to the list", "sites_removed": "Sites removed from the list",
}
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2, "info": 3}


# --------------------------------------------------------------------------- reading


def previous_crawl(db: str | Path, crawl_id: str) -> str | None:
    """The newest finished crawl of the database started before crawl_id (what this week compares with)."""
    from kzprivacy.store.read import previous_crawl_id

    return previous_crawl_id(db, crawl_id)


def read_frames(db: str | Path, crawl_id: str, tables=DIGEST_TABLES) -> dict[str, Any]:
    """The crawl's tables as analysis/report/export.py types them, from SQLite or PostgreSQL alike."""
    from contextlib import closing

    from kzprivacy.store.read import open_reader

    with closing(open_reader(db)) as store:
        return {table: store.read_table(table, crawl_id) for table in tables}


# --------------------------------------------------------------------------- the digest


def _items(name: str, frame_or_list: Any) -> list[dict[str, Any]]:
    from kzprivacy.analysis.tables import records

    if isinstance(frame_or_list, list):
        return [{"site": s} for s in frame_or_list]
    rows = records(frame_or_list)
    if name in ("findings_new", "findings_resolved"):
        rows.sort(key=lambda r: (SEVERITY_ORDER.get(r.get("severity"), 9), r.get("site") or "", r.get("rule") or ""))
    return rows


def _line(name: str, r: dict[str, Any]) -> str:
    """One change as plain text (escaped later by the format that shows it)."""
    site = r.get("site") or ""
    if name == "policies_changed":
        text = f"{site}: {r.get('to_url')} (+{r.get('added')} / -{r.get('removed')} lines)"
        return text + (f", moved from {r.get('from_url')}" if r.get("moved") else "")
    if name in ("policies_appeared", "policies_disappeared"):
        return f"{site}: {r.get('url')}"
    if name in ("services_added", "services_removed"):
        who = ", ".join(x for x in (r.get("company"), r.get("country")) if x)
        return f"{site}: {r.get('name') or r.get('key')}" + (f" ({who})" if who else "")
    if name in ("findings_new", "findings_resolved"):
        what = f"{r.get('category') or '—'} / {r.get('rule')}"
        return f"{site}: [{r.get('severity')}] {what}" + (f": {r['observed']}" if r.get("observed") else "")
    if name == "status_changes":
        return f"{site}: {r.get('from_status')} → {r.get('to_status')}"
    return site


def build_digest(db: str | Path, crawl_id: str, previous: str | None, *, max_items: int = 25,
                 report: Path | None = None) -> dict[str, Any]:
    """What the digest says, as data: this week's counts and the changes since `previous`."""
    from kzprivacy.analysis.diff import diff_frames
    from kzprivacy.store import open_store

    store = open_store(db)
    try:
        summary = store.crawl_summary(crawl_id)
    finally:
        store.close()
    digest: dict[str, Any] = {"crawl_id": crawl_id, "previous": previous, "summary": summary,
                              "written_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                              "report": str(report) if report else None, "sections": [], "compared_sites": 0}
    if previous is None:
        return digest
    diff = diff_frames(read_frames(db, previous), read_frames(db, crawl_id), previous, crawl_id)
    digest["compared_sites"] = diff.compared_sites
    for name in TITLES:
        rows = _items(name, getattr(diff, name))
        digest["sections"].append({"name": name, "title": TITLES[name], "count": len(rows),
                                   "lines": [_line(name, r) for r in rows[:max_items]],
                                   "more": max(0, len(rows) - max_items)})
    return digest


def _week_line(summary: dict[str, Any]) -> str:
    ok = summary["statuses"].get("ok", 0)
    failed = ", ".join(f"{n} {s}" for s, n in summary["statuses"].items() if s != "ok") or "none"
    return (f"{summary['sites']} sites, {ok} reached, not reached: {failed}; policies on {summary['with_policy']} "
            f"sites; {summary['findings']} findings on {summary['sites_with_findings']} sites.")


def digest_markdown(digest: dict[str, Any]) -> str:
    import re

    def esc(text: Any) -> str:  # site text stays inert: no links, emphasis or HTML from a crawled page
        text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")
        return re.sub(r"([\\`*_\[\]|~#])", r"\\\1", text)

    out = [f"# Weekly digest: crawl {esc(digest['crawl_id'])}", "", "This week: " + esc(_week_line(digest["summary"])),
           ""]
    if digest["previous"] is None:
        out += ["First crawl in this database: nothing to compare with yet.", ""]
    else:
        out += [f"Compared with crawl {esc(digest['previous'])} ({digest['compared_sites']} sites reached in both "
                "weeks compared for policies, services and findings).", "", "| change | count |", "|---|---:|"]
        out += [f"| {s['title']} | {s['count']} |" for s in digest["sections"]]
        out.append("")
        for s in digest["sections"]:
            if not s["count"]:
                continue
            out += [f"## {s['title']} ({s['count']})", ""]
            out += [f"- {esc(line)}" for line in s["lines"]]
            if s["more"]:
                out.append(f"- … and {s['more']} more (see the report)")
            out.append("")
        if not any(s["count"] for s in digest["sections"]):
            out += ["No changes.", ""]
    if digest["report"]:
        link = digest.get("report_link") or digest["report"]
        out += [f"The full report: [{esc(link)}]({link.replace(' ', '%20').replace(')', '%29')})", ""]
    return "\n".join(out)


_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Weekly digest: {{ d.crawl_id }}</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; }
table { border-collapse: collapse; } td, th { padding: .2rem .8rem; border-bottom: 1px solid #ddd; text-align: left; }
td.n { text-align: right; } .zero { color: #999; } li { margin: .15rem 0; word-break: break-word; }
</style></head><body>
<h1>Weekly digest: crawl {{ d.crawl_id }}</h1>
<p>This week: {{ week }}</p>
{% if d.previous is none %}<p>First crawl in this database: nothing to compare with yet.</p>
{% else %}<p>Compared with crawl {{ d.previous }} ({{ d.compared_sites }} sites reached in both weeks compared for
policies, services and findings).</p>
<table><tr><th>change</th><th>count</th></tr>
{% for s in d.sections %}<tr class="{{ 'zero' if not s.count }}"><td>{% if s.count %}<a href="#{{ s.name }}">{{ s.title }}</a>{% else %}{{ s.title }}{% endif %}</td><td class="n">{{ s.count }}</td></tr>
{% endfor %}</table>
{% for s in d.sections if s.count %}<h2 id="{{ s.name }}">{{ s.title }} ({{ s.count }})</h2>
<ul>{% for line in s.lines %}<li>{{ line }}</li>{% endfor %}{% if s.more %}<li>… and {{ s.more }} more (see the report)</li>{% endif %}</ul>
{% endfor %}{% if not changed %}<p>No changes.</p>{% endif %}{% endif %}
{% if d.report %}<p><a href="{{ report_link }}">The full report</a></p>{% endif %}
</body></html>
"""


def digest_html(digest: dict[str, Any], report_link: str | None = None) -> str:
    from jinja2 import Environment

    template = Environment(autoescape=True).from_string(_HTML)
    return template.render(d=digest, week=_week_line(digest["summary"]), report_link=report_link or digest["report"],
                           changed=any(s["count"] for s in digest["sections"]))


def write_digest(db: str | Path, crawl_id: str, previous: str | None, folder: Path, *,
                 report: Path | None = None, max_items: int = 25) -> dict[str, Path]:
    """Write folder/digest.md and folder/digest.html; returns their paths."""
    import os

    digest = build_digest(db, crawl_id, previous, max_items=max_items, report=report)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"md": folder / "digest.md", "html": folder / "digest.html"}
    # Links from the digest's own folder, so they work wherever the folder is copied or served.
    digest["report_link"] = os.path.relpath(report, folder) if report else None
    paths["md"].write_text(digest_markdown(digest), encoding="utf-8")
    paths["html"].write_text(digest_html(digest, digest["report_link"]), encoding="utf-8")
    return paths


# --------------------------------------------------------------------------- the routine


def run_week(scan: "Scan", entries: list, rejected: list, *, compare_with: str | None = None,
             max_items: int = 25) -> dict[str, Any]:
    """Scan (analysis, exports and report included), then write the digest against the previous crawl.

    Returns {"reason": Scrapy's finish reason, "previous": crawl compared with, "paths": digest files,
    "summary": the crawl's counts}; no digest is written when the scan was interrupted."""
    reason = scan.run(entries, rejected, show_progress=False)
    result: dict[str, Any] = {"reason": reason, "previous": None, "paths": {}, "summary": None}
    if reason != "finished":
        return result
    previous = compare_with or previous_crawl(scan.db, scan.crawl_id)
    paths = write_digest(scan.db, scan.crawl_id, previous, scan.crawl_dir,
                         report=scan.output_paths.get("report"), max_items=max_items)
    result.update(previous=previous, paths=paths, summary=scan.workspace.summary(scan.crawl_id))
    return result


def week_line(summary: dict[str, Any]) -> str:
    """One line for a scheduler's log: how the week's sites fared."""
    return _week_line(summary)

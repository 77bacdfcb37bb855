"""How far a crawl has got, read from its database (and, when given, its queue): `kzprivacy status`.

Works for any crawl, one machine or many: the database says which sites are done and how; a
pending site that already has pages stored is in progress; the pace of the last quarter hour
(else of the whole crawl so far) gives the ETA. With the Redis queue, the sites held by workers
and the workers' heartbeats are exact.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

__all__ = ["crawl_status", "format_status", "RECENT_MINUTES"]

RECENT_MINUTES = 15


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None


def crawl_status(store: Any, crawl_id: str, queue: Any = None, now: datetime | None = None) -> dict[str, Any]:
    """Counts, pace and ETA of one crawl; `store` a kzprivacy.store.Store (open_store), `queue` a SiteQueue or None."""
    now = now or datetime.now(timezone.utc)
    crawl = store.crawl(crawl_id)
    if crawl is None:
        raise KeyError(f"no crawl {crawl_id!r}")
    progress = store.crawl_progress(crawl_id, since=_stamp(now - timedelta(minutes=RECENT_MINUTES)))
    statuses = progress["statuses"]
    total = sum(statuses.values())
    pending = statuses.get("pending", 0)
    done = total - pending
    started_pending = progress["in_progress"]
    recent = progress["finished_since"]
    first = _parse(progress["first_finished_at"]) or _parse(crawl["started_at"])
    timed = progress["finished"]
    rate = None  # sites a minute
    began = _parse(crawl["started_at"])
    window = min(RECENT_MINUTES, max((now - began).total_seconds() / 60, 1 / 60)) if began else RECENT_MINUTES
    if recent:
        rate, pace_over = recent / window, f"last {window:.0f} min" if window >= 1 else "last minute"
    elif timed and first and now > first:
        rate, pace_over = timed / max((now - first).total_seconds() / 60, 1e-9), "whole crawl"
    else:
        pace_over = None
    report: dict[str, Any] = {
        "crawl_id": crawl_id, "crawl_status": crawl["status"], "mode": crawl["mode"],
        "started_at": crawl["started_at"], "finished_at": crawl["finished_at"],
        "sites": total, "done": done, "pending": pending,
        "statuses": {k: v for k, v in statuses.items() if k != "pending"},
        "failed": sum(v for k, v in statuses.items() if k not in ("pending", "ok")),
        "in_progress": started_pending, "in_progress_source": "database (pending sites with pages stored)",
        "sites_per_minute": round(rate, 2) if rate else None, "pace_over": pace_over,
        "eta": None, "eta_minutes": None,
    }
    if queue is not None:
        counts, workers = queue.counts(), queue.workers(alive_within=max(60.0, queue.lease_seconds * 2))
        report.update(in_progress=counts["processing"], in_progress_source="queue (sites held by workers)",
                      queue=counts, workers={w: {"host": i.get("host"), "held": i.get("held"), "done": i.get("done"),
                                                 "seen_seconds_ago": round(now.timestamp() - i["seen_at"], 1)}
                                             for w, i in sorted(workers.items())})
    if pending and rate:
        minutes = pending / rate
        report["eta_minutes"] = round(minutes, 1)
        report["eta"] = _stamp(now + timedelta(minutes=minutes))
    return report


def format_status(report: dict[str, Any]) -> str:
    """The report as a few lines for a terminal or a log."""
    lines = [f"Crawl {report['crawl_id']} ({report['mode']}, {report['crawl_status']}), started {report['started_at']}"
             + (f", finished {report['finished_at']}" if report["finished_at"] else "")]
    total = report["sites"] or 1
    by_status = ", ".join(f"{n} {s}" for s, n in report["statuses"].items()) or "none yet"
    lines.append(f"  sites: {report['sites']}; done {report['done']} ({report['done'] / total:.1%}): {by_status}")
    lines.append(f"  failed (not ok): {report['failed']}; in progress: {report['in_progress']} "
                 f"[{report['in_progress_source']}]; waiting: {report['pending'] - report['in_progress']}")
    if report["sites_per_minute"]:
        eta = (f"; ETA {report['eta']} (in {_duration(report['eta_minutes'])})" if report["eta"]
               else "; nothing left")
        lines.append(f"  pace: {report['sites_per_minute']} sites/min ({report['pace_over']}){eta}")
    elif report["pending"]:
        lines.append("  pace: no site finished yet, no ETA")
    if "workers" in report:
        q = report["queue"]
        lines.append(f"  queue: {q['pending']} waiting, {q['processing']} held, {q['done']} done; "
                     f"{len(report['workers'])} workers alive")
        for name, w in report["workers"].items():
            lines.append(f"    {name}: {w['held']} sites held, {w['done']} done, seen {w['seen_seconds_ago']} s ago")
    return "\n".join(lines)


def _duration(minutes: float | None) -> str:
    if minutes is None:
        return "?"
    if minutes < 60:
        return f"{minutes:.0f} min"
    hours = minutes / 60
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"

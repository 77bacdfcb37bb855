"""What changed between two crawls: policies, third-party services, findings, site statuses.

Each comparison is a pure function over the crawls' DataFrames (those of
`kzprivacy.analysis.report.export.read_crawl`, given DIFF_TABLES), so a scheduled weekly run can
compute and mail just this. How a diff reads is kzprivacy/analysis/report/changes.py's: one
renderer for the diff command, the weekly digest and the report's comparison section. Sites are
compared by name; policies, services and findings only for sites that were reached in both crawls,
because a site that did not answer this week has not "removed" its policy or its trackers (its status
change is reported instead).

- policy changed: the text of the site's policy differs (whitespace aside), or it moved
  to another URL; with a line diff (difflib) for a reader;
- policy appeared / disappeared: the site had no policy before / has none now;
- services added / removed: by knowledge-base id, else vendor name, else host;
- findings new / resolved: by site + rule + category + observed, counting only findings
  that are problems (verdict other than `clear`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kzprivacy.analysis.tables import records, third_party_services
from kzprivacy.vocabulary.identity import canonical_url

__all__ = [
    "CrawlDiff", "DIFF_TABLES", "compare_sites", "site_policies", "compare_policies", "text_diff", "inline_changes",
    "compare_services", "compare_findings", "diff_frames", "diff_crawls",
]

# The tables of each crawl the diff reads; readers (`read_crawl`, the digest) fetch just these.
DIFF_TABLES = ("sites", "policies", "requests", "inline_trackers", "cookies", "findings")

REACHED = "ok"
FINDING_KEY = ("site", "rule", "category", "observed")


def _col(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series([None] * len(frame), index=frame.index, dtype=object)
    values = frame[column].astype(object)
    return values.where(values.notna(), None)


def _statuses(sites: pd.DataFrame) -> dict[str, str]:
    return dict(zip(_col(sites, "site"), _col(sites, "status"), strict=True))


# --------------------------------------------------------------------------- sites


def compare_sites(old_sites: pd.DataFrame, new_sites: pd.DataFrame) -> tuple[list[str], list[str], pd.DataFrame]:
    """(sites added to the crawl, sites removed from it, status changes as site/from_status/to_status)."""
    old, new = _statuses(old_sites), _statuses(new_sites)
    added = sorted(set(new) - set(old))
    removed = sorted(set(old) - set(new))
    changes = [{"site": s, "from_status": old[s], "to_status": new[s]}
               for s in sorted(set(old) & set(new)) if old[s] != new[s]]
    return added, removed, pd.DataFrame(changes, columns=["site", "from_status", "to_status"])


def reached_in_both(old_sites: pd.DataFrame, new_sites: pd.DataFrame) -> set[str]:
    """Sites that answered in both crawls: only these are compared for policies, services and findings."""
    old, new = _statuses(old_sites), _statuses(new_sites)
    return {s for s in set(old) & set(new) if old[s] == REACHED and new[s] == REACHED}


# --------------------------------------------------------------------------- policies


def site_policies(sites: pd.DataFrame, policies: pd.DataFrame) -> pd.DataFrame:
    """The policy each site points to (sites.policy_url): site, url, text, sha256, language."""
    columns = ["site", "url", "text", "sha256", "language"]
    if not len(sites):
        return pd.DataFrame(columns=columns)
    chosen = pd.DataFrame({"site": _col(sites, "site"), "url": _col(sites, "policy_url")})
    chosen = chosen[chosen["url"].notna()]
    docs = pd.DataFrame({c: _col(policies, c) for c in columns}) if len(policies) else pd.DataFrame(columns=columns)
    return chosen.merge(docs, on=["site", "url"], how="left").loc[:, columns].reset_index(drop=True)


def _normalised(text: Any) -> str:
    return re.sub(r"\s+", " ", text).strip() if isinstance(text, str) else ""


def text_diff(old: str, new: str, context: int = 2) -> list[str]:
    """A unified line diff of two texts (without the file header lines)."""
    lines = difflib.unified_diff((old or "").splitlines(), (new or "").splitlines(), lineterm="", n=context)
    return [line for line in lines if not line.startswith(("---", "+++"))]


def inline_changes(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level changes between two versions of a line: [("equal"|"delete"|"insert", text), ...]."""
    a, b = re.findall(r"\s+|[^\s]+", old), re.findall(r"\s+|[^\s]+", new)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("insert", "".join(b[j1:j2])))
    return out


def _address(url: str | None) -> str:
    return canonical_url(url or "").split("://", 1)[-1]


def compare_policies(old: pd.DataFrame, new: pd.DataFrame, sites: set[str], context: int = 2
                     ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(appeared, disappeared, changed) among `sites`, from two `site_policies` frames.

    changed has site, from_url, to_url, moved, added, removed (line counts) and diff (lines).
    """
    old_by = {r["site"]: r for r in records(old) if r["site"] in sites}
    new_by = {r["site"]: r for r in records(new) if r["site"] in sites}
    appeared = [{"site": s, "url": new_by[s]["url"]} for s in sorted(set(new_by) - set(old_by))]
    disappeared = [{"site": s, "url": old_by[s]["url"]} for s in sorted(set(old_by) - set(new_by))]
    changed = []
    for site in sorted(set(old_by) & set(new_by)):
        was, now = old_by[site], new_by[site]
        # The http and https twins of one address are one page (kzprivacy/vocabulary/identity.py): a site that answered
        # over http one week and https the next has not moved its policy.
        moved = _address(was["url"]) != _address(now["url"])
        if not moved and _normalised(was["text"]) == _normalised(now["text"]):
            continue
        lines = [] if _normalised(was["text"]) == _normalised(now["text"]) else \
            text_diff(was["text"] or "", now["text"] or "", context)
        changed.append({
            "site": site, "from_url": was["url"], "to_url": now["url"], "moved": moved,
            "added": sum(1 for x in lines if x.startswith("+")),
            "removed": sum(1 for x in lines if x.startswith("-")), "diff": lines,
        })
    return (pd.DataFrame(appeared, columns=["site", "url"]), pd.DataFrame(disappeared, columns=["site", "url"]),
            pd.DataFrame(changed, columns=["site", "from_url", "to_url", "moved", "added", "removed", "diff"]))


# --------------------------------------------------------------------------- services and findings


def compare_services(old: pd.DataFrame, new: pd.DataFrame, sites: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(added, removed) third-party services among `sites`, from two `third_party_services` frames."""
    columns = ["site", "key", "name", "company", "country", "category"]

    def keyed(frame: pd.DataFrame) -> pd.DataFrame:
        if not len(frame):
            return pd.DataFrame(columns=columns)
        f = frame[_col(frame, "site").isin(sites)]
        return pd.DataFrame({c: _col(f, c) for c in columns})

    a, b = keyed(old), keyed(new)
    key = ["site", "key"]
    added = b.merge(a[key], on=key, how="left", indicator=True)
    removed = a.merge(b[key], on=key, how="left", indicator=True)
    added = added[added["_merge"] == "left_only"].drop(columns="_merge")
    removed = removed[removed["_merge"] == "left_only"].drop(columns="_merge")
    return (added.sort_values(key).reset_index(drop=True), removed.sort_values(key).reset_index(drop=True))


def compare_findings(old: pd.DataFrame, new: pd.DataFrame, sites: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(new, resolved) problem findings among `sites`, keyed by site + rule + category + observed."""
    columns = ["site", "rule", "category", "observed", "verdict", "severity", "policy_evidence"]

    def problems(frame: pd.DataFrame) -> pd.DataFrame:
        if not len(frame):
            return pd.DataFrame(columns=columns)
        f = pd.DataFrame({c: _col(frame, c) for c in columns})
        f = f[f["site"].isin(sites) & (f["verdict"] != "clear")]
        for c in FINDING_KEY:
            f[c] = f[c].fillna("")
        return f.drop_duplicates(list(FINDING_KEY))

    a, b = problems(old), problems(new)
    key = list(FINDING_KEY)
    fresh = b.merge(a[key], on=key, how="left", indicator=True)
    gone = a.merge(b[key], on=key, how="left", indicator=True)
    fresh = fresh[fresh["_merge"] == "left_only"].drop(columns="_merge")
    gone = gone[gone["_merge"] == "left_only"].drop(columns="_merge")
    return fresh.sort_values(key).reset_index(drop=True), gone.sort_values(key).reset_index(drop=True)


# --------------------------------------------------------------------------- the whole diff


@dataclass
class CrawlDiff:
    """What changed from one crawl to another, as data (lists and DataFrames); changes.py words and renders it."""

    from_crawl: str
    to_crawl: str
    sites_added: list[str] = field(default_factory=list)
    sites_removed: list[str] = field(default_factory=list)
    status_changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    policies_changed: pd.DataFrame = field(default_factory=pd.DataFrame)
    policies_appeared: pd.DataFrame = field(default_factory=pd.DataFrame)
    policies_disappeared: pd.DataFrame = field(default_factory=pd.DataFrame)
    services_added: pd.DataFrame = field(default_factory=pd.DataFrame)
    services_removed: pd.DataFrame = field(default_factory=pd.DataFrame)
    findings_new: pd.DataFrame = field(default_factory=pd.DataFrame)
    findings_resolved: pd.DataFrame = field(default_factory=pd.DataFrame)
    compared_sites: int = 0

    SECTIONS = ("sites_added", "sites_removed", "status_changes", "policies_changed", "policies_appeared",
                "policies_disappeared", "services_added", "services_removed", "findings_new", "findings_resolved")

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in self.SECTIONS}

    def is_empty(self) -> bool:
        return not any(self.counts().values())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"from_crawl": self.from_crawl, "to_crawl": self.to_crawl,
                               "compared_sites": self.compared_sites, "counts": self.counts()}
        for name in self.SECTIONS:
            value = getattr(self, name)
            out[name] = list(value) if isinstance(value, list) else records(value)
        return out


def diff_frames(old: Mapping[str, pd.DataFrame], new: Mapping[str, pd.DataFrame], from_crawl: str, to_crawl: str,
                context: int = 2) -> CrawlDiff:
    """Compare two crawls given as {table: DataFrame} (as `read_crawl` returns them)."""
    empty = pd.DataFrame()
    get = lambda frames, name: frames.get(name, empty)  # noqa: E731
    added, removed, statuses = compare_sites(get(old, "sites"), get(new, "sites"))
    both = reached_in_both(get(old, "sites"), get(new, "sites"))
    appeared, disappeared, changed = compare_policies(site_policies(get(old, "sites"), get(old, "policies")),
                                                      site_policies(get(new, "sites"), get(new, "policies")),
                                                      both, context)
    services = [third_party_services(get(f, "requests"), get(f, "inline_trackers"), get(f, "cookies"))
                for f in (old, new)]
    services_added, services_removed = compare_services(services[0], services[1], both)
    findings_new, findings_resolved = compare_findings(get(old, "findings"), get(new, "findings"), both)
    return CrawlDiff(from_crawl, to_crawl, added, removed, statuses, changed, appeared, disappeared,
                     services_added, services_removed, findings_new, findings_resolved, compared_sites=len(both))


def diff_crawls(db_path: str | Path, from_crawl: str, to_crawl: str, context: int = 2) -> CrawlDiff:
    """Read two crawls of one database (just DIFF_TABLES) and compare them."""
    from kzprivacy.store.read import read_crawl

    return diff_frames(read_crawl(db_path, from_crawl, DIFF_TABLES), read_crawl(db_path, to_crawl, DIFF_TABLES),
                       from_crawl, to_crawl, context)

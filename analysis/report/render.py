"""The HTML report of a crawl: a summary page and a page per site, static files that open from disk.

    OUT/<crawl_id>/report/index.html
    OUT/<crawl_id>/report/sites/<safe-file-name>.html

Each page is self-contained (CSS inline, charts as inline SVG, a screenshot as a data:
URI) so it can be attached to a letter on its own, and carries a Content-Security-Policy
that forbids scripts and network loads. Everything that came from a crawled site goes
through Jinja2's autoescaping; nothing from a site is ever marked safe.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from kzprivacy.analysis.diff import DIFF_TABLES, CrawlDiff, diff_frames
from kzprivacy.store.read import previous_crawl_id, read_crawl, site_ranges
from kzprivacy.analysis.report import charts
from kzprivacy.analysis.report.changes import changes
from kzprivacy.analysis.tables import (countries_overview, records, services_overview, third_party_services,
                                  value_counts)
from kzprivacy.analysis.report.highlight import FULL_TEXT_LIMIT, Span, excerpt, highlight, locate
from kzprivacy.analysis.report.i18n import Lang
from kzprivacy.analysis.report.score import SEVERITY_ORDER, score_is_provided, severity_points, site_scores
from kzprivacy.analysis.report.templating import make_environment, when

SCREENSHOT_MAX_BYTES = 8 * 1024 * 1024
_IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"RIFF": "image/webp"}

__all__ = ["render_report", "render_pdf_report", "site_file_name", "make_environment"]


# --------------------------------------------------------------------------- names and filters


def site_file_name(site: str) -> str:
    """A file name for a site's page: the ASCII (punycode) form when it is plain, else a slug plus a hash.

    "мысал.қаз" -> "xn--80awbu3c.xn--80ao21a.html"; anything odd (an invalid entry with
    slashes or spaces, upper case) gets a short hash so two sites never share a file.
    """
    try:
        ascii_name = site.encode("idna").decode("ascii")
    except (UnicodeError, ValueError):
        ascii_name = ""
    if ascii_name and re.fullmatch(r"[a-z0-9](?:[a-z0-9.-]{0,120}[a-z0-9])?", ascii_name) and ".." not in ascii_name:
        return ascii_name + ".html"
    slug = re.sub(r"[^a-z0-9.-]+", "-", (ascii_name or site).lower()).strip(".-")[:80] or "site"
    digest = hashlib.sha256(site.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{slug}-{digest}.html"


# --------------------------------------------------------------------------- evidence


@dataclass
class EvidenceIndex:
    """The WARC records behind a site's observations, numbered E1, E2, ... for the page."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    by_record: dict[str, dict[str, Any]] = field(default_factory=dict)
    extra: dict[str, dict[str, Any]] = field(default_factory=dict)  # records known only from other tables

    @classmethod
    def build(cls, pages: list[dict[str, Any]], policies: list[dict[str, Any]]) -> EvidenceIndex:
        index = cls()
        for p in sorted(pages, key=lambda r: (r.get("fetched_at") or "", r.get("url") or "")):
            if p.get("kind") == "screenshot":
                continue
            entry = {"record_id": p.get("warc_record_id"), "url": p.get("url"), "fetched_at": p.get("fetched_at"),
                     "sha256": p.get("sha256"), "warc_file": p.get("warc_file"), "warc_offset": p.get("warc_offset"),
                     "status_code": p.get("status_code"), "kind": p.get("kind"), "error": p.get("error")}
            index._add(entry)
        for p in policies:
            record = p.get("warc_record_id")
            if record and record not in index.by_record:
                index.extra[record] = {"record_id": record, "url": p.get("url"), "fetched_at": p.get("fetched_at"),
                                       "sha256": p.get("sha256"), "warc_file": None, "warc_offset": None,
                                       "status_code": None, "kind": "policy", "error": None}
        return index

    def _add(self, entry: dict[str, Any]) -> dict[str, Any]:
        entry["n"] = len(self.entries) + 1
        entry["anchor"] = f"e{entry['n']}"
        self.entries.append(entry)
        if entry.get("record_id"):
            self.by_record[entry["record_id"]] = entry
        return entry

    def ref(self, record_id: Any) -> dict[str, Any] | None:
        if not isinstance(record_id, str) or not record_id:
            return None
        if record_id in self.by_record:
            return self.by_record[record_id]
        known = self.extra.pop(record_id, None) or {"record_id": record_id, "url": None, "fetched_at": None,
                                                     "sha256": None, "warc_file": None, "warc_offset": None,
                                                     "status_code": None, "kind": None, "error": None}
        return self._add(known)


def find_screenshot(crawl_dir: Path, site_row: Mapping[str, Any], pages: list[dict[str, Any]]
                    ) -> dict[str, str] | None:
    """A browser-mode screenshot of the site as a data: URI, or None.

    Looks at a `screenshot` column of the site (a path relative to OUT, as browser mode
    records it), at pages rows of kind "screenshot" (their url or warc_file naming an image),
    then at OUT/<crawl_id>/screenshots/<site>.png (Unicode, punycode or file-safe name).
    Only image files inside OUT are read.
    """
    out_dir = crawl_dir.parent
    site = str(site_row.get("site") or "")
    candidates: list[tuple[Any, Any]] = [(site_row.get("screenshot"), site_row.get("finished_at"))]
    candidates += [(p.get(key), p.get("fetched_at")) for p in pages if p.get("kind") == "screenshot"
                   for key in ("url", "warc_file")]
    names = dict.fromkeys([site, str(site_row.get("ascii_host") or ""), site_file_name(site)[:-5]])
    candidates += [(str(Path(crawl_dir.name) / "screenshots" / f"{name}{ext}"), None)
                   for name in names if name for ext in (".png", ".jpg", ".jpeg", ".webp")]
    root = out_dir.resolve()
    for value, taken in candidates:
        if not isinstance(value, str) or not value:
            continue
        path = Path(value[7:] if value.startswith("file://") else value)
        try:
            resolved = (path if path.is_absolute() else out_dir / path).resolve()
            if not resolved.is_relative_to(root) or not resolved.is_file() \
                    or resolved.stat().st_size > SCREENSHOT_MAX_BYTES:
                continue
            data = resolved.read_bytes()
        except (OSError, ValueError):
            continue
        mime = next((m for magic, m in _IMAGE_TYPES.items() if data.startswith(magic)), None)
        if mime:
            uri = f"data:{mime};base64," + base64.b64encode(data).decode("ascii")
            return {"data_uri": uri, "source": when(taken) if isinstance(taken, str) else ""}
    return None


# --------------------------------------------------------------------------- pages


def _by_site(frame: pd.DataFrame | None) -> dict[str, list[dict[str, Any]]]:
    if frame is None or not len(frame) or "site" not in frame:
        return {}
    out: dict[str, list[dict[str, Any]]] = {}
    for row in records(frame):
        out.setdefault(str(row["site"]), []).append(row)
    return out


def _json_list(value: Any) -> list[Any]:
    if not isinstance(value, str) or not value:
        return []
    try:
        parsed = json.loads(value)
    except ValueError:
        return [value]
    return parsed if isinstance(parsed, list) else [parsed]


def _facts(rows: list[dict[str, Any]], policy_url: str | None, t: Lang) -> list[tuple[str, list[str]]]:
    """What the analysis found about the operator, as (label, values) rows for the policy table."""
    row = next((r for r in rows if r.get("policy_url") == policy_url), None)
    if row is None:
        return []
    out: list[tuple[str, list[str]]] = []
    if row.get("document_type"):
        out.append((t("document_type"), [t(f"doc_{row['document_type']}")]))
    if names := [str(x) for x in _json_list(row.get("operator_names"))]:
        out.append((t("operator"), names))
    bins = []
    for item in _json_list(row.get("bins")):
        if isinstance(item, list) and item:
            bins.append(str(item[0]) + ("" if (len(item) < 2 or item[1]) else f" ({t('invalid_check_digit')})"))
        else:
            bins.append(str(item))
    if bins:
        out.append((t("bin"), bins))
    contacts = [str(x) for x in _json_list(row.get("emails")) + _json_list(row.get("phones"))]
    if contacts:
        out.append((t("contacts"), contacts))
    if laws := [str(x) for x in _json_list(row.get("laws"))]:
        out.append((t("laws"), laws))
    editions = [str(x) for x in _json_list(row.get("dates")) + _json_list(row.get("versions"))]
    if editions:
        out.append((t("edition"), editions))
    warnings = [str(w[0]) if isinstance(w, list) and w else str(w) for w in _json_list(row.get("warnings"))]
    if warnings:
        out.append((t("policy_warnings"), warnings))
    return out


def _cookie_flags(c: Mapping[str, Any]) -> str:
    flags = [name for name, key in (("Secure", "secure"), ("HttpOnly", "httponly")) if c.get(key)]
    if c.get("samesite"):
        flags.append(f"SameSite={c['samesite']}")
    return " ".join(flags) or "—"


def _policy_spans(policy: Mapping[str, Any], declarations: list[dict[str, Any]], t: Lang
                  ) -> tuple[list[Span], list[dict[str, Any]]]:
    """Highlight spans of the policy's declarations, and the declarations with their anchors."""
    text = policy.get("text") or ""
    spans, rows = [], []
    for i, d in enumerate(declarations, start=1):
        where = locate(text, d.get("start"), d.get("end"), d.get("evidence"))
        anchor = f"d{i}" if where else None
        if where:
            label = f"{t.category(d.get('category'))}: {t(d.get('status') or 'declared')}"
            spans.append(Span(where[0], where[1], f"d{i}", label, d.get("status") or "declared"))
        rows.append({**d, "anchor": anchor})
    return spans, rows


def _by_sentence(declarations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Declarations grouped by their evidence sentence: one row per sentence, with its categories."""
    groups: dict[Any, dict[str, Any]] = {}
    for d in declarations:
        key = d.get("evidence") or d.get("anchor") or id(d)
        group = groups.setdefault(key, {"evidence": d.get("evidence"), "anchor": d.get("anchor"), "cats": []})
        group["anchor"] = group["anchor"] or d.get("anchor")
        item = (d.get("category"), d.get("status"))
        if item not in group["cats"]:
            group["cats"].append(item)
    return list(groups.values())


_SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITY_ORDER)}
REPORT_CHUNK_SITES = 2000  # site pages rendered from this many sites' rows at a time
SUMMARY_TABLES = ("crawls", "sites", "findings", "site_summaries", "requests", "inline_trackers", "cookies")


class Report:
    """Builds the pages of one crawl from its DataFrames."""

    def __init__(self, frames: Mapping[str, pd.DataFrame], crawl_dir: Path, lang: str = "ru",
                 diff: CrawlDiff | None = None):
        self.frames = frames
        self.crawl_dir = crawl_dir
        self.t = Lang(lang)
        self.env = make_environment(lang)
        self.diff = diff
        crawl_rows = records(frames["crawls"])
        self.crawl = crawl_rows[0] if crawl_rows else {"crawl_id": "?", "mode": "http"}
        self.sites = records(frames["sites"])
        self.site_files = {str(s["site"]): site_file_name(str(s["site"])) for s in self.sites}
        empty = pd.DataFrame()
        self.findings_frame = frames.get("findings", empty)
        summaries = frames.get("site_summaries")
        self.scores = site_scores(frames["sites"], self.findings_frame, summaries)
        self.score_provided = score_is_provided(summaries)
        self.services = third_party_services(frames.get("requests", empty), frames.get("inline_trackers", empty),
                                             frames.get("cookies", empty))
        self.services_by_site = _by_site(self.services)
        self.scores_by_site = {r["site"]: r for r in records(self.scores)}
        self.generated_at = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")

    def _common(self) -> dict[str, Any]:
        import kzprivacy

        return {"crawl": self.crawl, "generated_at": self.generated_at, "tool_version": kzprivacy.__version__,
                "score_note": self.score_note(), "has_findings": bool(len(self.findings_frame))}

    def score_note(self) -> str:
        points = severity_points()
        text = self.t("score_rule", points=" / ".join(str(points.get(s, 0)) for s in SEVERITY_ORDER))
        if not self.score_provided and len(self.findings_frame):
            text += " " + self.t("score_fallback")
        return text

    # -- the summary ----------------------------------------------------------------------------

    def summary_context(self) -> dict[str, Any]:
        t = self.t
        sites = self.frames["sites"]
        findings = self.findings_frame
        statuses = value_counts(sites, "status", order=("ok",))
        verdicts = value_counts(findings, "verdict")
        services = services_overview(self.services)
        countries = countries_overview(self.services)
        severity = {s: int((findings["severity"].astype(str) == s).sum()) if len(findings) else 0
                    for s in SEVERITY_ORDER}
        pages = self.frames.get("pages", pd.DataFrame())
        counts = {
            "sites": len(sites),
            "reached": int((sites["status"].astype(str) == "ok").sum()) if len(sites) else 0,
            "with_policy": int(sites["policy_url"].notna().sum()) if len(sites) else 0,
            "with_findings": int(findings["site"].nunique()) if len(findings) else 0,
            "services": len(services),
            "pages": int(pages["status_code"].notna().sum()) if len(pages) else 0,
            "severity": severity,
        }
        top_services = services.head(15)
        charts_ = {
            "statuses": charts.bar_chart([t.status(s) for s in statuses["status"]], list(statuses["count"]),
                                         name="statuses",
                                         colors=["#2f7d4f" if s == "ok" else "#b44d3a" for s in statuses["status"]]),
            "verdicts": charts.bar_chart([t.verdict(v) for v in verdicts["verdict"]], list(verdicts["count"]),
                                         name="verdicts"),
            "services": charts.bar_chart(list(top_services["name"]), list(top_services["sites"]), name="services"),
            "countries": charts.bar_chart([t.country(c) for c in countries["country"]], list(countries["sites"]),
                                          name="countries",
                                          colors=["#2f7d4f" if c == "KZ" else "#2f5d8a" for c in countries["country"]]),
        }
        rules = []
        if len(findings):
            f = findings.assign(rule=findings["rule"].astype(str), severity=findings["severity"].astype(str))
            for rule, group in f.groupby("rule"):
                rules.append({"rule": rule, "count": len(group), "sites": group["site"].nunique(),
                              "severities": sorted(set(group["severity"]), key=lambda s: _SEVERITY_RANK.get(s, 9))})
            rules.sort(key=lambda r: (-r["count"], r["rule"]))
        status_by_site = {str(s["site"]): s for s in self.sites}
        # The summary alone reads only these columns (render_report); a whole crawl's frames have the table.
        policy_hints = _policy_hint_by_site(self.frames.get("policy_hints", self.frames.get("policies")))
        ranking = []
        for row in records(self.scores):
            site = status_by_site.get(row["site"], {})
            reached = site.get("status") == "ok"
            # A site that did not answer has no score: nothing about it could be judged.
            ranking.append({**row, "file": self.site_files.get(row["site"]), "status": site.get("status"),
                            "policy_url": site.get("policy_url"), "reached": reached,
                            "policy_hint": policy_hints.get(row["site"]),
                            "score": row["score"] if reached or row["findings"] else None})
        ranking.sort(key=lambda r: r["score"] is None)  # stable: unreached sites last
        return {
            **self._common(), "counts": counts, "charts": charts_, "ranking": ranking, "rule_rows": rules,
            "status_rows": [(t.status(r["status"]), r["count"]) for r in records(statuses)],
            "verdict_rows": [(t.verdict(r["verdict"]), r["count"], r["sites"]) for r in records(verdicts)],
            "service_rows": [(r["name"], r["company"] or "—", t.country(r["country"]), r["sites"])
                             for r in records(services)],
            "country_rows": [(t.country(r["country"]), r["sites"], r["services"]) for r in records(countries)],
            "changes": changes(self.diff, self.t.code) if self.diff is not None else None,
            "site_files": self.site_files,
        }

    # -- a site -----------------------------------------------------------------------------------

    def site_context(self, site_row: dict[str, Any], parts: Mapping[str, list[dict[str, Any]]]) -> dict[str, Any]:
        t = self.t
        site = str(site_row["site"])
        pages = parts.get("pages", [])
        policies = parts.get("policies", [])
        evidence = EvidenceIndex.build(pages, policies)

        policy = next((p for p in policies if p.get("url") == site_row.get("policy_url")), None)
        spans: list[Span] = []
        declarations: list[dict[str, Any]] = []
        blocks = []
        full_text, full_cut = None, 0
        if policy is not None:
            policy = {**policy, "ref": evidence.ref(policy.get("warc_record_id"))}
            own = [d for d in parts.get("declarations", []) if d.get("policy_url") == policy["url"]]
            own.sort(key=lambda d: (d["start"] if isinstance(d.get("start"), int) else 1 << 60))
            spans, declarations = _policy_spans(policy, own, t)
            text = policy.get("text") or ""
            if text:
                blocks = excerpt(text, spans)
                limit = min(len(text), FULL_TEXT_LIMIT)
                full_text = highlight(text, spans, 0, limit, anchor_prefix="full-")
                full_cut = limit if limit < len(text) else 0
        others = [{**p, "ref": evidence.ref(p.get("warc_record_id"))} for p in policies
                  if policy is None or p.get("url") != policy["url"]]

        services = [dict(s) for s in self.services_by_site.get(site, [])]
        source_names = {"request": t("source_request"), "inline": t("source_inline"), "cookie": t("source_cookie")}
        for s in services:
            s["sources_text"] = ", ".join(source_names.get(x, x) for x in (s.get("sources") or "").split(",") if x)
            s["ref"] = evidence.ref(s.get("warc_record_id"))
        by_service = {s.get("service_id"): s for s in services if s.get("service_id")}

        cookies = [{**c, "flags": _cookie_flags(c), "ref": evidence.ref(c.get("warc_record_id"))}
                   for c in parts.get("cookies", [])]
        fields: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
        for f in sorted(parts.get("form_fields", []), key=lambda r: r.get("field_index") or 0):
            fields.setdefault((f.get("page_url"), f.get("form_index")), []).append(f)
        sent_to: dict[Any, list[dict[str, Any]]] = {}
        for d in parts.get("form_destinations", []):  # browser mode's form probe, joined by the form's key
            if d.get("url"):
                sent_to.setdefault(d.get("form_key"), []).append({**d, "fields": ", ".join(_seen(
                    {"seen_at": d.get("fields_sent")})) or "—"})
        forms = [{**form, "fields": fields.get((form.get("page_url"), form.get("form_index")), []),
                  "sent_to": sent_to.get(form.get("form_key"), []) if form.get("form_key") else [],
                  "ref": evidence.ref(form.get("warc_record_id"))}
                 for form in sorted(parts.get("forms", []), key=lambda r: (r.get("page_url") or "",
                                                                           r.get("form_index") or 0))]

        findings = []
        for f in sorted(parts.get("findings", []), key=lambda r: (_SEVERITY_RANK.get(r.get("severity") or "", 9),
                                                                   r.get("rule") or "", r.get("category") or "")):
            anchor = None
            if f.get("policy_evidence") and policy is not None:
                anchor = next((d["anchor"] for d in declarations if d["anchor"] and d.get("evidence") and
                               (d["evidence"] == f["policy_evidence"] or f["policy_evidence"] in d["evidence"]
                                or d["evidence"] in f["policy_evidence"])), None)
            policy_ref = None
            if f.get("policy_url"):
                doc = next((p for p in policies if p.get("url") == f["policy_url"]), None)
                policy_ref = evidence.ref(doc.get("warc_record_id")) if doc else None
            service = by_service.get(f.get("service_id"))
            findings.append({**f, "text": t.explain(f), "ref": evidence.ref(f.get("warc_record_id")),
                             "anchor": anchor, "policy_ref": policy_ref, "service": service,
                             "policy_statement": _policy_statement(t, f, policy), "seen": _seen(f)})

        flows = sorted(parts.get("flows", []), key=lambda r: (r.get("verdict") == "clear", r.get("category") or ""))
        score = self.scores_by_site.get(site) or {"score": None, **dict.fromkeys(SEVERITY_ORDER, 0)}
        if site_row.get("status") != "ok" and not parts.get("findings"):
            score = {**score, "score": None}
        return {
            **self._common(), "site": site_row, "score": score, "findings": findings,
            "policy": policy, "excerpt": blocks, "declarations": declarations,
            "sentences": _by_sentence(declarations), "full_text": full_text,
            "full_text_cut": full_cut, "other_policies": others,
            "facts": _facts(parts.get("policy_facts", []), policy["url"] if policy else None, t),
            "services": services, "cookies": cookies, "forms": forms, "storage": parts.get("storage", []),
            "flows": flows, "screenshot": find_screenshot(self.crawl_dir, site_row, pages),
            "evidence": evidence.entries,
        }

    # -- writing ----------------------------------------------------------------------------------

    def write(self, report_dir: Path, sites: Iterable[str] | None = None, summary: bool = True) -> Path:
        """Write the summary (unless summary=False) and the site pages (all, or only `sites`)."""
        sites_dir = report_dir / "sites"
        sites_dir.mkdir(parents=True, exist_ok=True)
        index = report_dir / "index.html"
        if summary:
            index.write_text(self.env.get_template("index.html").render(**self.summary_context()), encoding="utf-8")
        wanted = None if sites is None else set(sites)
        if wanted is not None and not wanted:
            return index
        tables = ("pages", "policies", "declarations", "policy_facts", "cookies", "forms", "form_fields",
                  "findings", "flows", "storage", "form_destinations")
        grouped = {name: _by_site(self.frames.get(name)) for name in tables}
        template = self.env.get_template("site.html")
        for site_row in self.sites:
            site = str(site_row["site"])
            if wanted is not None and site not in wanted:
                continue
            parts = {name: grouped[name].get(site, []) for name in tables}
            html = template.render(**self.site_context(site_row, parts))
            (sites_dir / self.site_files[site]).write_text(html, encoding="utf-8")
        return index


def _policy_statement(t: Lang, finding: Mapping[str, Any], policy: Mapping[str, Any] | None) -> str:
    """The policy's side of a finding without a quote, as one true sentence (analysis.rules.policy_statement).

    A crawl analysed before findings had policy_side is judged by the site's policy as it stands."""
    from kzprivacy.analysis.rules import policy_statement

    side = finding.get("policy_side")
    if not isinstance(side, str) or not side:
        if policy is None:
            side = "no_policy"
        else:
            side = "silent" if (policy.get("status") or "ok") == "ok" else "unreadable"
    policy_url = _first_text(finding.get("policy_url"), (policy or {}).get("url"))
    return policy_statement(side, t.code, rule=finding.get("rule") or "",
                            category=finding.get("category") or "", policy_url=policy_url,
                            policy_error=_first_text((policy or {}).get("error")))


def _first_text(*values: Any) -> str:
    return next((v for v in values if isinstance(v, str) and v), "")


def _seen(finding: Mapping[str, Any]) -> list[str]:
    """Every page where the finding's fact was seen (findings.seen_at, a JSON list)."""
    value = finding.get("seen_at")
    if isinstance(value, str) and value.startswith("["):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def render_report(db_path: str | Path, crawl_id: str, out_dir: str | Path, lang: str = "ru",
                  compare_with: str | bool | None = True) -> Path:
    """Write the report of one crawl under out_dir/<crawl_id>/report/; returns the summary page's path.

    compare_with: a crawl id to show changes against, True for the crawl before this one in
    the same database (when there is one), or False/None for no changes section.
    """
    Lang(lang)  # fail early on an unknown language
    # The summary needs every site's row, findings and third parties, not their policies' texts or pages.
    frames = read_crawl(db_path, crawl_id, SUMMARY_TABLES)
    frames["pages"] = _fetched_pages(db_path, crawl_id)
    frames["policy_hints"] = _policy_hints(db_path, crawl_id)
    diff = None
    other = previous_crawl_id(db_path, crawl_id) if compare_with is True else (compare_with or None)
    if other:
        diff = diff_frames(read_crawl(db_path, other, DIFF_TABLES), read_crawl(db_path, crawl_id, DIFF_TABLES),
                           other, crawl_id)
    crawl_dir = Path(out_dir) / crawl_id
    index = Report(frames, crawl_dir, lang, diff).write(crawl_dir / "report", sites=(), summary=True)
    del frames
    # The site pages a chunk of sites at a time: memory follows the chunk, not the crawl.
    for first_last in site_ranges(db_path, crawl_id, REPORT_CHUNK_SITES):
        Report(read_crawl(db_path, crawl_id, sites=first_last), crawl_dir, lang).write(crawl_dir / "report",
                                                                                         summary=False)
    return index


def _fetched_pages(db_path: str | Path, crawl_id: str) -> pd.DataFrame:
    """The status codes of a crawl's pages: all the summary counts of them."""
    from contextlib import closing

    from kzprivacy.store.read import open_reader

    with closing(open_reader(db_path)) as store:
        return store.read_sql("SELECT status_code FROM pages WHERE crawl_id = :crawl_id", {"crawl_id": crawl_id})


def _policy_hints(db_path: str | Path, crawl_id: str) -> pd.DataFrame:
    """What policy-like was found on sites without a policy: a policy named without a link (status
    `mention`), a consent to processing. The summary tells these sites apart from those with nothing."""
    from contextlib import closing

    from kzprivacy.store.read import open_reader

    with closing(open_reader(db_path)) as store:
        if "document_kind" not in store.columns("policies"):
            return store.read_sql("SELECT site, status, NULL AS document_kind FROM policies "
                                  "WHERE crawl_id = :crawl_id AND status = 'mention'", {"crawl_id": crawl_id})
        return store.read_sql("SELECT site, status, document_kind FROM policies WHERE crawl_id = :crawl_id "
                              "AND (status = 'mention' OR (status = 'ok' AND document_kind = 'consent'))",
                              {"crawl_id": crawl_id})


def _policy_hint_by_site(policies: pd.DataFrame | None) -> dict[str, str]:
    """{site: "mention" | "consent"} from rows of the policies table (all of them, or _policy_hints' few):
    a policy named without a link speaks before a consent."""
    out: dict[str, str] = {}
    if policies is None or policies.empty:
        return out
    kinds = policies["document_kind"] if "document_kind" in policies else pd.Series(None, index=policies.index)
    for site, status, kind in zip(policies["site"].astype(str), policies["status"].astype(str), kinds, strict=True):
        if status == "mention":
            out[site] = "mention"
        elif status == "ok" and kind == "consent":
            out.setdefault(site, "consent")
    return out


def render_pdf_report(db_path: str | Path, crawl_id: str, out_dir: str | Path, lang: str = "ru",
                      compare_with: str | bool | None = True, sites: Iterable[str] | None = None,
                      summary: bool = True, report_dir: str | Path | None = None) -> dict[str, Path]:
    """The report as PDFs printed by Chromium: report/index.pdf and report/sites/<site>.pdf beside the HTML.

    Writes the HTML pages first (into report_dir, default out_dir/<crawl_id>/report/), then prints
    them. sites: only these sites' pages (default: every site); summary=False leaves out the summary.
    Returns {"summary": path, "site:<site>": path, ...}. Raises analysis.report.pdf.PdfError when
    Chromium cannot run.
    """
    from kzprivacy.analysis.report.pdf import PdfJob, print_pdfs

    Lang(lang)
    frames = read_crawl(db_path, crawl_id)
    diff = None
    other = previous_crawl_id(db_path, crawl_id) if compare_with is True else (compare_with or None)
    if other and summary:
        diff = diff_frames(read_crawl(db_path, other), frames, other, crawl_id)
    crawl_dir = Path(out_dir) / crawl_id
    target = Path(report_dir) if report_dir is not None else crawl_dir / "report"
    report = Report(frames, crawl_dir, lang, diff)
    known = [str(s["site"]) for s in report.sites]
    chosen = known if sites is None else [s for s in known if s in set(sites)]
    if sites is not None and len(chosen) < len(set(sites)):
        raise KeyError(f"not in crawl {crawl_id!r}: {', '.join(sorted(set(sites) - set(known)))}")
    index = report.write(target, sites=chosen, summary=summary)
    started = report.crawl.get("started_at")
    jobs: dict[str, PdfJob] = {}
    if summary:
        jobs["summary"] = PdfJob(index, index.with_suffix(".pdf"), lang, crawl_id, started)
    for site in chosen:
        html = target / "sites" / report.site_files[site]
        jobs[f"site:{site}"] = PdfJob(html, html.with_suffix(".pdf"), lang, crawl_id, started, title=site)
    print_pdfs(jobs.values())
    return {key: job.pdf for key, job in jobs.items()}

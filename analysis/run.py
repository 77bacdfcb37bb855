"""The analysis stage of a crawl: read its tables, compare, and write declarations, flows and findings back.

Re-running replaces the crawl's analysis rows in one transaction, so `kzprivacy analyze`
is idempotent. Each distinct policy text is analysed once (many sites share a template).
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

from kzprivacy.store import Store, utcnow

from .compare import (FINDING_COLUMNS, consent_findings, flow_findings, form_findings, judge_flows,
                      no_policy_findings, policy_findings, policy_sides, short_policy_findings,
                      summarise_declarations, summarise_sites)
from .identity import identify
from .observations import observe
from .versions import language_version_findings, language_versions

__all__ = ["analyze_crawl", "load_crawl", "analyze_policy_text", "declarations_and_facts"]

CRAWL_TABLES = ("sites", "policies", "forms", "form_fields", "cookies", "requests", "inline_trackers", "pages")
# Of pages, only what identifies them (analysis/identity.py).
TABLE_COLUMNS = {"pages": "site, url, sha256, status_code"}
ANALYSIS_TABLES = ("declarations", "policy_facts", "flows", "findings", "site_summaries")
POLICY_SCORE_MIN = 0.5
PARALLEL_FROM = 200  # distinct policy texts before worker processes pay off


def load_crawl(store: Store, crawl_id: str) -> dict[str, pd.DataFrame]:
    return {table: pd.read_sql_query(f"SELECT {TABLE_COLUMNS.get(table, '*')} FROM {table} WHERE crawl_id = ?",
                                     store.conn, params=(crawl_id,))
            for table in CRAWL_TABLES}


def analyze_policy_text(text: str) -> dict[str, Any]:
    """Declarations and facts of one policy text (a plain function, so worker processes can run it)."""
    from kzprivacy.language import detect_language

    from .declarations import extract_declarations
    from .policy_facts import extract_facts

    declarations = extract_declarations(text, detect_language(text))
    return {"declarations": [asdict(d) for d in declarations], "facts": asdict(extract_facts(text))}


def _analyze_texts(texts: dict[str, str]) -> dict[str, dict[str, Any]]:
    keys = list(texts)
    if len(keys) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor() as pool:
            results = list(pool.map(analyze_policy_text, (texts[k] for k in keys), chunksize=16))
    else:
        results = [analyze_policy_text(texts[k]) for k in keys]
    return dict(zip(keys, results))


def declarations_and_facts(policies: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(declarations, facts) for the readable policies of a crawl."""
    readable = policies[(policies["status"] == "ok") & policies["text"].notna()
                        & ((policies["is_policy_score"] >= POLICY_SCORE_MIN) | (policies["is_best"] == 1))]
    texts = dict(zip(readable["sha256"].fillna(readable["url"]), readable["text"]))
    results = _analyze_texts(texts)
    declaration_rows, fact_rows = [], []
    # Facts for each site's best policy and its other language versions (a Kazakh version may keep a template's
    # blanks that the Russian one filled), the best first: policy_findings reads a site's first row as its best.
    with_facts = set(zip(readable.loc[readable["is_best"] == 1, "site"], readable.loc[readable["is_best"] == 1, "url"]))
    with_facts |= set(zip(*[language_versions(policies)[c] for c in ("site", "url")]))
    readable = readable.sort_values(["site", "is_best"], ascending=[True, False], kind="stable")
    for site, url, key in zip(readable["site"], readable["url"], readable["sha256"].fillna(readable["url"])):
        result = results[key]
        for d in result["declarations"]:
            declaration_rows.append({"site": site, "policy_url": url, **d})
        if (site, url) in with_facts:
            facts = result["facts"]
            flags = {"has_kz_law": "kz_94v" in facts["laws"],
                     "has_operator": bool(facts["operator_names"] or facts["bins"])}
            warnings = facts["warnings"] or [(None, None)]
            for code, evidence in warnings:
                fact_rows.append({"site": site, "policy_url": url, "warning": code, "evidence": evidence,
                                  "facts": facts, **flags})
    declarations = pd.DataFrame(declaration_rows, columns=["site", "policy_url", "category", "status", "evidence",
                                                           "start", "end", "rule", "vendors", "specificity", "note"])
    facts = pd.DataFrame(fact_rows, columns=["site", "policy_url", "warning", "evidence", "facts", "has_kz_law",
                                             "has_operator"])
    return declarations, facts


def _sites_with_policy(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Sites with their chosen policy's status, and what else policy-like was found when there is none:
    a policy named without a link (`policy_mention`), a consent to processing (`consent_url`)."""
    all_policies = tables["policies"]
    policies = all_policies[["site", "url", "status", "error", "warc_record_id", "chars"]].rename(
        columns={"url": "policy_url", "status": "policy_status", "error": "policy_error",
                 "warc_record_id": "policy_warc", "chars": "policy_chars"})
    sites = tables["sites"].merge(policies, on=["site", "policy_url"], how="left")
    mentions = all_policies[all_policies["status"].eq("mention")].sort_values("url").drop_duplicates("site")
    sites = sites.merge(mentions[["site", "link_text", "url", "warc_record_id"]].rename(
        columns={"link_text": "policy_mention", "url": "mention_url", "warc_record_id": "mention_warc"}),
        on="site", how="left")
    kind = all_policies["document_kind"] if "document_kind" in all_policies else pd.Series(None, index=all_policies.index)
    consents = all_policies[kind.eq("consent") & all_policies["status"].eq("ok")].sort_values("url")
    return sites.merge(consents.drop_duplicates("site")[["site", "url"]].rename(columns={"url": "consent_url"}),
                       on="site", how="left")


def _policy_fact_rows(facts: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for (site, url), group in facts.groupby(["site", "policy_url"], sort=False):
        f = group["facts"].iloc[0]
        rows.append({"site": site, "policy_url": url,
                     "operator_names": f["operator_names"], "bins": [list(b) for b in f["bins"]],
                     "bins_valid": all(valid for _, valid in f["bins"]) if f["bins"] else None,
                     "emails": f["emails"], "phones": f["phones"], "dates": f["dates"], "versions": f["versions"],
                     "laws": f["laws"], "warnings": [list(w) for w in f["warnings"]],
                     "document_type": f.get("document_type")})
    return rows


def analyze_crawl(db_path: str | Path, crawl_id: str) -> dict[str, int]:
    """Analyse one stored crawl and replace its analysis rows; returns counts."""
    store = Store(db_path)
    try:
        tables = identify(load_crawl(store, crawl_id))
        sites = _sites_with_policy(tables)
        declarations, facts = declarations_and_facts(tables["policies"])
        observations = observe(tables)
        flows = judge_flows(observations, declarations, sites)
        parts = [flow_findings(flows), no_policy_findings(observations, sites),
                 form_findings(tables["forms"], tables["form_fields"]), consent_findings(tables["cookies"])]
        summary = summarise_declarations(declarations)
        if not facts.empty:
            parts.append(policy_findings(facts, summary))
        parts.append(short_policy_findings(sites, summary))
        parts.append(language_version_findings(tables["policies"], declarations))
        parts = [p for p in parts if not p.empty]
        findings = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=FINDING_COLUMNS)
        findings = policy_sides(findings, sites, summarise_declarations(declarations))
        summaries = summarise_sites(sites, flows, findings)
        _write(store, crawl_id, declarations, facts, flows, findings, summaries)
        return {"declarations": len(declarations), "flows": len(flows), "findings": len(findings),
                "sites": len(summaries)}
    finally:
        store.close()


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    frame = frame.reindex(columns=columns)
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _write(store: Store, crawl_id: str, declarations: pd.DataFrame, facts: pd.DataFrame, flows: pd.DataFrame,
           findings: pd.DataFrame, summaries: pd.DataFrame) -> None:
    key = {"crawl_id": crawl_id}
    flow_columns = ["site", "category", "source", "observed", "observed_url", "service_id", "vendor", "company",
                    "country", "verdict", "policy_evidence", "policy_url", "vendor_named", "warc_record_id"]
    summary_columns = [c for c in summaries.columns]
    with store.transaction():
        for table in ANALYSIS_TABLES:
            store.conn.execute(f"DELETE FROM {table} WHERE crawl_id = ?", (crawl_id,))
        store.insert("declarations", ({**key, **r} for r in _records(
            declarations, ["site", "policy_url", "category", "status", "evidence", "start", "end", "rule", "vendors",
                           "specificity", "note"])))
        store.insert("policy_facts", ({**key, **r} for r in _policy_fact_rows(facts)))
        store.insert("flows", ({**key, **r} for r in _records(flows, flow_columns)))
        store.insert("findings", ({**key, **r} for r in _records(findings, FINDING_COLUMNS)))
        store.insert("site_summaries", ({**key, "analyzed_at": utcnow(), **r}
                                        for r in _records(summaries, summary_columns)))


"""The analysis stage of a crawl: read its tables, compare, and write declarations, flows and findings back.

Re-running replaces the crawl's analysis rows in one transaction, so `kzprivacy analyze`
is idempotent. Each distinct policy text is analysed once (many sites share a template).

Every step is per site, so a crawl is analysed CHUNK_SITES sites at a time (ranges of site
names, read through the tables' (crawl_id, site) indexes): memory follows the chunk, not the
crawl, and the whole .kz zone fits in well under 1 GB. Analysed texts are kept for reuse across
chunks in a bounded cache; one process pool serves every chunk.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from kzprivacy.extract.policy import POLICY_THRESHOLD
from kzprivacy.store import Store, open_store, utcnow

from .compare import (FINDING_COLUMNS, consent_findings, flow_findings, form_findings, judge_flows,
                      no_policy_findings, policy_findings, policy_sides, short_policy_findings,
                      summarise_declarations, summarise_sites)
from .identity import identify
from .observations import observe
from .versions import language_version_findings, language_versions

__all__ = ["analyze_crawl", "analyze_tables", "load_crawl", "site_ranges", "analyze_policy_text",
           "declarations_and_facts"]

CRAWL_TABLES = ("sites", "policies", "forms", "form_fields", "cookies", "requests", "inline_trackers", "pages",
                "form_destinations")
# Of pages, only what identifies them (analysis/identity.py).
TABLE_COLUMNS = {"pages": "site, url, sha256, status_code"}
# Rows are read in the order of each table's own key, never in the order they were written: a crawl spread over
# several workers writes them in another order, and the evidence a finding keeps must not depend on it.
TABLE_ORDER = {
    "sites": "site", "pages": "site, url", "policies": "site, url",
    "cookies": "site, page_url, name, domain, path, consent_phase",
    "requests": "site, page_url, url, resource_type, consent_phase",
    "inline_trackers": "site, page_url, service_id, tracker_id",
    "forms": "site, page_url, form_index", "form_fields": "site, page_url, form_index, field_index",
    "form_destinations": "site, page_url, form_index, request_index",
}
PARALLEL_FROM = 200  # distinct policy texts before worker processes pay off
CHUNK_SITES = 2000   # sites analysed at a time
TEXT_CACHE = 4000    # analysed policy texts kept for the next chunks (shared templates)
ROW_BATCH = 1000     # analysis rows made (and written) at a time


def site_ranges(store: Store, crawl_id: str, size: int = CHUNK_SITES) -> Iterator[tuple[str, str]]:
    """(first, last) site names of consecutive chunks of `size` sites, by name."""
    sites = store.site_names(crawl_id)
    for start in range(0, len(sites), size):
        yield sites[start], sites[min(start + size, len(sites)) - 1]


def load_crawl(store: Store, crawl_id: str, first: str | None = None, last: str | None = None
               ) -> dict[str, pd.DataFrame]:
    """The crawl's tables, or only the rows of sites `first` to `last` (inclusive, by name)."""
    where, params = "crawl_id = :crawl_id", {"crawl_id": crawl_id}
    if first is not None and last is not None:
        where, params = where + " AND site >= :first AND site <= :last", {**params, "first": first, "last": last}
    tables = {table: store.read_sql(f"SELECT {TABLE_COLUMNS.get(table, '*')} FROM {table} WHERE {where}", params)
              for table in CRAWL_TABLES}
    # Sorted here, not by ORDER BY: the databases' collations differ, Python's code-point order does not.
    return {table: frame.sort_values(TABLE_ORDER[table].split(", "), kind="stable", ignore_index=True)
            for table, frame in tables.items()}


class TextCache(OrderedDict):
    """Analysed policy texts by key (sha256), the least recently used dropped past `size`."""

    def __init__(self, size: int = TEXT_CACHE):
        super().__init__()
        self.size = size

    def remember(self, key: str, value: dict[str, Any]) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


@lru_cache(maxsize=1)
def analyzer_fingerprint() -> str:
    """What decides a policy text's analysis: the sources of the modules that read it and the versions of the
    dictionaries they use. A stored analysis counts only under the same fingerprint, so a changed lexicon
    analyses every text again."""
    from importlib import metadata

    from kzprivacy.vocabulary import language, prefilter, taxonomy

    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for path in (here / "run.py", here / "declarations.py", here / "policy_facts.py", here / "sentences.py",
                 Path(taxonomy.__file__), Path(language.__file__), Path(prefilter.__file__)):
        digest.update(path.read_bytes())
    for dist in ("pymorphy3", "pymorphy3-dicts-ru", "snowballstemmer"):
        digest.update(f"{dist}={metadata.version(dist)};".encode())
    return digest.hexdigest()[:16]


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class StoredAnalyses:
    """Policy texts analysed before (by any crawl in this database, table policy_analyses), and those
    analysed now, to be added in the same transaction as the crawl's analysis: a weekly scan analyses only
    the texts that changed, and a template shared by thousands of sites is analysed once."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.analyzer = analyzer_fingerprint()
        self.reused = 0
        self._new: dict[str, dict[str, Any]] = {}

    def lookup(self, texts: dict[str, str]) -> dict[str, dict[str, Any]]:
        """{key: result} of the texts (by key) analysed before."""
        hashes = {key: text_sha256(text) for key, text in texts.items()}
        found = self.store.policy_analyses(self.analyzer, hashes.values())
        out = {key: json.loads(found[digest]) for key, digest in hashes.items() if digest in found}
        self.reused += len(out)
        return out

    def add(self, text: str, result: dict[str, Any]) -> None:
        digest = text_sha256(text)
        self._new.setdefault(digest, {"text_sha256": digest, "analyzer": self.analyzer, "analyzed_at": utcnow(),
                                      "result": json.dumps(result, ensure_ascii=False)})

    def take(self) -> list[dict[str, Any]]:
        """The rows added since the last call (for policy_analyses)."""
        rows, self._new = list(self._new.values()), {}
        return rows


def analyze_policy_text(text: str) -> dict[str, Any]:
    """Declarations and facts of one policy text (a plain function, so worker processes can run it)."""
    from kzprivacy.vocabulary.language import detect_language

    from .declarations import extract_declarations
    from .policy_facts import extract_facts
    from .sentences import split_sentences

    # The analysis makes many small objects and frees them as it goes (by reference counting); their number set
    # off the cyclic garbage collector again and again, to walk the caches of words and everything else the
    # process holds. It is paused while one text is analysed (what the analysis leaves in cycles, if anything,
    # it collects later): the bench's first pass over its policies, which fills the caches, is 1.19x faster.
    collecting = gc.isenabled()
    gc.disable()
    try:
        sentences = split_sentences(text)
        declarations = extract_declarations(text, detect_language(text), sentences)
        # Each declaration as a dict, its vendors copied: dataclasses.asdict deep-copies field by field,
        # which cost as much as a fifth of the matching on the sample web's policies.
        # The facts as dataclasses.asdict gives them, without its recursive deep copy: their lists hold strings
        # and tuples of strings, which are immutable, so copying the lists is enough.
        facts = {name: list(value) if isinstance(value, list) else value
                 for name, value in vars(extract_facts(text, sentences)).items()}
        return {"declarations": [{**vars(d), "vendors": list(d.vendors)} for d in declarations], "facts": facts}
    finally:
        if collecting:
            gc.enable()


class _Pool:
    """A process pool started on first use (only when a chunk has enough distinct texts to pay off)."""

    def __init__(self) -> None:
        self.executor: Executor | None = None

    def map(self, func: Callable[[str], Any], items: list[str]) -> list[Any]:
        if len(items) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
            return [func(item) for item in items]
        if self.executor is None:
            self.executor = ProcessPoolExecutor()
        return list(self.executor.map(func, items, chunksize=16))

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown()


def _analyze_texts(texts: dict[str, str], cache: TextCache | None = None, pool: _Pool | None = None,
                   stored: StoredAnalyses | None = None) -> dict[str, dict[str, Any]]:
    """Each distinct text's analysis: from the cache, from the database (`stored`), or analysed now (in the
    pool when there are many)."""
    cache = TextCache() if cache is None else cache
    results = {k: cache[k] for k in texts if k in cache}
    todo = [k for k in texts if k not in results]
    if stored is not None and todo:
        results.update(stored.lookup({k: texts[k] for k in todo}))
        todo = [k for k in todo if k not in results]
    owned = pool is None
    pool = pool or _Pool()
    try:
        fresh = dict(zip(todo, pool.map(analyze_policy_text, [texts[k] for k in todo]), strict=True))
    finally:
        if owned:
            pool.close()
    results.update(fresh)
    if stored is not None:
        for key, result in fresh.items():
            stored.add(texts[key], result)
    for key in texts:
        cache.remember(key, results[key])
    return results


def declarations_and_facts(policies: pd.DataFrame, cache: TextCache | None = None, pool: _Pool | None = None,
                           stored: StoredAnalyses | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(declarations, facts) for the readable policies of a crawl (or of a chunk of its sites)."""
    readable = policies[(policies["status"] == "ok") & policies["text"].notna()
                        & ((policies["is_policy_score"] >= POLICY_THRESHOLD) | (policies["is_best"] == 1))]
    texts = dict(zip(readable["sha256"].fillna(readable["url"]), readable["text"], strict=True))
    results = _analyze_texts(texts, cache, pool, stored)
    declaration_rows, fact_rows = [], []
    # Facts for each site's best policy and its other language versions (a Kazakh version may keep a template's
    # blanks that the Russian one filled), the best first: policy_findings reads a site's first row as its best.
    best = readable["is_best"] == 1
    with_facts = set(zip(readable.loc[best, "site"], readable.loc[best, "url"], strict=True))
    with_facts |= set(zip(*[language_versions(policies, same_type=False)[c] for c in ("site", "url")], strict=True))
    readable = readable.sort_values(["site", "is_best"], ascending=[True, False], kind="stable")
    for site, url, key in zip(readable["site"], readable["url"], readable["sha256"].fillna(readable["url"]),
                              strict=True):
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
    sites = sites.merge(mentions[["site", "link_text", "url", "warc_record_id", "error"]].rename(
        columns={"link_text": "policy_mention", "url": "mention_url", "warc_record_id": "mention_warc",
                 "error": "mention_error"}), on="site", how="left")
    kind = (all_policies["document_kind"] if "document_kind" in all_policies
            else pd.Series(None, index=all_policies.index))
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


def analyze_crawl(db_path: str | Path, crawl_id: str, chunk_sites: int = CHUNK_SITES) -> dict[str, int]:
    """Analyse one stored crawl, `chunk_sites` sites at a time, and replace its analysis rows (in one
    transaction); returns counts."""
    store = open_store(db_path)
    counts = {"declarations": 0, "flows": 0, "findings": 0, "sites": 0, "texts_analysed": 0, "texts_reused": 0}
    cache = TextCache()
    pool = _Pool()
    stored = StoredAnalyses(store)

    def chunks() -> Iterator[dict[str, Iterable[dict[str, Any]]]]:
        for first, last in site_ranges(store, crawl_id, chunk_sites):
            results = analyze_tables(load_crawl(store, crawl_id, first, last), cache, pool, stored)
            declarations, _facts, flows, findings, summaries = results
            for key, frame in (("declarations", declarations), ("flows", flows), ("findings", findings),
                               ("sites", summaries)):
                counts[key] += len(frame)
            rows = _rows(*results)
            analysed = stored.take()
            counts["texts_analysed"] += len(analysed)
            yield {**rows, "policy_analyses": analysed}

    try:
        store.replace_analysis(crawl_id, chunks())
        counts["texts_reused"] = stored.reused
        return counts
    finally:
        pool.close()
        store.close()


def analyze_tables(tables: dict[str, pd.DataFrame], cache: TextCache | None = None, pool: _Pool | None = None,
                   stored: StoredAnalyses | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(declarations, facts, flows, findings, site summaries) of the crawl tables of some sites."""
    tables = identify(tables)
    sites = _sites_with_policy(tables)
    declarations, facts = declarations_and_facts(tables["policies"], cache, pool, stored)
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
    return declarations, facts, flows, findings, summaries


def _records(frame: pd.DataFrame, columns: list[str]) -> Iterator[dict[str, Any]]:
    """The frame's rows as dicts of plain values (None for missing), made ROW_BATCH rows at a time as the
    store writes them: a chunk's tables held as lists of dicts were a third of the analysis' peak memory."""
    frame = frame.reindex(columns=columns)
    for start in range(0, len(frame), ROW_BATCH):
        part = frame.iloc[start:start + ROW_BATCH]
        yield from part.astype(object).where(part.notna(), None).to_dict("records")


def _rows(declarations: pd.DataFrame, facts: pd.DataFrame, flows: pd.DataFrame, findings: pd.DataFrame,
          summaries: pd.DataFrame) -> dict[str, Iterable[dict[str, Any]]]:
    """One chunk's analysis rows, by table (the store adds the crawl_id), made as they are written."""
    flow_columns = ["site", "category", "source", "observed", "observed_url", "service_id", "vendor", "company",
                    "country", "verdict", "policy_evidence", "policy_url", "vendor_named", "warc_record_id"]
    summary_columns = list(summaries.columns)
    return {
        "declarations": _records(declarations, ["site", "policy_url", "category", "status", "evidence", "start",
                                                "end", "rule", "vendors", "specificity", "note"]),
        "policy_facts": _policy_fact_rows(facts),
        "flows": _records(flows, flow_columns),
        "findings": _records(findings, FINDING_COLUMNS),
        "site_summaries": ({"analyzed_at": utcnow(), **r} for r in _records(summaries, summary_columns)),
    }

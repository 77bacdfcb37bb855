"""Analysis speed and memory: policies per second, and the comparison on 10,000 and 100,000 synthetic sites.

    python bench/analysis.py [--sites 10000 100000]

Figures come with a baseline measured in the same run (these machines are noisy):
- policy analysis against a plain tokenising pass over the same texts (lowercase + regex words), twice:
  cold, the first pass over the texts with the word caches empty (every word's lemmas and stems are looked
  up in the morphology dictionaries, as for a policy of new words), and warm, later passes over the same
  texts with the caches holding their words (as in a long run, where policies share most of their words).
  Both come after one policy was analysed, so that the dictionaries are loaded and the lexicon is compiled
  (what every process pays once); then the word caches are emptied for the cold pass;
- the comparison against one bare pandas merge of the same observation and declaration tables.
Time comes from an untraced run; memory is the peak traced by tracemalloc in a second run of each step.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
# This file is bench/analysis.py: put the project first, so that `analysis` is the package, not this file.
sys.path.insert(0, str(ROOT))
SEEDS = ROOT.parent / "shared" / "seeds"


def measure(func, *args):
    """(result, seconds, peak MB): timed untraced, then run again under tracemalloc for memory
    (tracing slows Python code several times over, so one run cannot give both)."""
    started = time.perf_counter()
    result = func(*args)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    func(*args)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, peak / 2**20


def policy_texts() -> list[str]:
    """The sample web's policies (HTML, converted as the crawler does) and the seeds where present."""
    from kzprivacy.extract.documents import html_to_document

    texts = []
    for path in sorted((ROOT / "kzprivacy" / "sampleweb" / "sites").glob("*/pages/*")):
        if path.suffix == ".html" and any(w in path.name for w in ("priv", "polit", "policy", "kupiya", "sayasat")):
            raw = path.read_bytes()
            text = raw.decode("utf-8", "replace")  # stored in UTF-8; the server transcodes
            texts.append(html_to_document(text).text)
    if SEEDS.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    return [t for t in texts if len(t) > 500]


def forget_words() -> None:
    """Empty the analysis's caches of words (lemmas and stems, tags, the lexicon phrases each word anchors)."""
    from kzprivacy.analysis import declarations

    for name in ("_keys", "_tag", "_anchored"):
        cache = getattr(declarations, name, None)   # an older analysis may lack one: the bench compares versions
        if cache is not None:
            cache.cache_clear()


def bench_policies(rounds: int = 3) -> None:
    from kzprivacy.analysis.run import analyze_policy_text

    texts = policy_texts()
    analyze_policy_text(texts[0])  # load the morphology dictionaries and compile the lexicon once, as a long crawl does
    words = re.compile(r"\w+")

    def baseline():
        return sum(len(words.findall(t.lower())) for _ in range(rounds) for t in texts)

    def one_pass():
        return sum(len(analyze_policy_text(t)["declarations"]) for t in texts)

    def cold():
        forget_words()
        return one_pass()

    def warm():
        return sum(one_pass() for _ in range(rounds))

    _, base_s, base_mb = measure(baseline)
    found, cold_s, cold_mb = measure(cold)
    warm()      # the traced cold pass filled the caches again; one more pass settles them
    _, warm_s, warm_mb = measure(warm)
    base = base_s / (len(texts) * rounds)    # seconds a policy
    chars = sum(len(t) for t in texts) / len(texts)
    print(f"policy analysis: {len(texts)} policies (mean {chars:,.0f} chars, {found} declarations a pass)")
    print(f"  cold, first pass   : {len(texts) / cold_s:8.1f} policies/s   peak {cold_mb:6.1f} MB   "
          f"{base / (cold_s / len(texts)):.4f}x the baseline's speed")
    print(f"  warm, later passes : {len(texts) * rounds / warm_s:8.1f} policies/s   peak {warm_mb:6.1f} MB   "
          f"{base / (warm_s / (len(texts) * rounds)):.4f}x the baseline's speed")
    print(f"  tokenising baseline: {1 / base:8.1f} policies/s   peak {base_mb:6.1f} MB")
    print("  (one core; analyze_crawl spreads distinct texts over all cores and analyses each distinct text once)")


CATEGORIES = ["name", "phone", "email", "iin", "address", "cookies", "analytics", "advertising", "ip_address",
              "device", "usage", "third_party_sharing", "cross_border_transfer", "health"]


EVIDENCE = [f"{i}. Сайт использует сервисы {v} и передаёт данные третьим лицам в объёме {i % 97}."
            for i, v in enumerate(["Яндекс.Метрика", "Google Analytics", "веб-аналитики", "VK Реклама"] * 500)]


def synthetic(n_sites: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(observations, declarations, sites) shaped like a real crawl: ~12 observations, ~15 declarations a site."""
    from kzprivacy.analysis.observations import service_table

    rng = np.random.default_rng(seed)
    sites = pd.DataFrame({"site": [f"site{i:06d}-demo.kz" for i in range(n_sites)]})
    sites["status"] = "ok"
    sites["policy_url"] = np.where(rng.random(n_sites) < 0.8, "https://" + sites["site"] + "/privacy", None)
    sites["policy_status"] = np.where(sites["policy_url"].notna(), "ok", None)
    services = service_table().sample(40, random_state=seed)
    n_obs = n_sites * 12
    obs = pd.DataFrame({
        "site": sites["site"].values[rng.integers(0, n_sites, n_obs)],
        "category": rng.choice(CATEGORIES, n_obs),
        "source": "service", "observed": "x", "observed_url": "https://x/",
        "warc_record_id": "<urn:uuid:1>",
    })
    picked = services.iloc[rng.integers(0, len(services), n_obs)].reset_index(drop=True)
    with_service = rng.random(n_obs) < 0.5
    for col in ("service_id", "vendor", "company", "country"):
        obs[col] = np.where(with_service, picked[col], None)
    n_decl = n_sites * 15
    decl = pd.DataFrame({
        "site": sites["site"].values[rng.integers(0, n_sites, n_decl)],
        "category": rng.choice([*CATEGORIES, "storage_in_kz", "retention"], n_decl),
        "status": np.where(rng.random(n_decl) < 0.9, "declared", "denied"),
        "specificity": np.where(rng.random(n_decl) < 0.8, "specific", "vague"),
        # Policies repeat templates across sites: sentences drawn from a pool of 2,000.
        "evidence": [EVIDENCE[i] for i in rng.integers(0, len(EVIDENCE), n_decl)],
        "start": 0, "end": 10, "policy_url": "https://x/privacy",
    })
    decl["vendors"] = [["Google"] if i % 3 == 0 else [] for i in range(n_decl)]
    return obs, decl, sites


def bench_comparison(n_sites: int) -> None:
    from kzprivacy.analysis.compare import flow_findings, judge_flows, summarise_sites

    obs, decl, sites = synthetic(n_sites)

    def compare():
        flows = judge_flows(obs, decl, sites)
        findings = flow_findings(flows)
        summarise_sites(sites, flows, findings)
        return len(flows), len(findings)

    def baseline():
        summary = decl.groupby(["site", "category"], as_index=False)["status"].first()
        return len(obs.merge(summary, on=["site", "category"], how="left"))

    # The chunks as analyze_crawl gets them, one at a time from the database's (crawl_id, site) index:
    # here the tables are sorted and the bounds of each chunk found once, before the clock starts, so
    # that neither the sort nor the search is timed. Bounds come from NumPy copies of the site columns:
    # an Arrow-backed column's searchsorted converts the whole column on every call (16.9 of 38.6 s in a
    # profile of 100,000 sites).
    from kzprivacy.analysis.run import CHUNK_SITES

    o = obs.sort_values("site", kind="stable").reset_index(drop=True)
    d = decl.sort_values("site", kind="stable").reset_index(drop=True)
    s = sites.sort_values("site").reset_index(drop=True)
    o_sites, d_sites = o["site"].to_numpy(dtype=object), d["site"].to_numpy(dtype=object)
    bounds = []
    for start in range(0, len(s), CHUNK_SITES):
        first, last = s["site"].iloc[start], s["site"].iloc[min(start + CHUNK_SITES, len(s)) - 1]
        bounds.append((start, o_sites.searchsorted(first, "left"), o_sites.searchsorted(last, "right"),
                       d_sites.searchsorted(first, "left"), d_sites.searchsorted(last, "right")))
    del o_sites, d_sites

    def chunked():
        """The same work as analyze_crawl does it: CHUNK_SITES sites at a time."""
        totals = [0, 0]
        for start, lo, hi, dlo, dhi in bounds:
            part = s.iloc[start:start + CHUNK_SITES]
            flows = judge_flows(o.iloc[lo:hi], d.iloc[dlo:dhi], part)
            findings = flow_findings(flows)
            summarise_sites(part, flows, findings)
            totals[0] += len(flows)
            totals[1] += len(findings)
        return tuple(totals)

    _, base_s, base_mb = measure(baseline)
    (flows, findings), seconds, peak = measure(compare)
    (cflows, cfindings), chunk_s, chunk_mb = measure(chunked)
    print(f"comparison, {n_sites:,} synthetic sites ({len(obs):,} observations, {len(decl):,} declarations):")
    print(f"  judge+findings+summary: {seconds:7.2f} s  peak {peak:7.1f} MB  -> {flows:,} flows, {findings:,} findings"
          "  (all sites at once)")
    print(f"  the same, by chunks   : {chunk_s:7.2f} s  peak {chunk_mb:7.1f} MB  -> {cflows:,} flows, {cfindings:,} "
          "findings  (as analyze_crawl runs it)")
    print(f"  bare merge baseline   : {base_s:7.2f} s  peak {base_mb:7.1f} MB")
    print(f"  ratio comparison/baseline: time {seconds / base_s:.1f}x, memory {peak / base_mb:.1f}x; "
          f"by chunks: time {chunk_s / base_s:.1f}x, memory {chunk_mb / base_mb:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--skip-policies", action="store_true")
    args = parser.parse_args()
    if not args.skip_policies:
        bench_policies()
    for n in args.sites:
        bench_comparison(n)


if __name__ == "__main__":
    main()

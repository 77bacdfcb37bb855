"""A site's score, to rank sites by, and where the report takes it from.

The analysis owns the score (analysis/rules.py: 100 minus points per finding by
severity, never below 0; 100 means nothing was found) and stores it in the
site_summaries table. The report uses that table when the crawl has it; for a crawl
whose summaries are missing (crawled with --no-analyze and findings added later, or an
older database) it computes the same score from the findings with the analysis's own
function, so both paths agree. Lower scores rank first: they are the sites to look at.
"""

from __future__ import annotations

import pandas as pd

SEVERITY_ORDER: tuple[str, ...] = ("high", "medium", "low", "info")
SCORE_COLUMNS = ("site", "score", "high", "medium", "low", "info", "manual_review", "findings")


def severity_points() -> dict[str, int]:
    """Points a finding of each severity takes off the score (from the analysis's rules)."""
    from kzprivacy.analysis.rules import SEVERITY_POINTS

    return dict(SEVERITY_POINTS)


def score_from_severities(severities: list[str]) -> int:
    from kzprivacy.analysis.rules import score

    return int(score(list(severities)))


def site_scores(sites: pd.DataFrame, findings: pd.DataFrame,
                summaries: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per site of `sites`: score, findings by severity and flagged for manual review.

    Sorted worst first (lowest score), then by high-severity findings, then by name.
    """
    names = sites["site"].astype(str).unique() if "site" in sites else []
    out = pd.DataFrame({"site": names})
    f = findings if findings is not None and len(findings) else pd.DataFrame(columns=["site", "severity"])
    f = f.assign(site=f["site"].astype(str), severity=f["severity"].astype(str), manual=_manual(f))
    counts = f.groupby(["site", "severity"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=list(SEVERITY_ORDER), fill_value=0)
    out = out.merge(counts, left_on="site", right_index=True, how="left")
    out = out.merge(f[f["manual"]].groupby("site").size().rename("manual_review"), left_on="site",
                    right_index=True, how="left")
    for column in (*SEVERITY_ORDER, "manual_review"):
        out[column] = out[column].fillna(0).astype(int)
    out["findings"] = out[list(SEVERITY_ORDER)].sum(axis=1).astype(int)
    by_site = f.groupby("site")["severity"].agg(list)
    out["score"] = [score_from_severities(by_site.get(s, [])) for s in out["site"]]
    if summaries is not None and score_is_provided(summaries):
        # The analysis's score, where its count of findings is still the site's (findings added or
        # removed since the analysis ran make the report recompute, with the same rule).
        s = summaries.assign(site=summaries["site"].astype(str)).drop_duplicates("site").set_index("site")
        provided = s["score"].where(s["findings"] == out.set_index("site")["findings"].reindex(s.index)) \
            if "findings" in s else s["score"]
        out["score"] = out["site"].map(provided.dropna()).fillna(out["score"]).astype(int)
    out = out.sort_values(["score", "high", "site"], ascending=[True, False, True], kind="stable")
    return out.loc[:, list(SCORE_COLUMNS)].reset_index(drop=True)


def score_is_provided(summaries: pd.DataFrame | None) -> bool:
    """True when the analysis stored scores (site_summaries) for this crawl."""
    return summaries is not None and "score" in summaries.columns and bool(summaries["score"].notna().any())


def _manual(findings: pd.DataFrame) -> pd.Series:
    if "manual_review" not in findings:
        return pd.Series(False, index=findings.index)
    return pd.to_numeric(findings["manual_review"], errors="coerce").fillna(0).astype(int) != 0

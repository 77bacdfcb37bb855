"""Language versions of one policy compared: what one version states and another leaves out.

Sites in Kazakhstan often publish the policy in Russian and Kazakh (and English). Each version is
read on its own (analysis/declarations.py); here the versions of a site are set side by side, and a
version that says nothing of a category another version declares becomes a finding
(`POLICY-LANGUAGE-VERSION-GAP`): a reader of that language is told less. The finding names the
version that says less (`observed_url`, its language and length in `observed`) and quotes the other
version's sentence for each category it leaves out (`policy_evidence`, `policy_url`).

A category the shorter version *denies* is not counted as left out: the version speaks to it.
"""

from __future__ import annotations

import pandas as pd

from kzprivacy.extract.policy import POLICY_THRESHOLD
from kzprivacy.vocabulary.language import detect_language

from .policy_facts import document_type
from kzprivacy.vocabulary.taxonomy import CATEGORIES

from .compare import FINDING_COLUMNS
from .rules import RULES, explain

__all__ = ["VERSION_LANGUAGES", "language_versions", "language_version_findings"]

RULE = "POLICY-LANGUAGE-VERSION-GAP"
# Languages whose versions are compared; "mixed" and "unknown" texts are not versions of one language.
VERSION_LANGUAGES = ("ru", "kk", "en")
EVIDENCE_CHARS = 240            # each quoted sentence, at most


def language_versions(policies: pd.DataFrame, same_type: bool = True) -> pd.DataFrame:
    """One readable policy per site and language (the site's best first, then the likeliest policy), of the
    best one's document type (any type with `same_type=False`), for sites with at least two languages: columns
    site, url, language, chars, warc_record_id."""
    columns = ["site", "url", "language", "chars", "warc_record_id"]
    if policies.empty:
        return pd.DataFrame(columns=columns)
    # A consent to processing, terms or an offer is not a version of the policy (policies.document_kind).
    kind = policies["document_kind"] if "document_kind" in policies else pd.Series(None, index=policies.index)
    readable = policies[(policies["status"] == "ok") & policies["text"].notna()
                        & ~kind.isin(["consent", "terms", "offer"])
                        & ((policies["is_policy_score"].fillna(0) >= POLICY_THRESHOLD)
                           | (policies["is_best"].fillna(0) == 1))].copy()
    if readable.empty:
        return pd.DataFrame(columns=columns)
    language = readable["language"] if "language" in readable else pd.Series(None, index=readable.index)
    missing = ~language.isin((*VERSION_LANGUAGES, "mixed", "unknown"))
    language = language.where(~missing, readable["text"].map(detect_language))
    readable = readable.assign(language=language, chars=readable["text"].str.len())
    if "warc_record_id" not in readable:
        readable["warc_record_id"] = None
    readable = readable[readable["language"].isin(VERSION_LANGUAGES)]
    readable = readable.sort_values(["site", "is_best", "is_policy_score"], ascending=[True, False, False])
    # Versions of one document: a Russian policy and a Kazakh consent are two documents, not two versions.
    readable = readable.assign(_type=readable["text"].map(document_type))
    if same_type:
        readable = readable[readable["_type"] == readable.groupby("site")["_type"].transform("first")]
    versions = readable.drop_duplicates(["site", "language"])
    several = versions.groupby("site")["language"].transform("size") > 1
    return versions.loc[several, columns].reset_index(drop=True)


def language_version_findings(policies: pd.DataFrame, declarations: pd.DataFrame) -> pd.DataFrame:
    """One finding per site and language version that leaves out categories another version declares."""
    versions = language_versions(policies)
    if versions.empty or declarations.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    said = declarations.merge(versions.rename(columns={"url": "policy_url"}), on=["site", "policy_url"])
    mentioned = set(zip(said["site"], said["language"], said["category"], strict=True))
    declared = said[said["status"] == "declared"].assign(
        _vague=lambda d: d["specificity"].ne("specific")).sort_values(["site", "category", "_vague", "start"])
    order = {code: i for i, code in enumerate(CATEGORIES)}
    rows = []
    for version in versions.itertuples(index=False):
        others = declared[(declared["site"] == version.site) & (declared["language"] != version.language)]
        if others.empty:
            continue
        # Per category left out, the sentence of the other version that states it (the site's best first).
        left_out = others[[(version.site, version.language, c) not in mentioned for c in others["category"]]]
        if left_out.empty:
            continue
        first = left_out.drop_duplicates("category")
        first = first.assign(_order=first["category"].map(order).fillna(len(order))).sort_values("_order")
        codes = list(first["category"])
        source = first["policy_url"].mode().iloc[0]
        source_language = first.loc[first["policy_url"] == source, "language"].iloc[0]
        evidence = "\n".join(f"{c}: «{e[:EVIDENCE_CHARS]}»"
                             for c, e in zip(first["category"], first["evidence"], strict=True))
        observed = (f"the {version.language} version ({version.url}, {int(version.chars)} characters) says nothing "
                    f"of what the {source_language} version states: {', '.join(codes)}")
        rows.append({"site": version.site, "category": codes[0], "observed": observed, "observed_url": version.url,
                     "policy_evidence": evidence, "policy_url": source, "warc_record_id": version.warc_record_id})
    if not rows:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    spec = RULES[RULE]
    out = pd.DataFrame(rows).assign(verdict=spec.verdict, severity=spec.severity, rule=RULE,
                                    manual_review=spec.manual_review, service_id=None)
    out["explanation"] = [explain(RULE, category=c, observed=o)
                          for c, o in zip(out["category"], out["observed"], strict=True)]
    out["seen_at"] = [[u] for u in out["observed_url"]]
    out["occurrences"] = 1
    return out.reindex(columns=FINDING_COLUMNS)

"""The comparison: each observed flow against what the policy declares, and the findings that follow.

It reads top to bottom like the explanation a regulator gets:
  1. summarise_declarations: per site and category, does the policy declare it, vaguely or specifically,
     or deny it, and with which sentence;
  2. judge_flows: every observation gets its verdict (clear, vague, omitted, incorrect, ambiguous, no_policy);
  3. flow_findings: the flows that are not clear become findings under a stable rule;
  4. form_findings, consent_findings, policy_findings: rules about how the site collects and about the policy;
  5. summarise_sites: counts and a score per site.
Whole-table pandas (joins and group-bys) wherever it is fast; where a step matches sets of words per
site, or gathers lists per group, a loop over cached Python sets is several times faster than exploding them
into string columns (bench/analysis.py measures the comparison).
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike
import pandas as pd

from .declarations import SALE_RULES
from .identity import places
from .observations import PERSONAL_DATA, service_table
from .rules import RULES, SEVERITY_POINTS, explain

__all__ = ["summarise_declarations", "judge_flows", "flow_findings", "form_findings", "consent_findings",
           "policy_findings", "no_policy_findings", "short_policy_findings", "policy_sides", "summarise_sites",
           "FINDING_COLUMNS", "vendor_tokens"]

FINDING_COLUMNS = ["site", "category", "verdict", "severity", "observed", "observed_url", "policy_evidence",
                   "policy_url", "rule", "explanation", "manual_review", "warc_record_id", "service_id",
                   "policy_side", "occurrences", "seen_at"]

# How serious an undeclared flow is, by category.
CATEGORY_SEVERITY = {
    "health": "high", "biometric": "high", "iin": "high", "id_document": "high", "payment_card": "high",
    "ip_address": "low", "device": "low", "usage": "low",
}

# What kind of practice a service stands for, so that a policy declaring "web analytics" covers an
# analytics tag (its kind is named) even when the vendor is not.
KIND_PRACTICE = {"analytics": "analytics", "session_replay": "analytics", "tag_manager": "analytics",
                 "advertising": "advertising", "social": "third_party_sharing", "call_tracking": "call_recording",
                 "chat": "third_party_sharing", "forms_crm": "third_party_sharing", "maps": "location",
                 "payments": "payment_card", "captcha": "cookies", "video": "third_party_sharing"}
# Categories a service implies without the site asking for them: declared with the service itself.
IMPLIED_ONLY = {"ip_address", "device", "usage"}
# Rules where each service is its own finding (a separate transfer or recipient); others group by category.
PER_SERVICE_RULES = {"KZ-FOREIGN-TRACKER-VS-STORAGE-IN-KZ", "KZ-FOREIGN-TRANSFER-UNDECLARED", "VENDOR-UNNAMED"}

# Cyrillic brand names as policies write them, to the Latin tokens services are known by.
_BRANDS = {"яндекс": "yandex", "гугл": "google", "гугл-аналитикс": "google", "метрика": "metrica",
           "фейсбук": "facebook", "инстаграм": "instagram", "вконтакте": "vk", "вк": "vk", "майл": "mail",
           "телеграм": "telegram", "джива": "jivo", "живосайт": "jivo", "битрикс": "bitrix", "битрикс24": "bitrix24",
           "тильда": "tilda", "каспи": "kaspi", "халык": "halyk", "тикток": "tiktok", "мета": "meta",
           "ватсап": "whatsapp", "2гис": "2gis"}
_GENERIC = {"llc", "inc", "ltd", "limited", "gmbh", "ooo", "ооо", "тоо", "ао", "jsc", "llp", "co", "corp",
            "corporation", "platforms", "group", "the", "company", "international", "services", "ireland",
            # words in service names that name a kind of service, not a company
            "analytics", "pixel", "maps", "map", "widget", "widgets", "chat", "live", "ads", "tag", "manager",
            "fonts", "video", "forms", "cdn", "api", "pay", "payments", "button", "counter", "metrics",
            "statistics", "web", "online", "cloud", "retargeting", "static", "platform", "and", "for", "of",
            "site", "website", "builder", "hosting", "quiz", "session", "recording", "call", "tracking", "js",
            "sdk", "embed", "player", "sharing", "social", "login", "marketing", "crm", "insights", "ru", "kz"}


_WORDS = re.compile(r"\w+")


def _name_tokens(text: str) -> frozenset[str]:
    """Distinctive lowercase tokens of a text that may name a vendor, Cyrillic brands transliterated."""
    tokens = set()
    for token in _WORDS.findall((text or "").lower()):
        token = _BRANDS.get(token, token)
        if len(token) >= 2 and token not in _GENERIC:
            tokens.add(token)
    return frozenset(tokens)


@lru_cache(maxsize=10_000)
def vendor_tokens(text: str) -> frozenset[str]:
    """Distinctive lowercase tokens of a vendor or company name, Cyrillic brands transliterated.

    Cached: services and the vendor lists the lexicon recognises are few. Policy sentences go through
    _name_tokens uncached, once per chunk: a cache keyed by every sentence grew by about 10 MB per 2,000
    sites of a zone (tracemalloc), up to its 200,000 entries."""
    return _name_tokens(text)


def summarise_declarations(declarations: pd.DataFrame) -> pd.DataFrame:
    """Per (site, category): declared_specific, declared_vague, denied, and the best supporting sentence."""
    cols = ["site", "category", "declared_specific", "declared_vague", "denied", "policy_evidence", "policy_url",
            "denied_evidence"]
    if declarations.empty:
        return pd.DataFrame(columns=cols)
    # A refused sale («Мы не продаём данные») is a denial of the policy, but no flow the scan sees contradicts it:
    # a service receiving visitors' data is not sold them. Flows are judged against the other denials only, so
    # «не продаём; передаём перевозчикам и подрядчикам сайта» is no self-contradiction (FLOW-CONTRADICTORY).
    sale = (declarations["rule"].isin(SALE_RULES) if "rule" in declarations
            else pd.Series(False, index=declarations.index))
    d = declarations.assign(
        declared_specific=(declarations["status"] == "declared") & (declarations["specificity"] == "specific"),
        declared_vague=(declarations["status"] == "declared") & (declarations["specificity"] != "specific"),
        denied=(declarations["status"] == "denied") & ~sale,
    )
    flags = d.groupby(["site", "category"], as_index=False)[["declared_specific", "declared_vague", "denied"]].any()
    # The sentence to show: a specific declaration first, then a vague one.
    d["_rank"] = np.select([d["declared_specific"], d["declared_vague"]], [0, 1], 2)
    declared = d[d["status"] == "declared"].sort_values(["site", "category", "_rank", "start"])
    evidence = declared.drop_duplicates(["site", "category"])[["site", "category", "evidence", "policy_url"]]
    denied = d[d["denied"]].sort_values("start").drop_duplicates(["site", "category"])[
        ["site", "category", "evidence"]].rename(columns={"evidence": "denied_evidence"})
    out = flags.merge(evidence.rename(columns={"evidence": "policy_evidence"}), on=["site", "category"], how="left")
    return out.merge(denied, on=["site", "category"], how="left")[cols]


def _named_vendors(flows: pd.DataFrame, declarations: pd.DataFrame) -> pd.Series:
    """For each flow with a service: does any sentence of the site's policy name that company or service?"""
    has_service = flows["service_id"].notna()
    if declarations.empty or not has_service.any() or "vendors" not in declarations:
        return pd.Series(False, index=flows.index)
    # The vendors the lexicon recognised, and any brand written in a declaring sentence, per site where a
    # service was seen. Sets of cached tokens, not an exploded merge: on 100,000 sites the merge of
    # (site, token) string pairs took most of the comparison's time.
    services = flows.loc[has_service, ["site", "vendor", "company", "service_id"]]
    names = services.drop_duplicates("service_id")
    by_service = {sid: vendor_tokens(f"{v or ''} {c or ''} {sid.replace('_', ' ')}")
                  for sid, v, c in zip(names["service_id"], names["vendor"], names["company"], strict=True)}
    wanted = frozenset().union(*by_service.values())
    service_sites = set(services["site"].tolist())
    # .tolist() first: iterating an Arrow-backed column item by item is several times slower. Each distinct
    # sentence is tokenised once (policies repeat templates), keeping only the tokens some service has.
    evidence = declarations["evidence"].tolist()
    in_evidence = {e: _name_tokens(e) & wanted for e in set(evidence) if isinstance(e, str)}
    mentioned: dict[str, set[str]] = {}
    for site, vs, sentence in zip(declarations["site"].tolist(), declarations["vendors"].tolist(), evidence,
                                  strict=True):
        if site not in service_sites:
            continue
        tokens = in_evidence.get(sentence) if isinstance(sentence, str) else None
        if isinstance(vs, (list, tuple, np.ndarray)) and len(vs):
            tokens = (tokens or frozenset()) | (vendor_tokens(" ".join(vs)) & wanted)
        if tokens:
            mentioned.setdefault(site, set()).update(tokens)
    named = [not by_service[sid].isdisjoint(mentioned.get(site, ()))
             for site, sid in zip(services["site"].tolist(), services["service_id"].tolist(), strict=True)]
    result = pd.Series(False, index=flows.index)
    result.loc[has_service] = named
    return result


def judge_flows(observations: pd.DataFrame, declarations: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Every observation with its verdict and the policy sentence behind it."""
    summary = summarise_declarations(declarations)
    flows = observations.merge(summary, on=["site", "category"], how="left")
    for flag in ("declared_specific", "declared_vague", "denied"):
        flows[flag] = flows[flag].fillna(False).astype(bool)
    policy = sites[["site", "policy_url", "policy_status"]].rename(columns={"policy_url": "site_policy_url"})
    flows = flows.merge(policy, on="site", how="left")
    declared = flows["declared_specific"] | flows["declared_vague"]
    flows["vendor_named"] = _named_vendors(flows, declarations)
    # The practice a service's kind stands for, and whether the policy declares it specifically.
    kinds = service_table()[["service_id", "tracker_category"]]
    flows = flows.merge(kinds, on="service_id", how="left")
    flows["kind_practice"] = flows["tracker_category"].map(KIND_PRACTICE)
    specific = summary.loc[summary["declared_specific"], ["site", "category"]].rename(
        columns={"category": "kind_practice"}).assign(kind_declared=True)
    flows = flows.merge(specific, on=["site", "kind_practice"], how="left")
    flows["kind_declared"] = flows["kind_declared"].fillna(False).astype(bool)
    # Sharing with a third party is clear only when the policy names the company or its kind of service
    # (Libert's check); other categories need only be declared specifically.
    service_declared = flows["service_id"].notna() & (flows["vendor_named"] | flows["kind_declared"])
    sharing = flows["category"] == "third_party_sharing"
    vendor_ok = ~sharing | flows["service_id"].isna() | service_declared
    flows["verdict"] = np.select(
        [flows["site_policy_url"].isna() | (flows["policy_status"].fillna("ok") != "ok"),
         declared & flows["denied"],
         flows["denied"],
         flows["declared_specific"] & vendor_ok,
         declared],
        ["no_policy", "ambiguous", "incorrect", "clear", "vague"],
        "omitted")
    # Data abroad while the policy promises storage in Kazakhstan and never mentions transfer abroad.
    storage = summary.loc[(summary["category"] == "storage_in_kz") & summary["declared_specific"],
                          ["site", "policy_evidence"]].rename(columns={"policy_evidence": "storage_evidence"})
    flows = flows.merge(storage, on="site", how="left")
    abroad_vs_kz = ((flows["category"] == "cross_border_transfer") & flows["storage_evidence"].notna()
                    & flows["verdict"].isin(["omitted", "vague"]))
    # Declaring a service (by name or kind) covers what it implies without the visitor typing anything
    # (IP address, device, usage) and the sharing with it.
    covered = (service_declared & flows["verdict"].isin(["omitted", "vague"])
               & (flows["category"].isin(IMPLIED_ONLY) | sharing))
    flows.loc[covered, "verdict"] = "clear"
    flows.loc[abroad_vs_kz, "verdict"] = "incorrect"
    flows.loc[abroad_vs_kz, "policy_evidence"] = flows.loc[abroad_vs_kz, "storage_evidence"]
    flows.loc[flows["verdict"].isin(["incorrect", "ambiguous"]) & flows["policy_evidence"].isna(),
              "policy_evidence"] = flows["denied_evidence"]
    flows["storage_in_kz_claimed"] = flows["storage_evidence"].notna()
    return flows.drop(columns=["storage_evidence", "kind_practice", "kind_declared"])


def _rule_for(flows: pd.DataFrame) -> pd.Series:
    verdict, category = flows["verdict"], flows["category"]
    abroad = category == "cross_border_transfer"
    return pd.Series(np.select(
        [abroad & (verdict == "incorrect") & flows["storage_in_kz_claimed"],
         abroad & verdict.isin(["omitted", "no_policy"]),
         (category == "iin") & verdict.isin(["omitted", "vague", "no_policy"]),
         flows["service_id"].notna() & (category == "third_party_sharing") & (verdict == "vague"),
         verdict == "omitted", verdict == "vague", verdict == "incorrect", verdict == "ambiguous"],
        ["KZ-FOREIGN-TRACKER-VS-STORAGE-IN-KZ", "KZ-FOREIGN-TRANSFER-UNDECLARED", "KZ-IIN-UNDECLARED",
         "VENDOR-UNNAMED", "FLOW-UNDECLARED", "FLOW-VAGUE", "FLOW-DENIED", "FLOW-CONTRADICTORY"],
        ""), index=flows.index)


def _explain(frame: pd.DataFrame, lang: str = "en") -> pd.Series:
    columns = (frame[c].tolist() for c in ("rule", "category", "observed", "country"))
    return pd.Series([explain(rule, lang, category=category or "", observed=observed or "", country=country or "")
                      for rule, category, observed, country in zip(*columns, strict=True)],
                     index=frame.index, dtype=object)


# On a site with no policy at all, KZ-NO-POLICY stands for every flow, except the two the law treats apart: the
# IIN (a national identifier) and transfer abroad (Law No. 94-V art. 16) are each a finding of their own.
NO_POLICY_OWN_FINDING = {"iin", "cross_border_transfer"}


def _feature_map() -> dict[str, str]:
    table = service_table()
    features = table[table["feature_of"].notna()]
    return dict(zip(features["service_id"], features["feature_of"], strict=True))


_FEATURE_OF = _feature_map()


def flow_findings(flows: pd.DataFrame) -> pd.DataFrame:
    """Flows that are not clear, one finding per site, rule, category and service (first evidence kept)."""
    nothing = flows["site_policy_url"].isna() if "site_policy_url" in flows else pd.Series(False, index=flows.index)
    apart = (flows["verdict"] == "no_policy") & nothing & flows["category"].isin(NO_POLICY_OWN_FINDING)
    judged = flows[~flows["verdict"].isin(["clear", "no_policy"]) | apart].copy()
    judged["rule"] = _rule_for(judged)
    judged = judged[judged["rule"] != ""]
    if judged.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    # Per-service rules count recipients: a feature of a service (Webvisor of Metrica) is the same recipient, so it
    # is listed as one more use under the service's finding, the service's own evidence first.
    main = judged["service_id"].map(_FEATURE_OF).fillna(judged["service_id"])
    judged["_key"] = main.fillna("").where(judged["rule"].isin(PER_SERVICE_RULES), "")
    judged = judged.assign(_feature=(main != judged["service_id"]).astype(int)).sort_values(
        "_feature", kind="stable").drop(columns="_feature")
    group = ["site", "rule", "category", "_key"]
    counts = judged.groupby(group)["observed"].transform("size")
    seen = _places_by_group(judged, group)
    judged = judged.assign(_more=counts - 1).drop_duplicates(group).drop(columns=["seen_at"], errors="ignore")
    judged["seen_at"] = [seen[key] for key in zip(*(judged[c].tolist() for c in group), strict=True)]
    judged["occurrences"] = judged["seen_at"].map(len)
    more = judged["_more"].map(lambda n: f" and {n} more" if n else "")
    judged["observed"] = judged["observed"] + more
    severity = judged["rule"].map(lambda code: RULES[code].severity)
    undeclared = judged["rule"].isin(["FLOW-UNDECLARED"])
    judged["severity"] = severity.where(~undeclared, judged["category"].map(CATEGORY_SEVERITY).fillna("medium"))
    judged["explanation"] = _explain(judged)
    judged["policy_url"] = judged["policy_url"].fillna(judged["site_policy_url"])
    judged["manual_review"] = False
    return judged.reindex(columns=FINDING_COLUMNS)


def _places_by_group(frame: pd.DataFrame, group: list[str]) -> dict[tuple, list[str]]:
    """Every place of each group's rows, sorted: a dict of sets, not a groupby with a Python lambda per group
    (that took a third of the comparison on 10,000 sites)."""
    places_of: dict[tuple, set[str]] = {}
    for key, urls in zip(zip(*(frame[c].tolist() for c in group), strict=True), _seen_lists(frame), strict=True):
        places_of.setdefault(key, set()).update(urls)
    return {key: sorted(urls) for key, urls in places_of.items()}


def _seen_lists(frame: pd.DataFrame) -> list[list[str]]:
    """Each row's places: its `seen_at` list where it has one, else its observed_url."""
    urls = frame["observed_url"].tolist()  # a list first: iterating an Arrow-backed column is several times slower
    if "seen_at" in frame:
        return [list(v) if isinstance(v, (list, tuple, np.ndarray)) else ([u] if isinstance(u, str) else [])
                for v, u in zip(frame["seen_at"].tolist(), urls, strict=True)]
    return [[u] if isinstance(u, str) else [] for u in urls]


def _finding(frame: pd.DataFrame, rule: str, category: str | pd.Series, observed: pd.Series,
             policy_evidence: ArrayLike | None = None, policy_url: ArrayLike | None = None) -> pd.DataFrame:
    spec = RULES[rule]
    seen = _seen_lists(frame)
    out = pd.DataFrame({
        "site": frame["site"].values, "category": category if isinstance(category, str) else category.values,
        "verdict": spec.verdict, "severity": spec.severity, "observed": observed.values,
        "observed_url": frame["observed_url"].values if "observed_url" in frame else None,
        "policy_evidence": policy_evidence, "policy_url": policy_url if policy_url is not None else
        (frame["policy_url"].values if "policy_url" in frame else None), "rule": rule,
        "manual_review": spec.manual_review,
        "warc_record_id": frame["warc_record_id"].values if "warc_record_id" in frame else None,
        "service_id": frame["service_id"].values if "service_id" in frame else None,
        "country": frame["country"].values if "country" in frame else None,
        "seen_at": seen, "occurrences": [len(v) for v in seen],
    })
    out["explanation"] = _explain(out)
    return out.reindex(columns=FINDING_COLUMNS)


def no_policy_findings(observations: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Personal data collected with no policy (one finding per site), or with an unreadable one.

    `no_policy` only when nothing policy-like was found anywhere: a site that names its policy in plain
    text without a link (`policy_mention`) gets KZ-POLICY-NOT-LINKED, one that publishes only a consent to
    processing (`consent_url`) gets KZ-CONSENT-WITHOUT-POLICY."""
    parts = []
    without = sites[sites["status"].eq("ok") & sites["policy_url"].isna()]
    personal = observations[observations["site"].isin(without["site"])
                            & observations["category"].isin(PERSONAL_DATA | {"cookies", "analytics", "advertising"})]
    if not personal.empty:
        seen = personal.assign(_seen=_seen_lists(personal)).groupby("site")["_seen"].agg(
            lambda lists: sorted({u for urls in lists for u in urls}))
        first = personal.sort_values(["site", "category"]).drop_duplicates("site")
        first = first.assign(seen_at=first["site"].map(seen))
        what = personal.groupby("site")["category"].agg(lambda c: ", ".join(sorted(set(c))))
        mention = (without.set_index("site")["policy_mention"] if "policy_mention" in without
                   else pd.Series(dtype=object))
        consent = without.set_index("site")["consent_url"] if "consent_url" in without else pd.Series(dtype=object)
        named = first["site"].map(mention).notna()
        consent_only = ~named & first["site"].map(consent).notna()
        bare = first[~named & ~consent_only]
        if not bare.empty:
            parts.append(_finding(bare, "KZ-NO-POLICY", bare["category"],
                                  bare["site"].map(what) + ": " + bare["observed"], policy_url=None))
        if named.any():
            rows = first[named]
            by_site = without.set_index("site")
            where = rows["site"].map(by_site["mention_url"])
            error = rows["site"].map(by_site["mention_error"]) if "mention_error" in by_site else None
            rows = rows.assign(observed_url=where.str.split("#").str[0],
                               warc_record_id=rows["site"].map(by_site["mention_warc"]))
            # Plain text: «…» on the page; a dead link: «…» links to the missing page (HTTP 404).
            place = (" on " + rows["observed_url"]) if error is None else \
                np.where(error.notna(), " links to " + rows["observed_url"] + " ("
                         + error.fillna("").str.replace("the link leads to ", "", regex=False) + ")",
                         " on " + rows["observed_url"])
            parts.append(_finding(rows, "KZ-POLICY-NOT-LINKED", rows["category"],
                                  "«" + rows["site"].map(mention).str.slice(0, 160) + "»" + place
                                  + "; collects " + rows["site"].map(what), policy_url=None))
        if consent_only.any():
            rows = first[consent_only]
            rows = rows.assign(observed_url=rows["site"].map(consent))
            parts.append(_finding(rows, "KZ-CONSENT-WITHOUT-POLICY", rows["category"],
                                  rows["observed_url"] + "; collects " + rows["site"].map(what), policy_url=None))
    unreadable = sites[sites["policy_url"].notna() & sites["policy_status"].ne("ok")]
    if not unreadable.empty:
        frame = unreadable.assign(observed_url=unreadable["policy_url"], warc_record_id=unreadable["policy_warc"])
        parts.append(_finding(frame, "KZ-POLICY-UNREADABLE", "operator_identity",
                              unreadable["policy_url"] + " — " + unreadable["policy_error"].fillna("")))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=FINDING_COLUMNS)


# A policy this short is checked for what the law asks every policy to state (Law No. 94-V: what data,
# how long it is kept, the subject's rights, whom to ask); operator and law have rules of their own.
SHORT_POLICY_CHARS = 1500  # the length below which is_policy_score counts a text as not full-length
REQUIRED_IN_POLICY = ("retention", "user_rights", "contact")


def short_policy_findings(sites: pd.DataFrame, declared_categories: pd.DataFrame) -> pd.DataFrame:
    """A short policy (kept as the site's policy, never rejected) and what it lacks: one finding per site."""
    if "policy_chars" not in sites:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    short = sites[sites["policy_url"].notna() & sites["policy_status"].eq("ok")
                  & (sites["policy_chars"].fillna(SHORT_POLICY_CHARS) < SHORT_POLICY_CHARS)]
    if short.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    declared = declared_categories[declared_categories["declared_specific"] | declared_categories["declared_vague"]]
    has = declared.groupby("site")["category"].agg(set)
    lacking, names_data = [], []
    for site in short["site"]:
        categories = has.get(site, set())
        lacking.append([c for c in REQUIRED_IN_POLICY if c not in categories])
        names_data.append(bool(categories & PERSONAL_DATA))
    short = short.assign(lacking=lacking, names_data=names_data)
    # What data it collects is judged flow by flow (FLOW-UNDECLARED); this finding is about the rest.
    short = short[short["lacking"].str.len() > 0]
    if short.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    short = short.assign(observed_url=short["policy_url"], warc_record_id=short["policy_warc"])
    observed = (short["policy_chars"].astype(int).astype(str) + " characters; lacks "
                + short["lacking"].str.join(", ")
                + short["names_data"].map({True: "", False: "; names no personal data"}))
    return _finding(short, "POLICY-SHORT", short["lacking"].str[0], observed)


def _per_form(forms: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct form of a site (its form_key: the same form on several pages is one), the first
    occurrence as evidence and every page it stands on as `seen_at`."""
    key = forms["form_key"].fillna(forms["page_url"] + "#" + forms["form_index"].astype(str)) \
        if "form_key" in forms else forms["page_url"] + "#" + forms["form_index"].astype(str)
    pages = forms["page"] if "page" in forms else forms["page_url"]
    forms = forms.assign(_form=key, _page=pages)
    seen = forms.groupby(["site", "_form"], sort=False)["_page"].agg(places).rename("seen_at")
    first = forms.sort_values(["site", "_form", "_page"]).drop_duplicates(["site", "_form"])
    first = first.join(seen, on=["site", "_form"])
    return first.assign(observed_url=first["_page"])


def form_findings(forms: pd.DataFrame, fields: pd.DataFrame) -> pd.DataFrame:
    """Forms collecting personal data over plain HTTP, or without consent checkbox and policy link: one finding
    per distinct form and rule, listing every page the form stands on."""
    personal = fields[fields["category"].isin(PERSONAL_DATA)]
    if forms.empty or personal.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    asked = personal.groupby(["site", "page_url", "form_index"])["category"].agg(
        lambda c: ", ".join(sorted(set(c)))).rename("asked").reset_index()
    collecting = forms.merge(asked, on=["site", "page_url", "form_index"], how="inner")
    parts = []
    # Plain HTTP is a fact of the URLs themselves: an http twin of an https page is where it happens.
    plain = collecting[collecting["page_url"].str.startswith("http://")
                       | (collecting["action"].fillna("").str.startswith("http://"))]
    if not plain.empty:
        plain = _per_form(plain.drop(columns=["page"], errors="ignore"))
        parts.append(_finding(plain, "KZ-FORM-PLAIN-HTTP", "security",
                              "form posting " + plain["asked"] + " to " + plain["action"].fillna(plain["page_url"]),
                              policy_url=None))
    # GET puts the fields in the URL, but only where the markup says so: without a method, a script may send the
    # form (HTTP mode cannot see it), so no finding is guessed.
    if "method_explicit" in collecting:
        in_url = collecting[collecting["method"].fillna("").str.lower().eq("get")
                            & collecting["method_explicit"].fillna(0).astype(bool)]
        if not in_url.empty:
            in_url = _per_form(in_url)
            parts.append(_finding(in_url, "KZ-FORM-DATA-IN-URL", "security",
                                  "form sending " + in_url["asked"] + " to "
                                  + in_url["action"].fillna(in_url["page_url"]) + " on " + in_url["observed_url"],
                                  policy_url=None))
    bare = collecting[~collecting["has_consent_checkbox"].fillna(0).astype(bool)
                      & ~collecting["policy_link_near"].fillna(0).astype(bool)]
    if not bare.empty:
        bare = _per_form(bare)
        parts.append(_finding(bare, "KZ-FORM-NO-CONSENT", "consent",
                              "form asking for " + bare["asked"] + " on " + bare["observed_url"], policy_url=None))
    if not parts:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    return pd.concat(parts, ignore_index=True)


def consent_findings(cookies: pd.DataFrame) -> pd.DataFrame:
    """Tracking cookies set before any consent (every HTTP-mode cookie, and browser mode's first visit)."""
    if cookies.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    early = cookies[cookies["is_tracking"].fillna(0).astype(bool)
                    & cookies["consent_phase"].fillna("before_consent").eq("before_consent")]
    if early.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    # One finding per service (its cookies together); unknown tracking cookies one each.
    early = early.assign(_key=early["service_id"].fillna("cookie:" + early["name"]),
                         _page=early["page"] if "page" in early else early["page_url"])
    seen = early.groupby(["site", "_key"], sort=False)["_page"].agg(places).rename("seen_at")
    first = early.drop_duplicates(["site", "_key"]).join(seen, on=["site", "_key"])
    first = first.assign(observed_url=first["_page"])
    observed = ("«" + first["name"].str.slice(0, 80) + "» of " + first["vendor"].fillna("unknown service") + " ("
                + first["set_by"].fillna("header") + ")")
    return _finding(first, "KZ-TRACKING-BEFORE-CONSENT", "consent", observed, policy_url=None)


_WARNING_RULES = {"foreign_law": ("POLICY-FOREIGN-LAW", "law_reference"),
                  "template_placeholder": ("POLICY-TEMPLATE-PLACEHOLDER", "operator_identity"),
                  "empty_contact": ("POLICY-EMPTY-CONTACT", "contact"),
                  "unlimited_retention": ("POLICY-UNLIMITED-RETENTION", "retention"),
                  "invalid_bin": ("POLICY-INVALID-BIN", "operator_identity")}


def policy_findings(facts: pd.DataFrame, declared_categories: pd.DataFrame) -> pd.DataFrame:
    """Warnings about the policy itself: foreign law, template leftovers, no operator, no Kazakh law.

    `facts` has one row per (site, policy_url, warning code, evidence) plus has_kz_law and has_operator flags
    per best policy; `declared_categories` is summarise_declarations' output."""
    parts = []
    warnings = facts[facts["warning"].notna()].drop_duplicates(["site", "warning", "evidence"])
    for code, (rule, category) in _WARNING_RULES.items():
        rows = warnings[warnings["warning"] == code].drop_duplicates(["site", "warning"])
        if not rows.empty:
            rows = rows.assign(observed_url=rows["policy_url"])
            parts.append(_finding(rows, rule, category, rows["evidence"].fillna("").str.slice(0, 200),
                                  policy_evidence=rows["evidence"].values))
    best = facts.drop_duplicates("site")
    declared = declared_categories[declared_categories["declared_specific"] | declared_categories["declared_vague"]]
    has = set(zip(declared["site"], declared["category"], strict=True))
    no_law = best[[not k and (s, "law_reference") not in has
                   for s, k in zip(best["site"], best["has_kz_law"], strict=True)]]
    if not no_law.empty:
        no_law = no_law.assign(observed_url=no_law["policy_url"])
        parts.append(_finding(no_law, "POLICY-NO-KZ-LAW", "law_reference", no_law["policy_url"]))
    no_operator = best[[not k and (s, "operator_identity") not in has
                        for s, k in zip(best["site"], best["has_operator"], strict=True)]]
    if not no_operator.empty:
        no_operator = no_operator.assign(observed_url=no_operator["policy_url"])
        parts.append(_finding(no_operator, "POLICY-NO-OPERATOR", "operator_identity", no_operator["policy_url"]))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=FINDING_COLUMNS)


def policy_sides(findings: pd.DataFrame, sites: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """The policy's side of every finding, true in every case (findings.policy_side):

    - `quoted`: policy_evidence holds the sentence that bears on it: the flow's own, or for a rule about how
      data is collected, the policy's sentence on the rule's topics (consent, security, cookies);
    - `no_policy`: the site has no policy; `unreadable`: its policy could not be read;
    - `silent`: a readable policy says nothing about it; `not_applicable`: a rule that never depends on a policy.
    """
    if findings.empty:
        return findings
    out = findings.copy()
    state = sites.drop_duplicates("site").set_index("site")
    site_policy = out["site"].map(state["policy_url"])
    site_status = out["site"].map(state["policy_status"]).astype(object).fillna("ok")
    # The rule's topics, looked up in the site's declarations (a specific sentence before a vague one).
    topics = [(i, t) for i, rule in zip(out.index, out["rule"], strict=True)
              for t in getattr(RULES.get(rule), "policy_topics", ())]
    if topics and not summary.empty:
        wanted = pd.DataFrame(topics, columns=["_row", "category"]).assign(
            site=lambda f: out.loc[f["_row"], "site"].values)
        found = wanted.merge(summary[summary["policy_evidence"].notna()][["site", "category", "policy_evidence",
                                                                          "policy_url"]],
                             on=["site", "category"], how="inner").drop_duplicates("_row").set_index("_row")
        empty = out["policy_evidence"].isna() | out["policy_evidence"].eq("")
        rows = found.index[empty.loc[found.index]]
        out.loc[rows, "policy_evidence"] = found.loc[rows, "policy_evidence"]
        out.loc[rows, "policy_url"] = found.loc[rows, "policy_url"]
    has_quote = out["policy_evidence"].notna() & out["policy_evidence"].ne("")
    fixed = out["rule"].map(lambda r: getattr(RULES.get(r), "policy_side", None))
    out["policy_side"] = np.select(
        [fixed.notna(), has_quote, site_policy.isna(), site_status.ne("ok")],
        [fixed, "quoted", "no_policy", "unreadable"], "silent")
    # Where the policy exists, its side names it, quoted or not.
    out["policy_url"] = out["policy_url"].where(out["policy_url"].notna() | out["policy_side"].eq("no_policy"),
                                                site_policy)
    return out


def summarise_sites(sites: pd.DataFrame, flows: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """Per site: findings by severity and verdict, flows by verdict, and the score (rules.score)."""
    base = sites[["site"]].drop_duplicates()
    # groupby().size(), not pd.crosstab: crosstab counts each group in Python (0.7 s on 10,000 sites).
    sev = findings.groupby(["site", "severity"]).size().unstack(fill_value=0) if not findings.empty \
        else pd.DataFrame()
    ver = flows.groupby(["site", "verdict"]).size().unstack(fill_value=0) if not flows.empty else pd.DataFrame()
    out = base.set_index("site")
    for level in SEVERITY_POINTS:
        out[f"findings_{level}"] = sev.get(level, 0)
    for verdict in ("clear", "vague", "omitted", "incorrect", "ambiguous", "no_policy"):
        out[f"flows_{verdict}"] = ver.get(verdict, 0)
    out = out.fillna(0).astype(int)
    out["findings"] = out[[f"findings_{lvl}" for lvl in SEVERITY_POINTS]].sum(axis=1)
    points = sum(out[f"findings_{lvl}"] * pts for lvl, pts in SEVERITY_POINTS.items())
    out["score"] = (100 - points).clip(lower=0)
    return out.reset_index()

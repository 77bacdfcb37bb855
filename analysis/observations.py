"""What a site was seen to collect, as one tidy table: one row per (site, category, thing observed).

Form fields carry their category from the crawl (the taxonomy's lexicon);
cookies, third-party requests and inline tags are named through the tracker
knowledge base, and a service implies categories: an analytics tag means
analytics, IP address, device and usage; a company abroad means transfer abroad.
Each step is a function from DataFrames to a DataFrame.
"""

from __future__ import annotations

import pandas as pd

from kzprivacy.vocabulary import trackers
from kzprivacy.vocabulary.taxonomy import IMPLIED_BY_TRACKER_CATEGORY

from .identity import places

__all__ = ["OBSERVATION_COLUMNS", "observe", "field_observations", "service_observations", "cookie_observations",
           "form_destination_observations", "service_table", "PERSONAL_DATA"]

OBSERVATION_COLUMNS = ["site", "category", "source", "observed", "observed_url", "service_id", "vendor", "company",
                       "country", "warc_record_id", "seen_at"]

# Services that only serve files (fonts, libraries): they see the visitor's IP address and nothing
# else of note, so they are not reported as sharing or transfer abroad (a deliberate, documented choice).
FILE_SERVICES = {"cdn", "fonts"}
# Embedded content (a map, a video) from a service that does not track: the visitor's browser fetches tiles or
# frames from it, so it sees the IP address (implied, and abroad when it is), but the site hands it nothing: it
# is no recipient that «не передаём третьим лицам» could be contradicted by (a map embed is not sharing).
CONTENT_SERVICES = {"maps", "video"}
# Categories that count as personal data collected by the site itself (for "no policy" findings).
PERSONAL_DATA = {"name", "iin", "id_document", "birth_date", "phone", "email", "address", "credentials",
                 "payment_card", "location", "social_profile", "health", "biometric", "call_recording"}


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=OBSERVATION_COLUMNS)


def _page(frame: pd.DataFrame) -> pd.Series:
    """The canonical page of each row (analysis/identity.py), or its page_url when not identified."""
    return frame["page"] if "page" in frame else frame["page_url"]


def _one_per(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The first row of each group of `keys`, with `seen_at`: every page where the group was seen."""
    frame = frame.assign(_page=_page(frame))
    seen = frame.groupby(keys, sort=False, dropna=False)["_page"].agg(places).rename("seen_at")
    first = frame.drop_duplicates(keys).set_index(keys)
    return first.assign(seen_at=seen).reset_index().drop(columns="_page")


def field_observations(fields: pd.DataFrame) -> pd.DataFrame:
    """Form fields with a data category: what the site asks its visitors for; a field of a form repeated
    on several pages is one observation, seen on those pages."""
    fields = fields[fields["category"].notna()]
    if fields.empty:
        return _empty()
    if "form_key" in fields:
        fields = _one_per(fields.assign(_form=fields["form_key"].fillna(fields["page_url"]),
                                        _name=fields["name"].fillna(""), _type=fields["type"].fillna("")),
                          ["site", "category", "_form", "_name", "_type"])
    else:
        fields = fields.assign(seen_at=[[u] for u in fields["page_url"]])
    label = fields["label"].where(fields["label"].fillna("").str.len() > 0, fields["name"]).fillna("")
    return pd.DataFrame({
        "site": fields["site"], "category": fields["category"], "source": "form_field",
        "observed": "form field «" + label.str.slice(0, 80) + "» (" + fields["type"].fillna("") + ")",
        "observed_url": _page(fields), "service_id": None, "vendor": None, "company": None, "country": None,
        "warc_record_id": fields.get("warc_record_id"), "seen_at": fields["seen_at"],
    })


def form_recipient_observations(forms: pd.DataFrame, fields: pd.DataFrame) -> pd.DataFrame:
    """A form posting personal data to another company's host shares it with that company."""
    if forms.empty or fields.empty:
        return _empty()
    personal = fields[fields["category"].isin(PERSONAL_DATA)][["site", "page_url", "form_index"]].drop_duplicates()
    third = forms[forms["action_party"].eq("third")].merge(personal, on=["site", "page_url", "form_index"])
    if third.empty:
        return _empty()
    third = _one_per(third.assign(_host=third["action_host"].fillna("")), ["site", "_host"])
    service = [trackers.lookup_url(url).service for url in third["action"]]
    return pd.DataFrame({
        "site": third["site"].values, "category": "third_party_sharing", "source": "form_action",
        "observed": ("form posting to " + third["action_host"].fillna("")).values,
        "observed_url": _page(third).values,
        "service_id": [s.id if s else None for s in service], "vendor": [s.name if s else None for s in service],
        "company": [s.company if s else None for s in service], "country": [s.country if s else None for s in service],
        "warc_record_id": third["warc_record_id"].values, "seen_at": third["seen_at"].values,
    })


def _json_list(value: object) -> list:
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, str) and value.startswith("["):
        import json

        try:
            return list(json.loads(value))
        except ValueError:
            return []
    return []


def form_destination_observations(destinations: pd.DataFrame | None,
                                  forms: pd.DataFrame | None = None) -> pd.DataFrame:
    """Browser mode's form probe: a request that carried a form's values to another party shares them with
    it, and sends them abroad when its company is outside Kazakhstan, named in the policy or not.
    One observation per (site, destination host), every page of the forms listed."""
    if destinations is None or destinations.empty or "fields_sent" not in destinations:
        return _empty()
    sent = destinations.assign(_fields=[_json_list(v) for v in destinations["fields_sent"]])
    sent = sent[sent["party"].eq("third") & sent["_fields"].map(bool)]
    if sent.empty:
        return _empty()
    sent = sent.assign(_host=sent["host"].fillna(""))
    if forms is not None and not forms.empty and "form_key" in forms:
        # The form was probed once per site; it stands on every page that carries its key.
        pages = forms.assign(_page=_page(forms)).groupby(["site", "form_key"])["_page"].agg(places)
        on_pages = [pages.get((s, k), [p]) for s, k, p in zip(sent["site"], sent["form_key"], _page(sent), strict=True)]
        sent = sent.assign(page=[p[0] for p in on_pages], _pages=on_pages).explode("_pages")
        sent = sent.assign(page=sent["_pages"]).drop(columns="_pages")
    fields = sent.groupby(["site", "_host"], sort=False)["_fields"].agg(
        lambda lists: sorted({f for fs in lists for f in fs}))
    first = _one_per(sent, ["site", "_host"]).drop(columns="_fields").join(fields, on=["site", "_host"])
    observed = ["form data (" + ", ".join(f) + ") sent to " + h + " (" + (m or "") + ", found by submitting the "
                "form with test values in the browser)" for f, h, m in zip(first["_fields"], first["_host"],
                                                                            first["method"], strict=True)]
    base = pd.DataFrame({
        "site": first["site"].values, "category": "third_party_sharing", "source": "form_destination",
        "observed": observed, "observed_url": _page(first).values, "service_id": first["service_id"].values,
        "vendor": first["vendor"].values, "company": first["company"].values, "country": first["country"].values,
        "warc_record_id": first["warc_record_id"].values, "seen_at": first["seen_at"].values,
    })
    abroad = base[base["country"].notna() & base["country"].ne("KZ")].assign(category="cross_border_transfer")
    return pd.concat([base, abroad], ignore_index=True)


def service_table() -> pd.DataFrame:
    """The knowledge base as a table: service id, name, company, country, category, tracking."""
    rows = [{"service_id": s.id, "vendor": s.name, "company": s.company, "country": s.country,
             "tracker_category": s.category, "tracking": s.tracking, "feature_of": s.feature_of}
            for s in trackers.services()]
    return pd.DataFrame(rows)


def _implied(services: pd.DataFrame) -> pd.DataFrame:
    """(tracker_category, category) pairs: what each kind of service implies it collects."""
    pairs = [(kind, category) for kind, categories in IMPLIED_BY_TRACKER_CATEGORY.items() for category in categories]
    return pd.DataFrame(pairs, columns=["tracker_category", "category"])


def service_observations(uses: pd.DataFrame) -> pd.DataFrame:
    """Third-party services seen on a site (requests, inline tags, tracking cookies), expanded into the
    categories they imply, plus sharing with third parties and transfer abroad where that applies.

    `uses` has columns site, service_id, observed, observed_url, warc_record_id (one row per use)."""
    if uses.empty:
        return _empty()
    services = service_table()
    # One row per (site, service): the first use is the evidence, every page it was used on is listed.
    seen = uses.groupby(["site", "service_id"], sort=False)["observed_url"].agg(places).rename("seen_at")
    first = uses.drop_duplicates(["site", "service_id"]).join(seen, on=["site", "service_id"])
    first = first.merge(services, on="service_id", how="inner")
    if first.empty:
        return _empty()
    implied = first.merge(_implied(services), on="tracker_category", how="inner")
    sharing = first[~first["tracker_category"].isin(FILE_SERVICES)]
    recipients = sharing[~(sharing["tracker_category"].isin(CONTENT_SERVICES)
                           & ~sharing["tracking"].fillna(False).astype(bool))]
    shared = recipients.assign(category="third_party_sharing")
    abroad = sharing[sharing["country"].fillna("") != "KZ"].assign(category="cross_border_transfer")
    out = pd.concat([implied, shared, abroad], ignore_index=True)
    out["source"] = "service"
    return out[OBSERVATION_COLUMNS]


def cookie_observations(cookies: pd.DataFrame) -> pd.DataFrame:
    """Any cookie means the site uses cookies; the evidence is the first one (a tracking one if any)."""
    if cookies.empty:
        return _empty()
    ranked = cookies.assign(_rank=(~cookies["is_tracking"].fillna(0).astype(bool)).astype(int), _page=_page(cookies))
    seen = ranked.groupby("site", sort=False)["_page"].agg(places).rename("seen_at")
    first = ranked.sort_values(["site", "_rank"]).drop_duplicates("site").join(seen, on="site")
    return pd.DataFrame({
        "site": first["site"], "category": "cookies", "source": "cookie",
        "observed": "cookie «" + first["name"].str.slice(0, 80) + "» on " + first["domain"].fillna(""),
        "observed_url": first["_page"], "service_id": first["service_id"], "vendor": first["vendor"],
        "company": first["company"], "country": first["country"], "warc_record_id": first["warc_record_id"],
        "seen_at": first["seen_at"],
    })


def _uses(requests: pd.DataFrame, inline: pd.DataFrame, cookies: pd.DataFrame) -> pd.DataFrame:
    parts = []
    if not requests.empty:
        # A dns-prefetch only asks the visitor's resolver for the name: the service's servers see nothing of the
        # visitor (a preconnect, by contrast, opens a connection and hands over the IP address).
        known = requests[requests["service_id"].notna() & requests["resource_type"].ne("dns-prefetch")]
        parts.append(pd.DataFrame({"site": known["site"], "service_id": known["service_id"],
                                   "observed": known["vendor"].fillna("") + " (" + known["resource_type"].fillna("")
                                   + " " + known["url"].str.slice(0, 120) + ")",
                                   "observed_url": _page(known), "warc_record_id": known["warc_record_id"]}))
    if not inline.empty:
        parts.append(pd.DataFrame({"site": inline["site"], "service_id": inline["service_id"],
                                   "observed": inline["vendor"].fillna("") + " (tag " + inline["tracker_id"].fillna("")
                                   + " in the page source)",
                                   "observed_url": _page(inline), "warc_record_id": inline["warc_record_id"]}))
    if not cookies.empty:
        tracking = cookies[cookies["service_id"].notna() & cookies["is_tracking"].fillna(0).astype(bool)]
        parts.append(pd.DataFrame({"site": tracking["site"], "service_id": tracking["service_id"],
                                   "observed": tracking["vendor"].fillna("") + " (cookie «" +
                                   tracking["name"].str.slice(0, 60) + "»)",
                                   "observed_url": _page(tracking),
                                   "warc_record_id": tracking["warc_record_id"]}))
    parts = [p for p in parts if not p.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["site", "service_id", "observed", "observed_url", "warc_record_id"])


def observe(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every observation of a crawl: fields, cookies, services and what they imply.

    `tables` come through analysis.identity.identify (pages and forms identified); plain tables work too."""
    fields = tables["form_fields"].merge(tables["forms"][["site", "page_url", "form_index", "warc_record_id"]],
                                         on=["site", "page_url", "form_index"], how="left")
    parts = [
        field_observations(fields),
        form_recipient_observations(tables["forms"], tables["form_fields"]),
        form_destination_observations(tables.get("form_destinations"), tables["forms"]),
        cookie_observations(tables["cookies"]),
        service_observations(_uses(tables["requests"], tables["inline_trackers"], tables["cookies"])),
    ]
    parts = [p for p in parts if not p.empty]
    out = pd.concat(parts, ignore_index=True) if parts else _empty()
    return out.reset_index(drop=True)

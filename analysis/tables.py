"""Tables over a crawl's DataFrames (third-party services, overviews, counts), each a pure function.

Pure pandas, no I/O: the diff (analysis floor), the reports and anyone in a notebook call them on
the frames of `kzprivacy.analysis.report.export.read_crawl`. They sit in the analysis floor because
the diff compares third-party services too, and the analysis never imports the reports.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pandas as pd

SERVICE_COLUMNS = ("site", "key", "service_id", "name", "company", "country", "category", "resources",
                   "sources", "example_url", "page_url", "warc_record_id")


@cache
def _known_service(service_id: str) -> dict[str, Any] | None:
    """Name, company, country and category from the tracker knowledge base, when it knows the id."""
    try:
        from kzprivacy.vocabulary import trackers
        svc = trackers.get(service_id)
    except (ImportError, KeyError):
        return None
    return {"name": svc.name, "company": svc.company, "country": svc.country, "category": svc.category}


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as plain objects with None for missing (and an all-None column when the table lacks it)."""
    if column not in frame.columns:
        return pd.Series([None] * len(frame), index=frame.index, dtype=object)
    values = frame[column].astype(object)
    return values.where(values.notna() & (values.astype(str) != ""), None)


def third_party_services(requests: pd.DataFrame, inline_trackers: pd.DataFrame,
                         cookies: pd.DataFrame) -> pd.DataFrame:
    """One row per (site, third-party service): who it is, where its company is, how it was seen.

    A service is identified by its knowledge-base id, else its vendor name, else the host
    (requests) it was loaded from. Third-party requests, inline tracker snippets and cookies
    attributed to a service all count; first-party requests and unattributed cookies do not.
    """
    parts = []
    if len(requests):
        r = requests[_text(requests, "party").eq("third") | _text(requests, "service_id").notna()]
        parts.append(pd.DataFrame({
            "site": _text(r, "site"), "service_id": _text(r, "service_id"), "vendor": _text(r, "vendor"),
            "host": _text(r, "host"), "company": _text(r, "company"), "country": _text(r, "country"),
            "category": _text(r, "category"), "url": _text(r, "url"), "page_url": _text(r, "page_url"),
            "warc_record_id": _text(r, "warc_record_id"), "source": "request",
        }))
    if len(inline_trackers):
        t = inline_trackers
        parts.append(pd.DataFrame({
            "site": _text(t, "site"), "service_id": _text(t, "service_id"), "vendor": _text(t, "vendor"),
            "host": None, "company": _text(t, "company"), "country": _text(t, "country"),
            "category": _text(t, "category"), "url": None, "page_url": _text(t, "page_url"),
            "warc_record_id": _text(t, "warc_record_id"), "source": "inline",
        }))
    if len(cookies):
        c = cookies[_text(cookies, "service_id").notna() | _text(cookies, "vendor").notna()]
        parts.append(pd.DataFrame({
            "site": _text(c, "site"), "service_id": _text(c, "service_id"), "vendor": _text(c, "vendor"),
            "host": None, "company": _text(c, "company"), "country": _text(c, "country"),
            "category": _text(c, "category"), "url": None, "page_url": _text(c, "page_url"),
            "warc_record_id": _text(c, "warc_record_id"), "source": "cookie",
        }))
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=list(SERVICE_COLUMNS))
    seen = pd.concat(parts, ignore_index=True)
    seen["key"] = seen["service_id"].fillna(seen["vendor"]).fillna(seen["host"])
    seen = seen[seen["key"].notna()]
    known = seen["service_id"].map(lambda sid: _known_service(sid) if isinstance(sid, str) else None)
    for column in ("company", "country", "category"):
        seen[column] = seen[column].fillna(known.map(lambda k, c=column: k[c] if k else None))
    seen["name"] = known.map(lambda k: k["name"] if k else None).fillna(seen["vendor"]).fillna(seen["key"])
    grouped = seen.groupby(["site", "key"], sort=True, dropna=False)
    out = grouped.agg(service_id=("service_id", "first"), name=("name", "first"), company=("company", "first"),
                      country=("country", "first"), category=("category", "first"),
                      resources=("url", "count"), example_url=("url", "first"), page_url=("page_url", "first"),
                      warc_record_id=("warc_record_id", "first"))
    out["sources"] = grouped["source"].agg(lambda s: ",".join(sorted(set(s))))
    out = out.reset_index()
    return out.loc[:, list(SERVICE_COLUMNS)]


def services_overview(services: pd.DataFrame) -> pd.DataFrame:
    """Services across the crawl: how many sites use each, most used first."""
    if not len(services):
        return pd.DataFrame(columns=["key", "name", "company", "country", "category", "sites"])
    out = (services.groupby("key").agg(name=("name", "first"), company=("company", "first"),
                                       country=("country", "first"), category=("category", "first"),
                                       sites=("site", "nunique"))
           .reset_index().sort_values(["sites", "name"], ascending=[False, True], kind="stable"))
    return out.reset_index(drop=True)


def countries_overview(services: pd.DataFrame) -> pd.DataFrame:
    """Countries of the services' companies: how many sites send visitors to a service based there."""
    if not len(services):
        return pd.DataFrame(columns=["country", "sites", "services"])
    s = services.assign(country=services["country"].fillna("?"))
    out = (s.groupby("country").agg(sites=("site", "nunique"), services=("key", "nunique"))
           .reset_index().sort_values(["sites", "country"], ascending=[False, True], kind="stable"))
    return out.reset_index(drop=True)


def value_counts(frame: pd.DataFrame, column: str, order: tuple[str, ...] = ()) -> pd.DataFrame:
    """Counts of a column's values (rows and distinct sites), in `order` first, then by count."""
    if not len(frame) or column not in frame:
        return pd.DataFrame(columns=[column, "count", "sites"])
    f = frame.assign(**{column: _text(frame, column).fillna("—")})
    out = f.groupby(column).agg(count=("site", "size"), sites=("site", "nunique")).reset_index()
    rank = {code: i for i, code in enumerate(order)}
    out["_rank"] = out[column].map(lambda v: rank.get(v, len(rank)))
    out = out.sort_values(["_rank", "count", column], ascending=[True, False, True], kind="stable")
    return out.drop(columns="_rank").reset_index(drop=True)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts with None for missing values (what templates want)."""
    if frame is None or not len(frame):
        return []
    plain = frame.astype(object).where(frame.notna(), None)
    return plain.to_dict("records")

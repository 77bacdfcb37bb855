"""One fact, one finding: pages and forms identified by what they are (kzprivacy/vocabulary/identity.py), as tables.

Before the comparison, every row that names a page gets `page`, the URL standing for
that page (an alias such as `/index.html` serving the same body as `/` becomes `/`), and
every form gets its `form_key` (the same callback widget on five pages is one form).
Observations and findings then group on these and list every place as `seen_at`.
"""

from __future__ import annotations

import pandas as pd

from kzprivacy.vocabulary.identity import form_key, page_aliases

__all__ = ["alias_map", "identify", "places"]

PAGE_TABLES = ("forms", "form_fields", "cookies", "requests", "inline_trackers", "form_destinations")


def alias_map(pages: pd.DataFrame) -> dict[tuple[str, str], str]:
    """{(site, alias URL): canonical URL} for a crawl's pages."""
    if pages is None or pages.empty:
        return {}
    out: dict[tuple[str, str], str] = {}
    status = pages["status_code"] if "status_code" in pages else pd.Series(None, index=pages.index)
    for site, group in pages.assign(_status=status).groupby("site", sort=False):
        rows = zip(group["url"], group["sha256"], group["_status"].where(group["_status"].notna(), None), strict=True)
        for alias, canonical in page_aliases(rows).items():
            out[(site, alias)] = canonical
    return out


def _with_page(frame: pd.DataFrame, aliases: dict[tuple[str, str], str]) -> pd.DataFrame:
    if frame is None or "page_url" not in frame:
        return frame
    if frame.empty:
        return frame.assign(page=pd.Series(dtype=object))
    page = [aliases.get((s, u), u) for s, u in zip(frame["site"], frame["page_url"], strict=True)]
    return frame.assign(page=page)


def _form_keys(forms: pd.DataFrame, fields: pd.DataFrame) -> pd.Series:
    """forms.form_key as stored, computed the crawler's way where a crawl predates it."""
    stored = forms["form_key"] if "form_key" in forms else pd.Series(None, index=forms.index, dtype=object)
    missing = stored.isna()
    if not missing.any():
        return stored
    by_form: dict[tuple, list[tuple[str, str]]] = {}
    if not fields.empty:
        ordered = fields.sort_values(["site", "page_url", "form_index", "field_index"])
        for s, u, i, n, t in zip(ordered["site"], ordered["page_url"], ordered["form_index"], ordered["name"],
                                 ordered["type"], strict=True):
            by_form.setdefault((s, u, i), []).append((n, t))
    computed = [form_key(a, m, u, by_form.get((s, u, i), []), first_party=p != "third", consent=bool(c))
                for s, u, i, a, m, p, c in zip(forms["site"], forms["page_url"], forms["form_index"],
                                               forms["action"], forms["method"], forms["action_party"],
                                               forms["has_consent_checkbox"].fillna(0), strict=True)]
    return stored.where(~missing, pd.Series(computed, index=forms.index))


def identify(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The crawl's tables with `page` (canonical page URL) on page rows and `form_key` on forms and fields."""
    aliases = alias_map(tables.get("pages"))
    out = dict(tables)
    for name in PAGE_TABLES:
        if name in out and out[name] is not None:
            out[name] = _with_page(out[name], aliases)
    forms = out["forms"]
    if not forms.empty:
        forms = forms.assign(form_key=_form_keys(forms, out["form_fields"]))
        out["forms"] = forms
        keys = forms[["site", "page_url", "form_index", "form_key"]]
        out["form_fields"] = out["form_fields"].merge(keys, on=["site", "page_url", "form_index"], how="left")
    else:
        out["forms"] = forms.assign(form_key=pd.Series(dtype=object))
        out["form_fields"] = out["form_fields"].assign(form_key=pd.Series(dtype=object))
    return out


def places(values: pd.Series) -> list[str]:
    """The distinct places of a group, in order (an aggregation function for groupby)."""
    return sorted({v for v in values if isinstance(v, str) and v})

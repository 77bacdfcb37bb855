"""A rendered page's visit as table rows, as observed (pure). The EnrichObservations pipeline
(crawler/pipelines.py) adds party and service columns, for browser and HTTP mode alike."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from kzprivacy.store import utcnow

_TYPES = {"image": "img", "fetch": "xhr", "document": "iframe", "imageset": "img"}


def resource_type(playwright_type: str) -> str:
    """Playwright's resource type in the project's words (HTTP mode's img, iframe, xhr...)."""
    return _TYPES.get(playwright_type, playwright_type)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def rendered_rows(visit_result: dict[str, Any],
                  warc_id: str | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(cookies, requests, storage) rows of one rendered page, as observed: the EnrichObservations
    pipeline (crawler/pipelines.py) adds party and service columns, and keeps third-party requests only,
    as in HTTP mode. Cookies and storage keys are kept for every party."""
    fetched_at = visit_result.get("fetched_at") or utcnow()
    cookies = [{**cookie, "fetched_at": fetched_at, "warc_record_id": warc_id}
               for cookie in visit_result.get("cookies") or []]
    requests = [{"url": request["url"], "host": _host(request["url"]), "resource_type": request["resource_type"],
                 "initiator": (request.get("initiator") or "")[:2000] or None,
                 "consent_phase": request["consent_phase"], "fetched_at": fetched_at, "warc_record_id": warc_id}
                for request in visit_result.get("requests") or []]
    storage = [{"origin": item["origin"], "kind": item["kind"], "key": item["key"][:500],
                "consent_phase": item["consent_phase"]} for item in visit_result.get("storage") or []]
    return cookies, requests, storage

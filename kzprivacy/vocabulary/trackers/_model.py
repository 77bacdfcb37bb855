"""The data file, its schema and the records it turns into."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from ._domains import normalize_host

CATEGORIES: tuple[str, ...] = (
    "analytics",
    "advertising",
    "social",
    "session_replay",
    "chat",
    "forms_crm",
    "call_tracking",
    "maps",
    "payments",
    "video",
    "fonts",
    "cdn",
    "captcha",
    "tag_manager",
    "other",
)

_SERVICE_KEYS = {
    "id", "name", "company", "country", "parent", "category", "tracking", "hosts", "paths",
    "cookies", "signatures", "source", "reviewed", "note", "self_hosted", "feature_of",
}
_REQUIRED = ("id", "name", "company", "country", "category", "tracking", "source", "reviewed")
_COOKIE_KEYS = {"name", "domains", "first_party", "tracking"}
_SIGNATURE_KEYS = {"regex", "hint"}
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_HOST_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


@dataclass(frozen=True, slots=True)
class CookiePattern:
    """A cookie name (exact, or a prefix when it ends in "*") and where it is recognised."""

    name: str
    domains: tuple[str, ...] = ()
    first_party: bool = False  # written by the vendor's script on the site's own domain
    tracking: bool | None = None  # overrides the service's flag for this cookie

    @property
    def is_prefix(self) -> bool:
        return self.name.endswith("*")


@dataclass(frozen=True, slots=True)
class Signature:
    """A regex over page source; the named group "id" captures the tracker id."""

    regex: str
    hint: str | None = None  # lowercase literal the page must contain before the regex runs


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    name: str
    company: str
    country: str
    parent: str | None
    category: str
    tracking: bool
    source: str
    reviewed: str
    hosts: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    cookies: tuple[CookiePattern, ...] = field(default=(), repr=False)
    signatures: tuple[Signature, ...] = field(default=(), repr=False)
    self_hosted: bool = False
    note: str | None = None
    feature_of: str | None = None  # the service this one is a feature of (Webvisor of Metrica): one recipient


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    version: int
    services: tuple[Service, ...]
    generic_cookies: tuple[tuple[str, str], ...]  # (name or prefix*, purpose)


def read_text(name: str) -> str:
    return resources.files("kzprivacy.vocabulary.trackers").joinpath(name).read_text(encoding="utf-8")


def raw_data() -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(read_text("services.yaml"), Loader=loader)


def iso_countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> English name, from the bundled iso3166.txt."""
    codes = {}
    for line in read_text("iso3166.txt").splitlines():
        if line and not line.startswith("#"):
            code, _, name = line.partition("\t")
            codes[code] = name
    return codes


def validate(data: dict[str, Any]) -> list[str]:
    """Every problem in the raw data file, as sentences; empty when it is sound."""
    problems: list[str] = []
    countries = iso_countries()
    services = data.get("services")
    if not isinstance(services, list) or not services:
        return ["services: missing or empty"]
    seen_ids: set[str] = set()
    for i, entry in enumerate(services):
        where = f"services[{i}] ({entry.get('id', '?') if isinstance(entry, dict) else '?'})"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not a mapping")
            continue
        for key in sorted(set(entry) - _SERVICE_KEYS):
            problems.append(f"{where}: unknown key {key!r}")
        for key in _REQUIRED:
            if entry.get(key) in (None, ""):
                problems.append(f"{where}: missing {key}")
        sid = str(entry.get("id", ""))
        if not _ID_RE.match(sid):
            problems.append(f"{where}: id must be lowercase letters, digits and underscores")
        if sid in seen_ids:
            problems.append(f"{where}: duplicate id")
        seen_ids.add(sid)
        if entry.get("category") not in CATEGORIES:
            problems.append(f"{where}: category {entry.get('category')!r} is not one of {', '.join(CATEGORIES)}")
        if entry.get("country") not in countries:
            problems.append(f"{where}: country {entry.get('country')!r} is not an ISO 3166-1 alpha-2 code")
        if not isinstance(entry.get("tracking"), bool):
            problems.append(f"{where}: tracking must be true or false")
        if not str(entry.get("source", "")).startswith(("https://", "http://")):
            problems.append(f"{where}: source must be a URL")
        reviewed = entry.get("reviewed")
        if not isinstance(reviewed, dt.date):
            try:
                dt.date.fromisoformat(str(reviewed))
            except ValueError:
                problems.append(f"{where}: reviewed must be a date (YYYY-MM-DD)")
        hosts = entry.get("hosts") or []
        for host in hosts:
            if not isinstance(host, str) or not _HOST_RE.match(host):
                problems.append(f"{where}: host {host!r} is not a lowercase domain")
        for path in entry.get("paths") or []:
            host, sep, _rest = str(path).partition("/")
            if not sep or not _HOST_RE.match(host):
                problems.append(f"{where}: path {path!r} must be host/path")
        if not (hosts or entry.get("paths") or entry.get("cookies") or entry.get("signatures")):
            problems.append(f"{where}: no host, path, cookie or signature to recognise it by")
        for j, cookie in enumerate(entry.get("cookies") or []):
            cwhere = f"{where} cookies[{j}]"
            if not isinstance(cookie, dict) or not cookie.get("name"):
                problems.append(f"{cwhere}: needs a name")
                continue
            for key in sorted(set(cookie) - _COOKIE_KEYS):
                problems.append(f"{cwhere}: unknown key {key!r}")
            if "*" in str(cookie["name"])[:-1]:
                problems.append(f"{cwhere}: '*' is only allowed at the end of a name")
            first_party = cookie.get("first_party", False)
            domains = cookie.get("domains") or []
            if first_party is not True and not domains:
                problems.append(f"{cwhere}: say either first_party: true or the domains it belongs to")
            if first_party is True and domains:
                problems.append(f"{cwhere}: first_party and domains are exclusive")
            for d in domains:
                if not isinstance(d, str) or not _HOST_RE.match(d):
                    problems.append(f"{cwhere}: domain {d!r} is not a lowercase domain")
            if "tracking" in cookie and not isinstance(cookie["tracking"], bool):
                problems.append(f"{cwhere}: tracking must be true or false")
        for j, sig in enumerate(entry.get("signatures") or []):
            swhere = f"{where} signatures[{j}]"
            if not isinstance(sig, dict) or not sig.get("regex"):
                problems.append(f"{swhere}: needs a regex")
                continue
            for key in sorted(set(sig) - _SIGNATURE_KEYS):
                problems.append(f"{swhere}: unknown key {key!r}")
            try:
                compiled = re.compile(sig["regex"])
            except re.error as exc:
                problems.append(f"{swhere}: regex does not compile: {exc}")
                continue
            if compiled.groups and "id" not in compiled.groupindex:
                problems.append(f"{swhere}: a capturing group must be named (?P<id>...)")
            hint = sig.get("hint")
            if hint is not None and (not isinstance(hint, str) or hint != hint.lower()):
                problems.append(f"{swhere}: hint must be a lowercase literal")
    for i, entry in enumerate(services):
        if isinstance(entry, dict) and entry.get("feature_of") is not None and entry["feature_of"] not in seen_ids:
            problems.append(f"services[{i}] ({entry.get('id', '?')}): "
                            f"feature_of {entry['feature_of']!r} is no service id")
    for j, generic in enumerate(data.get("generic_cookies") or []):
        if not isinstance(generic, dict) or not generic.get("name") or not generic.get("purpose"):
            problems.append(f"generic_cookies[{j}]: needs a name and a purpose")
    return problems


def _date_text(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _service(entry: dict[str, Any]) -> Service:
    cookies = tuple(
        CookiePattern(
            name=str(c["name"]),
            domains=tuple(normalize_host(d) for d in c.get("domains") or ()),
            first_party=bool(c.get("first_party", False)),
            tracking=c.get("tracking"),
        )
        for c in entry.get("cookies") or ()
    )
    signatures = tuple(Signature(regex=s["regex"], hint=s.get("hint")) for s in entry.get("signatures") or ())
    return Service(
        id=entry["id"],
        name=entry["name"],
        company=entry["company"],
        country=entry["country"],
        parent=entry.get("parent"),
        category=entry["category"],
        tracking=entry["tracking"],
        source=entry["source"],
        reviewed=_date_text(entry["reviewed"]),
        hosts=tuple(normalize_host(h) for h in entry.get("hosts") or ()),
        paths=tuple(entry.get("paths") or ()),
        cookies=cookies,
        signatures=signatures,
        self_hosted=bool(entry.get("self_hosted", False)),
        note=entry.get("note"),
        feature_of=entry.get("feature_of"),
    )


def load() -> KnowledgeBase:
    """Read and check the bundled data file; a broken file fails loudly here."""
    data = raw_data()
    problems = validate(data)
    if problems:
        raise ValueError("kzprivacy/vocabulary/trackers/services.yaml is invalid:\n  " + "\n  ".join(problems))
    return KnowledgeBase(
        version=int(data.get("version", 1)),
        services=tuple(_service(e) for e in data["services"]),
        generic_cookies=tuple((g["name"], g["purpose"]) for g in data.get("generic_cookies") or ()),
    )

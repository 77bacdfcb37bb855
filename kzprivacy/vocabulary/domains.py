"""What a user gives the scanner, turned into sites to crawl.

A scan takes domains or URLs, one per line or in a CSV column. Each entry is
normalised (scheme, path, ``www.``, case, IDN) so that ``https://WWW.Example.kz/ru``
and ``example.kz`` are the same site; ``.қаз`` names are crawled as punycode and
stored in Unicode. Invalid entries are reported, never fatal.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import unicodedata
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["SiteEntry", "InvalidEntry", "normalize_entry", "parse_entries", "read_entries", "to_ascii"]

# A DNS label: letters, digits and hyphens, not starting or ending with a hyphen.
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class InvalidEntry(ValueError):
    """An input entry that is not a domain or URL we can crawl."""


@dataclass(frozen=True)
class SiteEntry:
    site: str        # Unicode host without www., e.g. "мысал.қаз"
    ascii_host: str  # punycode host to crawl, e.g. "xn--80awbu3c.xn--80ao21a"
    input: str       # the entry as the user wrote it

    @property
    def start_url(self) -> str:
        return f"https://{self.ascii_host}/"


def to_ascii(host: str) -> str:
    """The host as URLs carry it (IDNA): 'мысал.қаз' -> 'xn--80awbu3c.xn--80ao21a'."""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        # Python's idna codec is IDNA 2003; some valid names need the label-by-label form.
        labels = []
        for label in host.split("."):
            if label.isascii():
                labels.append(label)
            else:
                labels.append("xn--" + label.encode("punycode").decode("ascii"))
        return ".".join(labels)


def _to_unicode(ascii_host: str) -> str:
    labels = []
    for label in ascii_host.split("."):
        if label.startswith("xn--"):
            try:
                labels.append(label[4:].encode("ascii").decode("punycode"))
            except UnicodeError as exc:
                raise InvalidEntry(f"bad punycode label {label!r}") from exc
        else:
            labels.append(label)
    return ".".join(labels)


def normalize_entry(entry: str) -> SiteEntry:
    """Normalise one domain or URL; raise InvalidEntry with a reason when it is not one."""
    raw = entry.strip()
    if not raw:
        raise InvalidEntry("empty entry")
    text = raw if "://" in raw else "//" + raw
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
    except ValueError as exc:
        raise InvalidEntry(f"not a URL or domain: {exc}") from exc
    if parts.scheme and parts.scheme not in ("http", "https"):
        raise InvalidEntry(f"unsupported scheme {parts.scheme!r}")
    host = host.strip().rstrip(".").lower()
    if not host:
        raise InvalidEntry("no host name")
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in raw):
        # A right-to-left override or a zero-width joiner makes a name read as another one.
        raise InvalidEntry("a control or bidi formatting character in the entry")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise InvalidEntry("an IP address is not a site; give its domain name")
    if host.startswith("www."):
        host = host[4:]
    ascii_host = to_ascii(host)
    labels = ascii_host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise InvalidEntry(f"not a valid domain name: {host!r}")
    if labels[-1].isdigit():
        raise InvalidEntry(f"not a valid domain name: {host!r}")
    return SiteEntry(site=_to_unicode(ascii_host), ascii_host=ascii_host, input=raw)


def parse_entries(lines: list[str]) -> tuple[list[SiteEntry], list[tuple[str, str]]]:
    """Entries from text lines: returns (sites without duplicates, [(entry, reason)] rejected)."""
    sites: list[SiteEntry] = []
    rejected: list[tuple[str, str]] = []
    seen: set[str] = set()
    for line in lines:
        # "#" starts a comment at the start of a line or after a space (a URL may hold "/#x").
        line = re.split(r"(?:^|\s)#", line, maxsplit=1)[0].strip()
        if not line:
            continue
        try:
            entry = normalize_entry(line)
        except InvalidEntry as exc:
            rejected.append((line, str(exc)))
            continue
        if entry.site not in seen:
            seen.add(entry.site)
            sites.append(entry)
    return sites, rejected


def _csv_column(text: str) -> list[str] | None:
    """The values of a `domain` or `site` column when the text is a CSV with a header."""
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    if "," not in first and ";" not in first and "\t" not in first:
        return None
    try:
        dialect = csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        return None
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), dialect=dialect)
    names = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
    column = names.get("domain") or names.get("site")
    if column is None:
        return None
    return [row.get(column) or "" for row in reader]


def read_entries(path: str | Path) -> tuple[list[SiteEntry], list[tuple[str, str]]]:
    """Read a domains file: one domain or URL a line (# comments), or a CSV with a domain/site column."""
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251")
    column = _csv_column(text)
    return parse_entries(column if column is not None else text.splitlines())

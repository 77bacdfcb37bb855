"""`kzprivacy trackers`: look things up in the tracker base, and measure its coverage of a crawl."""

from __future__ import annotations

import json
import re
from contextlib import closing
from pathlib import Path
from typing import Any

import click

from kzprivacy.app.workspace import DEFAULT_OUT, Workspace
from kzprivacy.vocabulary.trackers import Service, lookup_cookie, lookup_url, services
from kzprivacy.vocabulary.trackers._stats import cookie_coverage, request_coverage

from .common import Commands

# Countries of the Commonwealth of Independent States and its neighbours whose services
# are "regional" for a Kazakh audience, as opposed to global ones.
CIS = frozenset({"KZ", "RU", "BY", "UZ", "KG", "TJ", "TM", "AM", "AZ", "MD", "GE", "UA"})

# NAME@DOMAIN, e.g. yandexuid@.yandex.ru: a cookie and the domain it was set on.
_COOKIE_AT = re.compile(r"^(?P<name>[^\s/:@.=?#]+)@(?P<domain>\.?[^\s/@?#]+)$")


def classify(arg: str) -> tuple[str, str, str | None]:
    """("url", url, None) or ("cookie", name, domain or None) for one command-line argument.

    cookie:NAME[@DOMAIN] is always a cookie; NAME@DOMAIN and NAME=VALUE too when NAME has
    no dot or slash; anything else with "://", a dot or a slash is a URL or host; a bare
    token without a dot or slash (_ym_uid, PHPSESSID) is a cookie name.
    """
    if arg.startswith("cookie:"):
        name, _, domain = arg[len("cookie:") :].partition("@")
        return "cookie", name, domain or None
    if "://" in arg or arg.startswith("/"):
        return "url", arg, None
    m = _COOKIE_AT.match(arg)
    if m:
        return "cookie", m["name"], m["domain"]
    name, eq, _ = arg.partition("=")
    if eq and name and not any(c in name for c in "./:?#"):
        return "cookie", name, None
    if "." in arg or "/" in arg:
        return "url", arg, None
    return "cookie", arg, None


def _service_fields(svc: Service | None) -> dict:
    return {
        "service": svc.name if svc else None,
        "service_id": svc.id if svc else None,
        "company": svc.company if svc else None,
        "country": svc.country if svc else None,
        "parent": svc.parent if svc else None,
        "category": svc.category if svc else None,
        "self_hosted": svc.self_hosted if svc else None,
        "source": svc.source if svc else None,
        "note": svc.note if svc else None,
    }


def describe(arg: str, site: str | None) -> dict:
    """The lookup of one argument as a flat, JSON-ready record."""
    kind, value, domain = classify(arg)
    if kind == "url":
        att = lookup_url(value, site)
        return {
            "input": arg,
            "kind": "url",
            **_service_fields(att.service),
            "party": att.party,
            "tracking": att.tracking,
            "host": att.host,
            "registrable_domain": att.registrable_domain,
            "pattern": att.pattern,
        }
    # Without @DOMAIN a cookie is taken to be set on the site itself, when a site is given.
    cookie = lookup_cookie(value, domain or site, site)
    return {
        "input": arg,
        "kind": "cookie",
        **_service_fields(cookie.service),
        "party": cookie.party,
        "tracking": cookie.is_tracking,
        "name": cookie.name,
        "domain": domain,
        "pattern": cookie.pattern,
        "generic": cookie.generic,
    }


def _text_line(rec: dict) -> str:
    if rec["service"]:
        what = f"{rec['service']} [{rec['service_id']}] ({rec['category']}) - {rec['company']}, {rec['country']}"
        if rec["self_hosted"]:
            what += ", self-hosted"
    elif rec.get("generic"):
        what = f"no vendor: {rec['generic']}"
    else:
        what = "unknown"
    extras = [f"{rec['party']} party"] if rec["party"] else []
    if rec["service"] or rec.get("generic"):
        extras.append("tracking" if rec["tracking"] else "not tracking")
    return f"{rec['input']}\t{rec['kind']}\t{what}" + (f"\t{'; '.join(extras)}" if extras else "")


@click.group(cls=Commands)
def trackers() -> None:
    """The tracker knowledge base: which service, company and country is behind a
    third-party request, a cookie or an inline snippet."""


@trackers.command()
@click.argument("items", nargs=-1, required=True, metavar="URL_OR_COOKIE...")
@click.option("--site", help="The site visited (domain or URL), to tell first from third party.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def lookup(items: tuple[str, ...], site: str | None, fmt: str) -> None:
    """Name the service behind each URL, host or cookie.

    \b
    An argument is read as:
      cookie:NAME[@DOMAIN]   a cookie (always)
      NAME@DOMAIN, NAME=VAL  a cookie, when NAME has no dot or slash
      has "://", "." or "/"  a URL or host (mc.yandex.ru/watch/1, https://vk.com/rtrg)
      anything else          a cookie name (_ym_uid, BITRIX_SM_GUEST_ID, PHPSESSID)
    A cookie given without a domain is taken to be set on --site.

    \b
    Examples:
      kzprivacy trackers lookup mc.yandex.ru/watch/123 _ym_uid --site shop.kz
      kzprivacy trackers lookup yandexuid@.yandex.ru cookie:ASP.NET_SessionId --format json
    """
    records = [describe(item, site) for item in items]
    if fmt == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        for rec in records:
            click.echo(_text_line(rec))


def summary() -> dict:
    """Services counted by region (Kazakhstan, other CIS, global), country and category."""
    all_services = services()
    by_region = {"KZ": 0, "CIS (excluding KZ)": 0, "global": 0}
    by_country: dict[str, int] = {}
    by_category: dict[str, int] = {}
    for svc in all_services:
        region = "KZ" if svc.country == "KZ" else "CIS (excluding KZ)" if svc.country in CIS else "global"
        by_region[region] += 1
        by_country[svc.country] = by_country.get(svc.country, 0) + 1
        by_category[svc.category] = by_category.get(svc.category, 0) + 1
    ordered = lambda d: dict(sorted(d.items(), key=lambda kv: (-kv[1], kv[0])))  # noqa: E731
    return {
        "services": len(all_services),
        "by_region": by_region,
        "by_country": ordered(by_country),
        "by_category": ordered(by_category),
    }


@trackers.command("list")
@click.option("--summary", "only_summary", is_flag=True, help="Only the counts by region, country and category.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_services(only_summary: bool, fmt: str) -> None:
    """List the services in the base (id, name, company, country, category)."""
    if fmt == "json":
        payload: dict[str, Any] | list[dict[str, Any]]
        if only_summary:
            payload = summary()
        else:
            payload = [
                {
                    "id": s.id, "name": s.name, "company": s.company, "country": s.country, "parent": s.parent,
                    "category": s.category, "tracking": s.tracking, "self_hosted": s.self_hosted,
                    "hosts": list(s.hosts), "paths": list(s.paths), "cookies": [c.name for c in s.cookies],
                    "source": s.source, "reviewed": s.reviewed, "note": s.note,
                }
                for s in services()
            ]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if not only_summary:
        for s in services():
            click.echo(f"{s.id}\t{s.name}\t{s.company}\t{s.country}\t{s.category}")
        click.echo("")
    info = summary()
    click.echo(f"{info['services']} services")
    click.echo("by region:   " + ", ".join(f"{k} {v}" for k, v in info["by_region"].items()))
    click.echo("by country:  " + ", ".join(f"{k} {v}" for k, v in info["by_country"].items()))
    click.echo("by category: " + ", ".join(f"{k} {v}" for k, v in info["by_category"].items()))


def _tuples(store: Any, table: str, crawl_id: str, columns: list[str]) -> list[tuple]:
    """Some columns of a crawl's table as tuples (None where a value is missing), read a chunk at a time."""
    rows: list[tuple] = []
    for chunk in store.iter_table(table, crawl_id):
        part = chunk.reindex(columns=columns).astype(object)
        rows += part.where(part.notna(), None).itertuples(index=False, name=None)
    return rows


@trackers.command()
@click.option("--crawl-id", required=True, help="The crawl to measure.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
              help="SQLite database [default: OUT/kzprivacy.db].")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT,
              show_default=True, help="Output directory of the scan.")
@click.option("--top", type=int, default=30, show_default=True,
              help="How many unattributed hosts and cookie names to list.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def stats(crawl_id: str, db_path: Path | None, out_dir: Path, top: int, fmt: str) -> None:
    """How much of a crawl the base can attribute.

    Re-runs every lookup on the stored requests and cookies (so the figures improve as
    the base grows), prints the share of third-party hosts and of cookies attributed,
    and lists the unattributed hosts and cookie names, most widespread first: the
    candidates for the next entries in services.yaml.
    """
    from kzprivacy.store.read import open_reader

    path = Workspace(out_dir, str(db_path) if db_path else None).db
    try:
        reader = open_reader(path)
    except FileNotFoundError:
        raise click.ClickException(f"no database at {path} (run a scan, or give --db / --out)") from None
    with closing(reader) as store:
        req_rows = _tuples(store, "requests", crawl_id, ["site", "url", "host", "vendor"])
        cookie_rows = _tuples(store, "cookies", crawl_id, ["site", "name", "domain", "vendor"])
    sites = len({row[0] for row in req_rows} | {row[0] for row in cookie_rows})
    if not req_rows and not cookie_rows:
        raise click.ClickException(f"no requests or cookies for crawl {crawl_id!r} in {path}")
    req = request_coverage(req_rows)
    ck = cookie_coverage(cookie_rows)
    if fmt == "json":
        report = {"crawl_id": crawl_id, "database": str(path), "sites": sites, **req, **ck}
        report["unattributed_hosts"] = [u.as_dict() for u in req["unattributed_hosts"][:top]]
        report["unattributed_cookies"] = [u.as_dict() for u in ck["unattributed_cookies"][:top]]
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return

    def pct(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.1f}%"

    click.echo(f"crawl {crawl_id}: {sites} sites ({path})")
    click.echo(
        f"third-party hosts:    {req['hosts_attributed']} of {req['third_party_hosts']} attributed"
        f" ({pct(req['hosts_attributed_pct'])})"
    )
    click.echo(
        f"third-party requests: {req['requests_attributed']} of {req['third_party_requests']} attributed"
        f" ({pct(req['requests_attributed_pct'])}); stored vendor column filled on {req['requests_with_stored_vendor']}"
    )
    click.echo(
        f"cookies:              {ck['cookies_attributed']} of {ck['cookies']} attributed"
        f" ({pct(ck['cookies_attributed_pct'])}),"
        f" {ck['cookies_generic']} generic, {ck['cookies_unknown']} unknown; {ck['third_party_cookies']} third-party;"
        f" stored vendor column filled on {ck['cookies_with_stored_vendor']}"
    )
    for title, entries in (
        ("unattributed third-party hosts", req["unattributed_hosts"]),
        ("unattributed cookie names", ck["unattributed_cookies"]),
    ):
        click.echo(f"\n{title} ({len(entries)}; by number of sites):")
        for u in entries[:top]:
            example = f"  e.g. {u.examples[0]}" if u.examples else ""
            click.echo(f"  {len(u.sites):5d} sites {u.rows:6d} rows  {u.key}{example}")
        if not entries:
            click.echo("  none")

"""The sample web's manifest: every site's site.yaml, and what it plants.

`load_sites()` gives domain -> parsed site.yaml; its `expect:` section is what
integration tests assert against (see README.md in this folder for the fields).
`validate_site()` is the schema check for one spec.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
SITES_DIR = HERE / "sites"
TRACKERS_FILE = HERE / "trackers.yaml"

SITE_STATUSES = {
    "ok", "dns_error", "timeout", "tls_error", "http_error", "robots_blocked",
    "refused", "redirect_loop", "too_large", "proxy_error", "parse_timeout", "site_timeout",
    "browser_hung", "browser_crash",  # browser mode only (crawler/browser/)
}
# expect.browser: what browser mode finds where it differs from the rest of `expect` (which is HTTP
# mode's truth): a policy link or a form that only script inserts, a page that hangs the renderer.
BROWSER_OVERRIDES = {"status", "https", "final_url", "policy", "forms"}
POLICY_FORMATS = {"html", "pdf", "docx", "txt"}
LANGUAGES = {"ru", "kk", "en", "mixed"}
RESOURCE_TYPES = {"script", "iframe", "img", "stylesheet", "preconnect", "dns-prefetch", "xhr", "font"}
# Where a third-party URL shows up: in an element's src/href (tag), inside <noscript>
# (noscript: a browser running scripts never fetches it), only as a string inside an
# inline script (inline), or only requested at run time by a script (runtime).
SOURCES = {"tag", "noscript", "inline", "runtime"}
VERDICTS = {"clear", "vague", "omitted", "incorrect", "ambiguous", "no_policy"}
BEHAVIOUR_KEYS = {
    "dns": {"ok", "fail"},
    "http": {"serve", "refuse", "redirect_https"},
    "https": {"serve", "refuse", "broken_tls", "hang_tls"},
}


def load_site_specs(sites_dir: Path = SITES_DIR) -> list[tuple[dict[str, Any], Path]]:
    """(parsed site.yaml, its folder) for every site folder, in folder order."""
    specs = []
    for path in sorted(sites_dir.glob("*/site.yaml")):
        if path.parent.name.startswith("_"):
            continue  # shared templates, not a site
        specs.append((yaml.safe_load(path.read_text(encoding="utf-8")), path.parent))
    return specs


HOSTILE_FILE = HERE / "hostile" / "sites.yaml"


def load_hostile() -> dict[str, Any]:
    """The hostile web (hostile/sites.yaml): {"cases": [site spec + why + expect], "inputs": [...]}."""
    return yaml.safe_load(HOSTILE_FILE.read_text(encoding="utf-8"))


def hostile_domains() -> list[str]:
    """Every hostile site, then the entries no scanner may take at face value (not in the demo)."""
    data = load_hostile()
    return [case["domain"] for case in data["cases"]] + [item["entry"] for item in data.get("inputs") or []]


def load_sites(include_generated: int = 0) -> dict[str, dict[str, Any]]:
    """Domain (IDN in Unicode) -> parsed site.yaml, plus `include_generated` generated sites."""
    from .generated import generated_site

    sites = {spec["domain"]: spec for spec, _ in load_site_specs()}
    for index in range(1, include_generated + 1):
        spec = generated_site(index)
        sites[spec["domain"]] = spec
    return sites


def site_dir(domain: str) -> Path:
    """The folder holding `domain`'s site.yaml and files."""
    for spec, root in load_site_specs():
        if spec["domain"] == domain:
            return root
    raise KeyError(domain)


def sample_domains(include_generated: int = 0) -> list[str]:
    """What the demo scans: every sample site (dead, hanging and broken ones included)."""
    return list(load_sites(include_generated))


def browser_expectations(spec: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """What a browser that runs the pages' scripts sees on top of the page source.

    From trackers.yaml `effects`: for every planted script (source tag or inline)
    the requests it makes at run time (source "runtime", usually matched by URL
    prefix) and the first-party cookies it writes (set_by "script"); and for every
    runtime pixel or planted iframe the cookies its host sets on its own domain
    (party "third", optional: browsers may block third-party cookies). Items in
    <noscript> and preconnect hints are never fetched by such a browser; they are
    returned under "not_fetched". Each item's `page` is a list of page URLs.
    """
    import yaml

    from .sites import to_ascii_host

    hosts = yaml.safe_load(TRACKERS_FILE.read_text(encoding="utf-8"))["hosts"]

    def entry(url: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        parts = url.split("/", 3)
        host_spec = hosts.get(parts[2]) if len(parts) > 2 else None
        if host_spec is None:
            return None
        path = "/" + (parts[3] if len(parts) > 3 else "")
        for item in host_spec.get("paths") or []:
            if path.startswith(item["prefix"]):
                return host_spec, item
        return host_spec, host_spec.get("default") or {}

    merged: dict[tuple[str, ...], dict[str, Any]] = {}

    def add(kind: str, key: tuple[str, ...], item: dict[str, Any], pages: list[str]) -> None:
        slot = merged.setdefault((kind, *key), {**item, "page": []})
        slot["page"] += [p for p in pages if p not in slot["page"]]

    def third_party_cookies(url: str, pages: list[str]) -> None:
        found = entry(url)
        if not found:
            return
        host_spec, item = found
        for raw in item.get("set_cookies") or []:
            name = raw.split("=", 1)[0]
            domain = next((a.split("=", 1)[1] for a in (p.strip() for p in raw.split(";"))
                           if a.lower().startswith("domain=")), url.split("/")[2])
            add("cookies", (name, domain), {"name": name, "domain": domain, "set_by": "header",
                                            "vendor": host_spec.get("vendor"), "party": "third",
                                            "mode": "browser", "optional": True}, pages)

    not_fetched = []
    for req in (spec.get("expect") or {}).get("requests") or []:
        pages = req["page"] if isinstance(req["page"], list) else [req["page"]]
        if req["source"] == "noscript" or req["resource_type"] in ("preconnect", "dns-prefetch"):
            not_fetched.append(req)
            continue
        if req["resource_type"] == "iframe":
            third_party_cookies(req["url"], pages)
        found = entry(req["url"])
        if not found:
            continue
        effects = found[1].get("effects") or {}
        for cookie in effects.get("cookies") or []:
            for page in pages:
                host = to_ascii_host(page.split("/")[2])
                item = {"name": cookie["name"], "domain": host, "set_by": "script", "vendor": cookie["vendor"],
                        "party": "first", "mode": "browser"}
                if cookie.get("match"):
                    item["match"] = cookie["match"]
                add("cookies", (cookie["name"], host), item, [page])
        for runtime in effects.get("requests") or []:
            item = {"url": runtime["url"], "host": runtime["url"].split("/")[2],
                    "resource_type": runtime["resource_type"], "vendor": runtime["vendor"],
                    "source": "runtime", "match": runtime.get("match", "exact")}
            add("requests", (runtime["url"],), item, pages)
            third_party_cookies(runtime["url"], pages)
    result: dict[str, list[dict[str, Any]]] = {"requests": [], "cookies": [], "not_fetched": not_fetched}
    for (kind, *_), item in merged.items():
        result[kind].append(item)
    return result


# -- schema check -------------------------------------------------------------

def _check_keys(where: str, data: Any, required: set[str], optional: set[str], errors: list[str]) -> bool:
    if not isinstance(data, dict):
        errors.append(f"{where}: expected a mapping, got {type(data).__name__}")
        return False
    for key in required - data.keys():
        errors.append(f"{where}: missing '{key}'")
    for key in data.keys() - required - optional:
        errors.append(f"{where}: unknown key '{key}'")
    return required <= data.keys()


def _check_in(where: str, value: Any, allowed: set[str], errors: list[str], nullable: bool = False) -> None:
    if value is None and nullable:
        return
    if value not in allowed:
        errors.append(f"{where}: {value!r} not one of {sorted(allowed)}")


def _check_url(where: str, value: Any, errors: list[str], many: bool = False) -> None:
    values = value if many and isinstance(value, list) and value else [value]
    for item in values:
        if not isinstance(item, str) or not item.startswith(("http://", "https://")):
            errors.append(f"{where}: expected an absolute URL, got {item!r}")


def validate_site(spec: dict[str, Any], root: Path | None = None,
                  vendors: set[str] | None = None, categories: set[str] | None = None) -> list[str]:
    """Every problem with one site spec ([] when it is valid).

    With `root`, route files must exist; with `vendors` / `categories`, the
    expected vendor ids and taxonomy codes must be known ones.
    """
    errors: list[str] = []
    top_required = {"domain", "description", "routes", "expect"}
    top_optional = {"title", "behaviour", "vars", "operator", "week2"}
    week2 = spec.get("week2")
    if week2 is not None:
        # The site a week later: routes and vars that replace week one's, and what a diff must show.
        if _check_keys("week2", week2, {"changes"}, {"routes", "vars"}, errors):
            _check_keys("week2.changes", week2["changes"], set(),
                        {"policy_changed", "services_added", "services_removed", "findings_resolved",
                         "findings_new"}, errors)
    if not _check_keys("site", spec, top_required, top_optional, errors):
        return errors
    domain = spec["domain"]
    if not isinstance(domain, str) or not domain.endswith(("-demo.kz", ".қаз")):
        errors.append(f"domain {domain!r}: sample domains end in -demo.kz or .қаз")
    behaviour = spec.get("behaviour") or {}
    if _check_keys("behaviour", behaviour, set(), {
        "dns", "http", "https", "delay", "hang", "www_alias", "charset", "redirect_set_cookies",
    }, errors):
        for key, allowed in BEHAVIOUR_KEYS.items():
            if key in behaviour:
                _check_in(f"behaviour.{key}", behaviour[key], allowed, errors)
    operator = spec.get("operator")
    if operator is not None:
        _check_keys("operator", operator, {"name", "bin", "bin_valid"}, set(), errors)
        if isinstance(operator, dict) and "bin" in operator:
            from .bin import bin_is_valid

            if bin_is_valid(str(operator["bin"])) != operator.get("bin_valid"):
                errors.append(f"operator.bin {operator['bin']}: bin_valid does not match the check digit")
    routes = spec["routes"]
    if not isinstance(routes, dict):
        errors.append("routes: expected a mapping of path -> route")
        routes = {}
    route_keys = {
        "file", "body", "template", "status", "reason", "content_type", "charset", "charset_in_header",
        "headers", "set_cookies", "location", "generate", "size", "last_modified",
    }
    for path, route in routes.items():
        where = f"routes[{path}]"
        if not isinstance(path, str) or not path.startswith("/"):
            errors.append(f"{where}: a route path starts with /")
        if not _check_keys(where, route, set(), route_keys, errors):
            continue
        status = int(route.get("status", 200))
        if 300 <= status < 400 and "location" not in route:
            errors.append(f"{where}: redirect without location")
        if route.get("generate") not in (None, "big_page"):
            errors.append(f"{where}: unknown generator {route.get('generate')!r}")
        if route.get("generate") == "big_page" and not isinstance(route.get("size"), int):
            errors.append(f"{where}: big_page needs an integer size")
        if root is not None and "file" in route and not (root / route["file"]).is_file():
            errors.append(f"{where}: file {route['file']} does not exist")
    errors += _validate_expect(spec["expect"], vendors, categories)
    if root is not None and not errors:
        errors += _check_rendering(spec, root)
    return errors


def _check_rendering(spec: dict[str, Any], root: Path) -> list[str]:
    """Every text route renders with no {{placeholder}} left over."""
    from .sites import Site, is_text_type

    site = Site(spec, root)
    errors = []
    for path, route in site.routes.items():
        if "file" not in route:
            continue
        response = site.respond("GET", "https", path)
        ctype = dict(response.headers).get("Content-Type", "")
        if is_text_type(ctype):
            charset = ctype.split("charset=")[-1] if "charset=" in ctype else "utf-8"
            text = response.body.decode(charset)
            if "{{" in text and "}}" in text:
                errors.append(f"routes[{path}]: unfilled placeholder in {route['file']}")
    return errors


def _validate_expect(expect: Any, vendors: set[str] | None, categories: set[str] | None) -> list[str]:
    errors: list[str] = []
    optional = {
        "https", "final_url", "policy", "policy_variants", "not_policies", "cookies", "requests",
        "inline_trackers", "forms", "mismatches", "matches", "not_fetched", "notes", "browser", "language_gaps",
        "aliases", "form_destinations",
    }
    if not _check_keys("expect", expect, {"status"}, optional, errors):
        return errors
    if "browser" in expect:  # checked as the whole expectation browser mode works from
        overrides = expect["browser"]
        if _check_keys("expect.browser", overrides, set(), BROWSER_OVERRIDES, errors):
            merged = {k: v for k, v in expect.items() if k != "browser"} | overrides
            errors += [f"(browser) {e}" for e in _validate_expect(merged, vendors, categories)]
    _check_in("expect.status", expect["status"], SITE_STATUSES, errors)
    if expect["status"] == "ok":
        for key in ("https", "final_url", "policy"):
            if key not in expect:
                errors.append(f"expect: a site that answers needs '{key}'")
    if expect.get("final_url") is not None:
        _check_url("expect.final_url", expect["final_url"], errors)

    def vendor_ok(where: str, vendor: Any) -> None:
        if vendor is not None and vendors is not None and vendor not in vendors:
            errors.append(f"{where}: unknown vendor id {vendor!r}")

    def category_ok(where: str, category: Any, nullable: bool = True) -> None:
        if category is None and nullable:
            return
        if categories is not None and category not in categories:
            errors.append(f"{where}: unknown category {category!r}")

    policy = expect.get("policy")
    if policy is not None and _check_keys("expect.policy", policy, {"url", "format", "language"},
                                          {"found_via", "link_text", "status", "title", "short"}, errors):
        _check_url("expect.policy.url", policy["url"], errors)
        _check_in("expect.policy.format", policy["format"], POLICY_FORMATS, errors)
        _check_in("expect.policy.language", policy["language"], LANGUAGES, errors)
    for i, variant in enumerate(expect.get("policy_variants") or []):
        if _check_keys(f"expect.policy_variants[{i}]", variant, {"url", "language"}, {"format"}, errors):
            _check_url(f"expect.policy_variants[{i}].url", variant["url"], errors)
    for i, item in enumerate(expect.get("not_policies") or []):
        # Any link target, javascript: included (the hostile site plants one).
        _check_keys(f"expect.not_policies[{i}]", item, {"url", "why"}, {"link_text"}, errors)
    for i, cookie in enumerate(expect.get("cookies") or []):
        where = f"expect.cookies[{i}]"
        if _check_keys(where, cookie, {"name", "domain", "set_by", "vendor", "page"},
                       {"party", "mode", "optional", "tracking", "match"}, errors):
            _check_in(f"{where}.set_by", cookie["set_by"], {"header", "script"}, errors)
            _check_in(f"{where}.party", cookie.get("party", "first"), {"first", "third"}, errors)
            _check_in(f"{where}.mode", cookie.get("mode", "both"), {"both", "http", "browser"}, errors)
            _check_url(f"{where}.page", cookie["page"], errors, many=True)
            vendor_ok(where, cookie["vendor"])
    for i, req in enumerate(expect.get("requests") or []):
        where = f"expect.requests[{i}]"
        if _check_keys(where, req, {"url", "host", "resource_type", "vendor", "page", "source"},
                       {"match", "optional"}, errors):
            _check_url(f"{where}.url", req["url"], errors)
            _check_url(f"{where}.page", req["page"], errors, many=True)
            _check_in(f"{where}.resource_type", req["resource_type"], RESOURCE_TYPES, errors)
            _check_in(f"{where}.source", req["source"], SOURCES, errors)
            _check_in(f"{where}.match", req.get("match", "exact"), {"exact", "prefix"}, errors)
            vendor_ok(where, req["vendor"])
            if isinstance(req["url"], str) and req["url"].split("/")[2:3] != [req["host"]]:
                errors.append(f"{where}: host {req['host']!r} is not the URL's host")
    for i, item in enumerate(expect.get("inline_trackers") or []):
        where = f"expect.inline_trackers[{i}]"
        if _check_keys(where, item, {"vendor", "id", "page"}, {"snippet"}, errors):
            vendor_ok(where, item["vendor"])
            _check_url(f"{where}.page", item["page"], errors, many=True)
    for i, form in enumerate(expect.get("forms") or []):
        where = f"expect.forms[{i}]"
        if not _check_keys(where, form, {"page", "method", "action", "fields", "has_consent_checkbox",
                                         "policy_link_near"}, {"form_index", "action_party"}, errors):
            continue
        _check_url(f"{where}.page", form["page"], errors, many=True)
        _check_url(f"{where}.action", form["action"], errors)
        _check_in(f"{where}.method", form["method"], {"get", "post"}, errors)
        for j, fld in enumerate(form["fields"] or []):
            fwhere = f"{where}.fields[{j}]"
            if _check_keys(fwhere, fld, {"name", "type", "category"}, {"label", "required"}, errors):
                category_ok(fwhere, fld["category"])
    for i, item in enumerate(expect.get("mismatches") or []):
        where = f"expect.mismatches[{i}]"
        if _check_keys(where, item, {"category", "verdict"}, {"note", "observed"}, errors):
            _check_in(f"{where}.verdict", item["verdict"], VERDICTS, errors)
            category_ok(where, item["category"], nullable=False)
    for i, category in enumerate(expect.get("matches") or []):
        category_ok(f"expect.matches[{i}]", category, nullable=False)
    aliases = expect.get("aliases") or {}
    if not isinstance(aliases, dict):
        errors.append("expect.aliases: expected a mapping of alias URL -> the URL standing for it")
    else:
        for alias, canonical in aliases.items():
            _check_url("expect.aliases", alias, errors)
            _check_url(f"expect.aliases[{alias}]", canonical, errors)
    # Where browser mode's form probe finds each form's data going (docs/browser-mode.md).
    for i, item in enumerate(expect.get("form_destinations") or []):
        where = f"expect.form_destinations[{i}]"
        if _check_keys(where, item, {"form", "host", "service", "method", "party", "fields"}, {"note"}, errors):
            vendor_ok(where, item["service"])
            _check_in(f"{where}.party", item["party"], {"first", "third"}, errors)
    # A language version of the policy that says less than another (POLICY-LANGUAGE-VERSION-GAP).
    for i, gap in enumerate(expect.get("language_gaps") or []):
        where = f"expect.language_gaps[{i}]"
        if _check_keys(where, gap, {"language", "against", "categories"}, {"note"}, errors):
            _check_in(f"{where}.language", gap["language"], LANGUAGES, errors)
            _check_in(f"{where}.against", gap["against"], LANGUAGES, errors)
            for j, category in enumerate(gap["categories"] or []):
                category_ok(f"{where}.categories[{j}]", category, nullable=False)
    return errors

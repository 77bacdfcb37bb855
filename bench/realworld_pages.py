"""Real .kz pages: how well kzprivacy reads pages that nobody in this project wrote.

Scores, on the real pages present locally (never committed; see docs/realworld.md):

- policy discovery: the crawler's own link extraction and policy-link scoring on each saved page
  (recall and precision against the hand-labelled policy links), and, where the policy page itself
  was saved, a real ``kzprivacy scan --proxy`` of the saved site served by a temporary sample web,
  so the whole discovery path (following, probing, is-it-a-policy) is judged;
- form fields: the taxonomy category the crawler gives each field (precision, recall);
- third-party hosts: the share of distinct hosts the tracker base attributes (with a country), and
  the share the crawler's HTML extraction sees at all;
- findings (issue 15): the findings of that real scan against the facts a careful reviewer labelled
  (bench/realworld/findings.yaml): found, missed, invented, duplicates.

    python bench/realworld_pages.py                     # score what is under /work/realworld/pages
    python bench/realworld_pages.py --gather            # first copy the pages out of fetched snapshots
    python bench/realworld_pages.py --no-scan --json    # static scores only, machine-readable

Exit status 2 with a message when no material is present.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from kzprivacy.extract.html import extract_forms, extract_resources, selector  # noqa: E402

try:  # the links the spider follows (builder buttons, onclick, consent labels too)
    from kzprivacy.extract.discovery import page_links
except ImportError:  # a checkout from before kzprivacy/extract/discovery.py: <a href> links only (BEFORE runs)
    from kzprivacy.extract.html import extract_links as page_links
from kzprivacy.extract.policy import policy_links  # noqa: E402
from kzprivacy.crawler.spiders.site import FOLLOW_POLICY_SCORE  # noqa: E402
from kzprivacy.vocabulary.trackers import find_signatures, lookup_url, registrable_domain  # noqa: E402

PAGES_LABELS = HERE / "realworld" / "pages.yaml"
FINDINGS_LABELS = HERE / "realworld" / "findings.yaml"
MIRRORS = Path(os.environ.get("KZPRIVACY_MIRRORS", "/work/.mirror"))
# Kinds of labelled link that lead to a document about personal data (a follow is not a mistake);
# only privacy_policy links count towards recall.
PERSONAL_DATA_DOCS = {"privacy_policy", "consent", "cookie_policy"}


# -- labels and material ------------------------------------------------------------------------------

def load_labels(path: Path = PAGES_LABELS) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(data.get("sites") or [])


def load_findings(path: Path = FINDINGS_LABELS) -> dict[str, list[dict[str, Any]]]:
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {entry["site"]: list(entry.get("facts") or []) for entry in data.get("sites") or []}


def site_dir(root: Path, site: dict[str, Any]) -> Path:
    return root / "pages" / site["site"]


def _files(site: dict[str, Any]) -> list[dict[str, Any]]:
    """Every saved file of a site (its pages and, when saved, its policy documents)."""
    return [*site.get("pages", []), *site.get("documents", [])]


def present(root: Path, site: dict[str, Any]) -> bool:
    return all((site_dir(root, site) / page["file"]).exists() for page in site.get("pages", []))


_MIRROR_ASSET = re.compile(r"""(["'(=\s])(?:\.\./)*assets/([a-z0-9-]+(?:\.[a-z0-9-]+)+)/([^"')\s>]*)""")


def restore_mirror_assets(html: str) -> str:
    """Undo a site mirror's localisation: ``assets/HOST/path__q_query`` back to ``https://HOST/path?query``.

    Some saved sites were made with a mirroring tool that copies every third-party file under
    ``assets/<host>/`` and rewrites the markup to point there; restoring the address gives back the
    markup the live site served (which host it loads is the point of the exercise)."""
    return _MIRROR_ASSET.sub(lambda m: f"{m.group(1)}https://{m.group(2)}/{m.group(3).replace('__q_', '?', 1)}",
                             html)


def gather(labels: list[dict[str, Any]], root: Path, mirrors: Path = MIRRORS) -> list[str]:
    """Copy each labelled file out of the fetched repository snapshot it came from. Returns problems."""
    problems = []
    for site in labels:
        repo = site["source"]["repository"]
        git_dir = mirrors / repo.replace("/", "+") / "repo"
        if (git_dir / ".git").is_dir():
            git_dir = git_dir / ".git"
        if not git_dir.exists():
            problems.append(f"{site['site']}: no snapshot of {repo} under {mirrors} (fetch it first)")
            continue
        for entry in _files(site):
            commit = entry.get("commit") or site["source"]["commit"]
            done = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{commit}:{entry['source_path']}"],
                                  capture_output=True)
            if done.returncode:
                problems.append(f"{site['site']}: {entry['source_path']}@{commit[:10]}: "
                                f"{done.stderr.decode(errors='replace').strip()}")
                continue
            body = done.stdout
            if site["source"].get("restore_mirror_assets") or site["source"].get("strip"):
                text = body.decode("utf-8")
                if site["source"].get("restore_mirror_assets"):
                    text = restore_mirror_assets(text)
                for pattern in site["source"].get("strip") or []:  # what a mirroring tool added
                    text = re.sub(pattern, "", text, flags=re.S)
                body = text.encode("utf-8")
            target = site_dir(root, site) / entry["file"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
    return problems


def read_html(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8", "windows-1251"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


# -- scores --------------------------------------------------------------------------------------------

@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": _r(self.precision),
                "recall": _r(self.recall), "f1": _r(self.f1)}


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def _norm_url(url: str) -> str:
    parts = urlsplit(url)
    path = unquote(parts.path).rstrip("/") or "/"
    host = (parts.hostname or "").lower().removeprefix("www.")
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii")  # сови.kz and xn--b1amql.kz are one host
    return f"{host}{path}{'?' + parts.query if parts.query else ''}"


def static_discovery(root: Path, labels: list[dict[str, Any]]) -> dict[str, Any]:
    """Per page: the links the crawler would follow as policy candidates from that page, against the labels."""
    links_score = PRF()
    sites_found = PRF()
    misses: list[str] = []
    wrong: list[str] = []
    for site in labels:
        if not present(root, site):
            continue
        site_has_policy = False
        site_hit = False
        for page in site["pages"]:
            html = read_html(site_dir(root, site) / page["file"])
            candidates = [c for c in policy_links(page_links(selector(html), page["url"]))
                          if c.score >= FOLLOW_POLICY_SCORE]
            predicted = {_norm_url(c.url): c for c in candidates}
            labelled = {_norm_url(link["url"]): link for link in page.get("policy_links") or [] if link.get("url")}
            wanted = {u for u, link in labelled.items() if link.get("kind", "privacy_policy") == "privacy_policy"}
            acceptable = {u for u, link in labelled.items() if link.get("kind", "privacy_policy") in PERSONAL_DATA_DOCS}
            site_has_policy |= bool(wanted)
            for url in wanted:
                if url in predicted:
                    links_score.tp += 1
                    site_hit = True
                else:
                    links_score.fn += 1
                    link = labelled[url]
                    misses.append(f"{site['site']}: {page['url']} -> {link['url']} ({link.get('markup', '?')})")
            for url, candidate in predicted.items():
                if url not in acceptable:
                    links_score.fp += 1
                    wrong.append(f"{site['site']}: {page['url']} -> {candidate.url} «{candidate.text}» "
                                 f"score {candidate.score}")
        if site_has_policy:
            if site_hit:
                sites_found.tp += 1
            else:
                sites_found.fn += 1
    return {"links": links_score.as_dict(), "sites_with_policy_link_found": sites_found.as_dict(),
            "missed": misses, "wrong": wrong}


def form_fields(root: Path, labels: list[dict[str, Any]]) -> dict[str, Any]:
    """Field categories: for each labelled field, the category the crawler gives the field of that name."""
    score = PRF()
    per_category: dict[str, PRF] = defaultdict(PRF)
    errors: list[str] = []
    for site in labels:
        if not present(root, site):
            continue
        for page in site["pages"]:
            if not page.get("forms"):
                continue
            html = read_html(site_dir(root, site) / page["file"])
            seen: dict[str, list[str | None]] = defaultdict(list)
            for form in extract_forms(selector(html), page["url"]):
                for f in form.fields:
                    seen[f.name].append(f.category)
            for form in page["forms"]:
                for f in form.get("fields") or []:
                    want = f.get("category")
                    # Fields are taken in document order, so nameless and repeated names pair up;
                    # label every field of every form of a labelled page, in order.
                    got_list = seen.get(f["name"]) or []
                    got = got_list.pop(0) if got_list else None
                    if want and got == want:
                        score.tp += 1
                        per_category[want].tp += 1
                        continue
                    if want:
                        score.fn += 1
                        per_category[want].fn += 1
                    if got:
                        score.fp += 1
                        per_category[got].fp += 1
                    if want or got:
                        errors.append(f"{site['site']}: {page['url']} field {f['name']!r} "
                                      f"({f.get('label', '')!r}): labelled {want}, got {got}")
    return {"fields": score.as_dict(), "per_category": {k: v.as_dict() for k, v in sorted(per_category.items())},
            "errors": errors}


def _host(entry: str | dict[str, Any]) -> tuple[str, str]:
    """(host, url to look up) of a labelled third-party entry."""
    value = entry["url"] if isinstance(entry, dict) and entry.get("url") else (
        entry["host"] if isinstance(entry, dict) else entry)
    if "://" in value:
        return (urlsplit(value).hostname or "").lower(), value
    return value.lower(), f"https://{value.lower()}/"


def hosts(root: Path, labels: list[dict[str, Any]]) -> dict[str, Any]:
    """Distinct third-party hosts of the labelled pages: attributed (service with a country) and extracted."""
    labelled: dict[str, str] = {}
    extracted: set[str] = set()
    signed: set[str] = set()  # services named by an inline snippet (a counter's loader builds the URL)
    present_sites = [s for s in labels if present(root, s)]
    for site in present_sites:
        for page in site["pages"]:
            for entry in page.get("third_party") or []:
                host, url = _host(entry)
                labelled.setdefault(host, url)
            html = read_html(site_dir(root, site) / page["file"])
            sel = selector(html)
            own = registrable_domain(page["url"])
            for resource in extract_resources(sel, page["url"]):
                host = (urlsplit(resource.url).hostname or "").lower()
                if host and registrable_domain(host) != own:
                    extracted.add(host)
            for form in extract_forms(sel, page["url"]):
                host = (urlsplit(form.action).hostname or "").lower() if form.action else ""
                if host and registrable_domain(host) != own:
                    extracted.add(host)
            signed.update(hit.service.id for hit in find_signatures(html))
    attributed, unknown, no_country = [], [], []
    for host, url in sorted(labelled.items()):
        service = lookup_url(url).service
        if service is None:
            unknown.append(host)
        elif not service.country:
            no_country.append(host)
        else:
            attributed.append(host)
    seen = [h for h, url in labelled.items()
            if h in extracted or (lookup_url(url).service and lookup_url(url).service.id in signed)]
    total = len(labelled)
    return {"distinct_hosts": total, "attributed": len(attributed),
            "attributed_share": _r(len(attributed) / total) if total else None,
            "unknown": unknown, "without_country": no_country,
            "seen_by_html_extraction": len(seen),
            "seen_share": _r(len(seen) / total) if total else None,
            "not_seen": sorted(set(labelled) - set(seen))}


# -- a real scan of the saved sites through a temporary sample web -----------------------------------------

def write_sample_sites(root: Path, labels: list[dict[str, Any]], target: Path) -> list[str]:
    """A sample-web site folder per saved site: its pages and documents at their own paths. Returns domains."""
    domains = []
    for site in labels:
        if not present(root, site):
            continue
        folder = target / site["site"]
        folder.mkdir(parents=True)
        routes: dict[str, dict[str, Any]] = {}
        for entry in _files(site):
            source = site_dir(root, site) / entry["file"]
            if not source.exists():
                continue
            local = folder / "files" / entry["file"]
            local.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, local)
            path = urlsplit(entry["url"]).path or "/"
            route: dict[str, Any] = {"file": f"files/{entry['file']}", "template": False}
            if entry.get("content_type"):
                route["content_type"] = entry["content_type"]
            elif not Path(entry["file"]).suffix or Path(entry["file"]).suffix in (".php", ".htm"):
                route["content_type"] = "text/html"
            routes[path] = route
        if "/" not in routes and site.get("pages"):
            # The home page itself was not saved: the site's first saved page stands in for it.
            routes["/"] = {"status": 302, "location": urlsplit(site["pages"][0]["url"]).path}
        spec = {"domain": site["site"], "title": site["site"], "description": "saved real site (bench only)",
                "routes": routes}
        (folder / "site.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
        domains.append(site["site"])
    return domains


def scan_saved_sites(root: Path, labels: list[dict[str, Any]], out: Path) -> Path | None:
    """Serve the saved sites locally and run `kzprivacy scan --proxy` over them; the database path."""
    from kzprivacy.sampleweb.server import SampleWeb

    with tempfile.TemporaryDirectory(prefix="kzp-realworld-") as tmp:
        sites_dir = Path(tmp) / "sites"
        sites_dir.mkdir()
        domains = write_sample_sites(root, labels, sites_dir)
        if not domains:
            return None
        with SampleWeb(sites_dir=sites_dir, hang_seconds=5.0) as web:
            env = {**os.environ, "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": ""}
            cmd = [sys.executable, "-m", "kzprivacy.cli", "scan", *domains, "--proxy", web.proxy_url,
                   "--out", str(out), "--crawl-id", "realworld", "--no-progress", "--timeout", "30"]
            done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
            if done.returncode:
                raise RuntimeError(f"scan failed ({done.returncode}): {done.stderr[-2000:]}")
    return out / "kzprivacy.db"


def _rows(db: Path, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql, params)]
    finally:
        con.close()


def scanned_discovery(db: Path, labels: list[dict[str, Any]], root: Path) -> dict[str, Any]:
    """Site level, on a real scan: is the best policy the labelled one; no_policy only where there is none."""
    sites = {r["site"]: r for r in _rows(db, "SELECT site, status, https, policy_url FROM sites "
                                             "WHERE crawl_id='realworld'")}
    score = PRF()
    # The served sites answer https; a site crawled over http means https failed in this run (a loaded
    # machine timing out on a 2 MB page): its plain-HTTP findings are the run's, not the site's.
    details = [f"{site}: WARNING crawled over http in this run ({row['status']})"
               for site, row in sites.items() if not row["https"]]
    for site in labels:
        if not present(root, site) or site["site"] not in sites:
            continue
        row = sites[site["site"]]
        expected = {_norm_url(u) for u in site.get("policy_urls") or []}
        got = row["policy_url"]
        saved = any(d.get("kind", "privacy_policy") == "privacy_policy" for d in site.get("documents", []))
        if expected and not saved:
            continue  # the policy page itself was not saved: a served scan cannot fetch it
        if expected and got and _norm_url(got) in expected:
            score.tp += 1
            verdict = "found"
        elif expected:
            score.fn += 1
            if got:
                score.fp += 1
            verdict = f"missed (best: {got})"
        elif got:
            score.fp += 1
            verdict = f"invented ({got})"
        else:
            verdict = "correctly none"
        details.append(f"{site['site']}: {verdict}")
    return {"sites": score.as_dict(), "details": details}


def _matches(finding: dict[str, Any], match: dict[str, Any]) -> bool:
    for key, want in match.items():
        if key.endswith("_contains"):
            have = str(finding.get(key.removesuffix("_contains")) or "").lower()
            wants = want if isinstance(want, list) else [want]
            if not any(str(w).lower() in have for w in wants):
                return False
        else:
            wants = want if isinstance(want, list) else [want]
            if finding.get(key) not in wants:
                return False
    return True


def _alternatives(match: dict[str, Any] | list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A fact's match: one set of conditions, or a list of alternative sets."""
    return match if isinstance(match, list) else [match]


def score_findings(db: Path, facts_by_site: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Findings of the scan against the labelled facts: found, missed, invented, duplicates."""
    totals = Counter()
    per_site = {}
    for site, facts in sorted(facts_by_site.items()):
        findings = _rows(db, "SELECT rule, category, verdict, observed, observed_url, service_id, policy_evidence "
                             "FROM findings WHERE crawl_id='realworld' AND site=?", (site,))
        if not _rows(db, "SELECT 1 FROM sites WHERE crawl_id='realworld' AND site=?", (site,)):
            continue
        hits: dict[int, int] = Counter()
        invented = []
        duplicated = []
        candidates = [(finding, [i for i, fact in enumerate(facts) if fact.get("match")
                                 and any(_matches(finding, m) for m in _alternatives(fact["match"]))])
                      for finding in findings]
        # Findings that fit one fact are credited first, so that one fitting several (a form asking for
        # «email, name, phone» also fits a fact about «name, phone») goes to a fact still unfound, whatever
        # the order the table lists them in.
        for finding, matched in sorted(candidates, key=lambda c: len(c[1]) or 99):
            if not matched:
                invented.append(f"{finding['rule']} {finding['category'] or ''} {finding['observed'] or ''}"[:160])
                continue
            chosen = next((i for i in matched if not hits[i]), matched[0])
            if hits[chosen]:
                duplicated.append(f"{finding['rule']} {finding['category'] or ''} {finding['service_id'] or ''} "
                                  f"{finding['observed'] or ''}"[:160])
            hits[chosen] += 1
        # optional: defensible either way (Google Fonts receiving visitors' IP addresses): neither missed
        # when absent nor invented when present
        required = [i for i, fact in enumerate(facts) if not fact.get("optional")]
        expressible = [i for i in required if facts[i].get("match")]
        found = [i for i in expressible if hits[i]]
        missed = [facts[i]["fact"] for i in expressible if not hits[i]]
        no_rule = [facts[i]["fact"] for i in required if not facts[i].get("match")]
        duplicates = sum(max(0, hits[i] - 1) for i in hits)
        site_counts = {"facts": len(required), "expressible": len(expressible), "found": len(found),
                       "missed": len(missed), "no_rule": len(no_rule), "invented": len(invented),
                       "duplicates": duplicates, "findings": len(findings),
                       "optional_found": sum(1 for i in hits if facts[i].get("optional")),
                       "added_after_scoring": sum(1 for i in required if facts[i].get("added_after_scoring"))}
        totals.update(site_counts)
        per_site[site] = {**site_counts, "missed_facts": missed, "invented_findings": invented,
                          "duplicate_findings": duplicated, "facts_without_rule": no_rule}
    return {"totals": dict(totals), "sites": per_site}


# -- report ---------------------------------------------------------------------------------------------

def _fmt(x: Any) -> str:
    return "n/a" if x is None else (f"{x:.3f}" if isinstance(x, float) else str(x))


def run(root: Path, labels_path: Path = PAGES_LABELS, findings_path: Path = FINDINGS_LABELS,
        scan: bool = True, out: Path | None = None) -> dict[str, Any] | None:
    """Every figure, as a dict; None when no labelled site is present under ROOT/pages."""
    labels = load_labels(labels_path)
    here = [s for s in labels if present(root, s)]
    if not here:
        return None
    result: dict[str, Any] = {
        "material": {"root": str(root), "sites_labelled": len(labels), "sites_present": len(here),
                     "pages_present": sum(len(s["pages"]) for s in here)},
        "discovery_static": static_discovery(root, labels),
        "form_fields": form_fields(root, labels),
        "hosts": hosts(root, labels),
    }
    if scan:
        out_ctx = tempfile.TemporaryDirectory(prefix="kzp-realworld-out-") if out is None else None
        target = Path(out_ctx.name) if out_ctx else out
        try:
            db = scan_saved_sites(root, labels, target)
            if db is not None:
                result["discovery_scan"] = scanned_discovery(db, labels, root)
                result["findings"] = score_findings(db, load_findings(findings_path))
        finally:
            if out_ctx:
                out_ctx.cleanup()
    return result


def score(material: Path) -> str:
    """The pages report for bench/realworld.py (material holds pages/)."""
    result = run(Path(material))
    if result is None:
        return f"== Pages: no labelled page under {Path(material) / 'pages'} (python bench/realworld_pages.py --gather)"
    return "== Pages (bench/realworld_pages.py)\n" + report(result)


def default_root() -> Path:
    """$KZPRIVACY_REALWORLD, else realworld/ beside this checkout, else beside the main checkout of a worktree."""
    if os.environ.get("KZPRIVACY_REALWORLD"):
        return Path(os.environ["KZPRIVACY_REALWORLD"])
    candidates = [REPO.parent / "realworld"]
    try:
        common = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--path-format=absolute", "--git-common-dir"],
                                capture_output=True, text=True, timeout=10).stdout.strip()
        if common:
            candidates.append(Path(common).parent.parent / "realworld")
    except (OSError, subprocess.SubprocessError):
        pass
    candidates.append(Path("/work/realworld"))
    return next((c for c in candidates if (c / "pages").is_dir()), candidates[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--material", "--root", dest="root", type=Path, default=None,
                        help="material root, pages under ROOT/pages (default: $KZPRIVACY_REALWORLD or ../realworld)")
    parser.add_argument("--labels", type=Path, default=PAGES_LABELS)
    parser.add_argument("--findings", type=Path, default=FINDINGS_LABELS)
    parser.add_argument("--gather", action="store_true", help="copy the pages out of fetched snapshots first")
    parser.add_argument("--no-scan", action="store_true", help="static scores only (no served scan)")
    parser.add_argument("--out", type=Path, help="keep the scan's output here (default: a temporary folder)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss and mistake")
    args = parser.parse_args(argv)
    root = args.root or default_root()
    if args.gather:
        for problem in gather(load_labels(args.labels), root):
            print("gather:", problem, file=sys.stderr)
    result = run(root, args.labels, args.findings, scan=not args.no_scan, out=args.out)
    if result is None:
        print(f"No real pages under {root / 'pages'}: none of the labelled sites of {args.labels.name} is present. "
              f"Gather them first (docs/realworld.md): python bench/realworld_pages.py --gather", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(report(result, verbose=args.verbose))
    return 0


def report(result: dict[str, Any], verbose: bool = False) -> str:
    lines: list[str] = []
    print = lines.append  # the report reads as the lines it prints
    m = result["material"]
    print(f"real pages: {m['pages_present']} pages of {m['sites_present']}/{m['sites_labelled']} labelled sites")
    d = result["discovery_static"]
    print(f"policy links (static, per page): recall {_fmt(d['links']['recall'])}  "
          f"precision {_fmt(d['links']['precision'])}  (tp {d['links']['tp']}, fn {d['links']['fn']}, "
          f"fp {d['links']['fp']})")
    s = d["sites_with_policy_link_found"]
    print(f"sites whose policy link is followed from a saved page: {s['tp']}/{s['tp'] + s['fn']}")
    if "discovery_scan" in result:
        ds = result["discovery_scan"]["sites"]
        print(f"policy discovery (real scan of served sites): recall {_fmt(ds['recall'])}  "
              f"precision {_fmt(ds['precision'])}  (tp {ds['tp']}, fn {ds['fn']}, fp {ds['fp']})")
        for line in result["discovery_scan"]["details"]:
            if "WARNING" in line:
                print("  " + line)
    f = result["form_fields"]["fields"]
    print(f"form-field categories: precision {_fmt(f['precision'])}  recall {_fmt(f['recall'])}  "
          f"F1 {_fmt(f['f1'])}  (tp {f['tp']}, fp {f['fp']}, fn {f['fn']})")
    h = result["hosts"]
    print(f"third-party hosts: {h['attributed']}/{h['distinct_hosts']} attributed with a country "
          f"({_fmt(h['attributed_share'])}); seen by the HTML extraction {h['seen_by_html_extraction']}/"
          f"{h['distinct_hosts']} ({_fmt(h['seen_share'])})")
    if h["unknown"] or h["without_country"]:
        print("  unattributed: " + (", ".join(h["unknown"] + h["without_country"])))
    if "findings" in result:
        t = result["findings"]["totals"]
        print(f"findings on {len(result['findings']['sites'])} labelled sites: facts {t.get('facts', 0)} "
              f"(expressible by a rule {t.get('expressible', 0)}), found {t.get('found', 0)}, "
              f"missed {t.get('missed', 0)}, invented {t.get('invented', 0)}, duplicates {t.get('duplicates', 0)} "
              f"(findings reported {t.get('findings', 0)}; facts added after the first scoring "
              f"{t.get('added_after_scoring', 0)})")
    if verbose:
        for line in d["missed"]:
            print("  missed link: " + (line))
        for line in d["wrong"]:
            print("  wrong link: " + (line))
        if "discovery_scan" in result:
            for line in result["discovery_scan"]["details"]:
                if "WARNING" not in line:
                    print("  scan: " + (line))
        for line in result["form_fields"]["errors"]:
            print("  field: " + (line))
        print("  not seen by the HTML extraction: " + (", ".join(h["not_seen"]) or "none"))
        for site, r in (result.get("findings") or {}).get("sites", {}).items():
            for fact in r["missed_facts"]:
                print(f"  {site}: missed fact: {fact}")
            for finding in r["invented_findings"]:
                print(f"  {site}: invented: {finding}")
            for finding in r.get("duplicate_findings", []):
                print(f"  {site}: duplicate: {finding}")
            for fact in r["facts_without_rule"]:
                print(f"  {site}: no rule for: {fact}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

"""The kzprivacy command: scan sites, run the demo, look things up.

    kzprivacy demo                         # the sample web, end to end
    kzprivacy scan example.kz мысал.қаз    # real sites
    kzprivacy scan -i domains.txt --out results/

The commands are a thin shell: what they do lives in kzprivacy.app (the workspace, the crawl plan,
the scan), so that nothing imports the command line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

import kzprivacy
from kzprivacy.app.plan import new_crawl_id, read_sites
from kzprivacy.app.scan import Scan
from kzprivacy.app.workspace import Workspace
from kzprivacy.crawler.shutdown import exit_interrupted

from .common import Commands, plan_from, print_summary, say
from .options import crawl_options, db_option, out_option, run_options, sites_arguments


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(kzprivacy.__version__, prog_name="kzprivacy")
def main() -> None:
    """Website-privacy scanner for Kazakhstan: finds each site's privacy policy, records what the
    site collects (cookies, third-party resources, form fields), and stores it all in SQLite and WARC."""


@main.command()
@sites_arguments
@out_option
@db_option(help="Store the crawl in this database instead of OUT/kzprivacy.db: postgresql://... or a SQLite file.")
@click.option("--crawl-id", help="Name of this crawl (default: a UTC timestamp).")
@crawl_options
@run_options
@click.option("--resume", is_flag=True,
              help="Continue an interrupted crawl (the latest unfinished one, or --crawl-id).")
@click.option("--processes", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Crawl processes sharing the site list and the database (one per core for a zone).")
def scan(domains: tuple[str, ...], input_file: str | None, out: Path, db: str | None, crawl_id: str | None,
         render: bool, consent: str, overrides: tuple[str, ...], no_progress: bool, no_analyze: bool, lang: str,
         resume: bool, processes: int, **options: Any) -> None:
    """Scan sites: DOMAINS and/or the entries of --input."""
    workspace = Workspace(out, db)
    entries, rejected = read_sites(domains, input_file)
    for entry, reason in rejected:
        click.echo(f"skipped {entry!r}: {reason}", err=True)
    if resume:
        crawl_id = crawl_id or workspace.unfinished_crawl()
        stored = workspace.crawl(crawl_id)
        if stored and stored["mode"] == "browser" and not render:
            # A browser crawl resumes in the browser, with the consent choice it started with.
            render, consent = True, stored["settings"].get("consent") or consent
        if not entries:  # resuming needs no list: the database has the crawl's sites
            with workspace.store() as store:
                entries, _ = read_sites(store.site_inputs(crawl_id).values())
    plan = plan_from(render, consent, overrides, **options)
    if not entries:
        raise click.UsageError("no valid domains to scan (give DOMAINS or --input)")
    crawl_id = crawl_id or new_crawl_id()
    run = Scan(workspace, crawl_id, plan, resume=resume, analyze=not no_analyze, lang=lang, processes=processes,
               say=None if no_progress else say, tell=click.echo)
    reason = run.run(entries, rejected, show_progress=not no_progress)
    print_summary(workspace, crawl_id, run.output_paths)
    if reason != "finished":
        db_part = f" --db {workspace.db_shown}" if db else ""
        click.echo(f"Interrupted ({reason}). Resume with: kzprivacy scan --resume --out {out}{db_part} "
                   f"--crawl-id {crawl_id}")
        exit_interrupted()


@main.command()
@out_option
@click.option("--crawl-id", help="Name of this crawl (default: demo- and a UTC timestamp).")
@crawl_options
@run_options
@click.option("--week", type=click.IntRange(1, 2), default=1, show_default=True,
              help="2: the sample web a week later (a site changed its policy and trackers), to try `kzprivacy diff`.")
def demo(out: Path, crawl_id: str | None, render: bool, consent: str, overrides: tuple[str, ...],
         no_progress: bool, no_analyze: bool, lang: str, week: int, proxy: str | None, timeout: float | None,
         **options: Any) -> None:
    """Run the whole job on the built-in sample web (fictional .kz sites served on 127.0.0.1)."""
    from kzprivacy.app.outputs import build_demo_evidence
    from kzprivacy.sampleweb.manifest import sample_domains
    from kzprivacy.sampleweb.server import SampleWeb

    plan = plan_from(render, consent, overrides, timeout=timeout or 5, **options)
    workspace = Workspace(out)
    crawl_id = crawl_id or new_crawl_id("demo-")
    with SampleWeb(week=week) as web:
        click.echo(f"Sample web (week {week}) running as a proxy at {web.proxy_url}")
        entries, rejected = read_sites(sample_domains())
        run = Scan(workspace, crawl_id, plan.with_proxy(proxy or web.proxy_url), analyze=not no_analyze,
                   lang=lang, say=None if no_progress else say, tell=click.echo)
        reason = run.run(entries, rejected, show_progress=not no_progress)
    if reason == "finished" and run.output_paths:  # the PDF and one evidence pack, printed by Chromium
        run.output_paths.update(build_demo_evidence(workspace.db, crawl_id, out, lang=lang, say=say))
    print_summary(workspace, crawl_id, run.output_paths)
    if reason != "finished":
        exit_interrupted()


@main.command(name="summary")
@out_option
@db_option(help="Read this database instead of OUT/kzprivacy.db: postgresql://... or a SQLite file.")
@click.option("--crawl-id", help="Default: the latest crawl.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def summary_command(out: Path, db: str | None, crawl_id: str | None, fmt: str) -> None:
    """Counts of a stored crawl: sites by status, policies, pages."""
    workspace = Workspace(out, db)
    crawl_id = workspace.crawl_id(crawl_id)
    if fmt == "json":
        click.echo(json.dumps(workspace.summary(crawl_id), ensure_ascii=False, indent=2))
    else:
        print_summary(workspace, crawl_id)


@main.command()
@out_option
@db_option(help="Analyse this database instead of OUT/kzprivacy.db: postgresql://... or a SQLite file.")
@click.option("--crawl-id", help="Default: the latest crawl.")
def analyze(out: Path, db: str | None, crawl_id: str | None) -> None:
    """Compare what sites collect with what their policies declare, for a stored crawl (no crawling).

    Re-running replaces the crawl's declarations and findings; it never duplicates them."""
    from kzprivacy.analysis.run import analyze_crawl

    workspace = Workspace(out, db)
    crawl_id = workspace.crawl_id(crawl_id)
    counts = analyze_crawl(workspace.db, crawl_id)
    click.echo(f"Crawl {crawl_id}: {counts['sites']} sites, {counts['declarations']} declarations, "
               f"{counts['flows']} flows judged, {counts['findings']} findings; policy texts: "
               f"{counts['texts_analysed']} analysed, {counts['texts_reused']} as analysed before.")


@main.command()
@click.argument("documents", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--proxy", metavar="URL", help="HTTP proxy for documents given as URLs.")
@click.option("--timeout", type=float, default=20, show_default=True, help="Seconds to wait for a URL.")
def policy(documents: tuple[str, ...], fmt: str, proxy: str | None, timeout: float) -> None:
    """Analyse policy documents on their own: .txt, .html, .pdf or .docx files, or URLs.

    Prints what each declares and denies, with the sentence that says so, and facts about the operator."""
    from kzprivacy.analysis.policy_file import analyze_documents

    results = analyze_documents(list(documents), proxy=proxy, timeout=timeout)
    if fmt == "json":
        click.echo(json.dumps(results if len(results) > 1 else results[0], ensure_ascii=False, indent=2))
        return
    for result in results:
        kind = (result.get("facts") or {}).get("document_type")
        click.echo(f"== {result['document']}  ({result.get('format')}, {result.get('language')}"
                   f"{', ' + kind if kind else ''})")
        if result.get("error"):
            click.echo(f"   error: {result['error']}")
            continue
        for d in result["declarations"]:
            vendors = f"  [{', '.join(d['vendors'])}]" if d["vendors"] else ""
            evidence = " ".join(d["evidence"].split())[:110]
            click.echo(f"   {d['status']:9s} {d['category']:22s} {evidence}{vendors}")
        facts = result["facts"]
        click.echo(f"   operator: {', '.join(facts['operator_names']) or '—'};  BIN: "
                   f"{', '.join(f'{n} ({chr(10003) if ok else chr(10007)})' for n, ok in facts['bins']) or '—'}")
        click.echo(f"   contacts: {', '.join(facts['emails'] + facts['phones']) or '—'};"
                   f"  law: {', '.join(facts['laws']) or '—'}")
        for code, evidence in facts["warnings"]:
            click.echo(f"   warning {code}: {' '.join(evidence.split())[:110]}")


@main.command(name="settings")
@click.option("--json", "as_json", is_flag=True, help="The table as JSON (name, default, type, help...).")
def settings_command(as_json: bool) -> None:
    """Every kzprivacy setting (-s NAME=VALUE) with its default and what it does, the Scrapy settings
    kzprivacy changes, and the environment variables it reads (docs/settings.md)."""
    from kzprivacy.crawler.settings_table import ENVIRONMENT, SETTINGS, render_text

    if as_json:
        click.echo(json.dumps({"settings": [row.as_dict() for row in SETTINGS],
                               "environment": [{"name": n, "help": h} for n, h in ENVIRONMENT]},
                              ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(), nl=False)


from .analysis import diff, evidence, export, report, serve  # noqa: E402  (registered after main)
from .prune import prune  # noqa: E402
from .scale import enqueue, status, worker  # noqa: E402
from .trackers import trackers  # noqa: E402
from .weekly import weekly  # noqa: E402

# One crawl on many machines (Redis queue, PostgreSQL results), and the weekly routine: docs/operations.md.
for _command in (trackers, export, report, diff, evidence, serve, enqueue, worker, status, weekly, prune):
    main.add_command(_command)

if __name__ == "__main__":
    main()

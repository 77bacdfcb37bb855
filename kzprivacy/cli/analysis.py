"""The `export`, `report` and `diff` commands, and `build_outputs` for the end of a scan.

The main CLI registers them (`main.add_command(export)` and so on); each takes
--out (the folder holding kzprivacy.db) and --crawl-id (default: the latest crawl).

    kzprivacy export                       # CSV, Parquet and XLSX of the latest crawl
    kzprivacy report --lang en             # HTML report of the latest crawl, in English
    kzprivacy diff --format markdown       # what changed between the two latest crawls
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kzprivacy.app.workspace import Workspace

from .common import Command, Commands
from .options import DB_ENV, out_option

LANGS = ("ru", "en", "kk")

__all__ = ["export", "report", "diff", "evidence", "serve"]


# --------------------------------------------------------------------------- shared options


def _out_option(func: Callable[..., Any]) -> Callable[..., Any]:
    # --db is kept in the context rather than passed on: every command here reads it through _workspace.
    func = click.option("--db", metavar="URL", envvar=DB_ENV, expose_value=False,
                        callback=lambda ctx, _param, value: ctx.meta.__setitem__("kzprivacy_db", value),
                        help="Read this database instead of OUT/kzprivacy.db: a scaled-out crawl's "
                             f"postgresql://... (or ${DB_ENV}).")(func)
    return out_option(func)


def _workspace(out: Path) -> Workspace:
    workspace = Workspace(out, click.get_current_context().meta.get("kzprivacy_db"))
    workspace.require_database()
    return workspace


# --------------------------------------------------------------------------- commands


@click.command(cls=Command)
@_out_option
@click.option("--crawl-id", help="Crawl to export (default: the latest).")
@click.option("--format", "formats", multiple=True, type=click.Choice(["csv", "parquet", "xlsx"]),
              help="Formats to write; repeat for several (default: all three).")
def export(out: Path, crawl_id: str | None, formats: tuple[str, ...]) -> None:
    """Export every table of a crawl as CSV (UTF-8 with BOM), Parquet and one XLSX workbook.

    Files go to OUT/<crawl_id>/data/. Column meanings: docs/data-dictionary.md.
    """
    from kzprivacy.analysis.report.export import export_crawl

    workspace = _workspace(out)
    db, crawl_id = workspace.db, workspace.crawl_id(crawl_id)
    paths = export_crawl(db, crawl_id, out, formats or ("csv", "parquet", "xlsx"))
    tables = sum(1 for key in paths if key.startswith(("csv:", "parquet:")))
    click.echo(f"Crawl {crawl_id}: {tables} table files" + (f" and {paths['xlsx'].name}" if "xlsx" in paths else "")
               + f" in {paths['data']}")


@click.command(cls=Command)
@_out_option
@click.option("--crawl-id", help="Crawl to report on (default: the latest).")
@click.option("--lang", type=click.Choice(LANGS), default="ru", show_default=True,
              help="Language of the report (Kazakh covers the interface; explanations fall back to Russian).")
@click.option("--compare-with", metavar="CRAWL_ID",
              help="Crawl to show changes against (default: the crawl before this one, if any).")
@click.option("--format", "fmt", type=click.Choice(["html", "pdf"]), default="html", show_default=True,
              help="pdf: also print the pages to PDF with Chromium (index.pdf and sites/<site>.pdf beside the "
                   "HTML), each page headed by the crawl id and time and numbered.")
@click.option("--site", "sites", multiple=True, metavar="SITE",
              help="With --format pdf: print only these sites' pages (repeat for several), and not the summary.")
def report(out: Path, crawl_id: str | None, lang: str, compare_with: str | None, fmt: str,
           sites: tuple[str, ...]) -> None:
    """Write the report of a crawl: a summary page and a page per site, as HTML (and PDF).

    Static files under OUT/<crawl_id>/report/; they open from disk with no server and no network.
    """
    from kzprivacy.analysis.report import render_pdf_report, render_report

    workspace = _workspace(out)
    db, crawl_id = workspace.db, workspace.crawl_id(crawl_id)
    if compare_with is not None:
        workspace.crawl_id(compare_with)
    if sites and fmt != "pdf":
        raise click.UsageError("--site goes with --format pdf")
    if fmt == "html":
        index = render_report(db, crawl_id, out, lang=lang, compare_with=compare_with or True)
        click.echo(f"Report: {index}")
        return
    from kzprivacy.analysis.report.pdf import PdfError

    try:
        pdfs = render_pdf_report(db, crawl_id, out, lang=lang, compare_with=compare_with or True,
                                 sites=sites or None, summary=not sites)
    except PdfError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    except KeyError as exc:
        raise click.UsageError(str(exc.args[0])) from None
    if "summary" in pdfs:
        click.echo(f"Report (PDF): {pdfs['summary']}")
    site_pdfs = [path for key, path in pdfs.items() if key.startswith("site:")]
    if len(site_pdfs) == 1 or (site_pdfs and sites):
        for path in site_pdfs:
            click.echo(f"Site report (PDF): {path}")
    elif site_pdfs:
        click.echo(f"Site reports (PDF): {len(site_pdfs)} in {site_pdfs[0].parent}/")


@click.command(cls=Command)
@_out_option
@click.option("--from", "from_id", metavar="CRAWL_ID",
              help="Older crawl (default: the newest finished crawl before --to).")
@click.option("--to", "--crawl-id", "to_id", metavar="CRAWL_ID", help="Newer crawl (default: the latest).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "html", "json"]), default="text",
              show_default=True)
@click.option("--lang", type=click.Choice(LANGS),
              help="Language of the wording (default: ru for --format html, en for text and markdown; json has none).")
@click.option("--context", type=click.IntRange(0, 20), default=2, show_default=True,
              help="Unchanged lines shown around each change of a policy's text.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
def diff(out: Path, from_id: str | None, to_id: str | None, fmt: str, lang: str | None, context: int,
         output: Path | None) -> None:
    """What changed between two crawls of the same database (default: the latest and the finished crawl before it).

    Policies whose text changed (with a line diff), policies that appeared or disappeared,
    third-party services added or removed, findings new or resolved, site statuses.
    """
    from kzprivacy.analysis.diff import diff_crawls
    from kzprivacy.analysis.report.changes import Changes, changes, to_html, to_json, to_markdown, to_text

    workspace = _workspace(out)
    db, to_id = workspace.db, workspace.crawl_id(to_id)
    if from_id is None:
        from_id = workspace.previous_crawl(to_id)
        if from_id is None:
            raise click.UsageError(f"no crawl before {to_id} finished in {workspace.db_shown}: give --from")
    from_id = workspace.crawl_id(from_id)
    result = diff_crawls(db, from_id, to_id, context=context)
    if fmt == "json":
        text = to_json(result)
    else:
        # The defaults each format always had: the HTML page for a Russian-reading regulator, text for a terminal.
        worded = changes(result, lang or ("ru" if fmt == "html" else "en"))
        render: dict[str, Callable[[Changes], str]] = {"text": to_text, "markdown": to_markdown, "html": to_html}
        text = render[fmt](worded)
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        click.echo(f"Diff {from_id} → {to_id}: {output}", err=True)
    else:
        sys.stdout.write(text)


# --------------------------------------------------------------------------- evidence packs


class _PackByDefault(Commands):
    """`kzprivacy evidence SITE ...` makes a pack; `kzprivacy evidence verify PACK` checks one."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["pack", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_PackByDefault)
def evidence() -> None:
    """Evidence packs a regulator can attach to a letter, and their check.

    \b
      kzprivacy evidence SITE [--out OUT] [--crawl-id ID] [--lang ru] [-o FILE]
      kzprivacy evidence verify PACK

    A pack is one ZIP per site: the site's PDF report, a WARC with exactly the records its
    findings cite (byte for byte from the crawl), browser-mode screenshots, and a manifest with
    the crawl's metadata and the sha256 of every file. `verify` recomputes every hash and every
    WARC record digest and says whether the pack is intact.
    """


@evidence.command(name="pack")
@click.argument("site")
@_out_option
@click.option("--crawl-id", help="Crawl the evidence comes from (default: the latest).")
@click.option("--lang", type=click.Choice(LANGS), default="ru", show_default=True, help="Language of the PDF report.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the pack here (default: OUT/<crawl_id>/evidence/<site>.zip).")
def evidence_pack(site: str, out: Path, crawl_id: str | None, lang: str, output: Path | None) -> None:
    """Write the evidence pack of SITE (as stored, e.g. мысал.қаз; its punycode form works too)."""
    from kzprivacy.analysis.report.evidence import build_pack
    from kzprivacy.analysis.report.pdf import PdfError

    workspace = _workspace(out)
    db, crawl_id = workspace.db, workspace.crawl_id(crawl_id)
    try:
        result = build_pack(db, crawl_id, site, out, lang=lang, output=output)
    except KeyError as exc:
        raise click.UsageError(str(exc.args[0])) from None
    except PdfError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    for problem in result["missing"]:
        click.echo(f"warning: {problem}", err=True)
    click.echo(f"Evidence pack: {result['path']}")
    click.echo(f"  {result['records']} WARC records, {len(result['files'])} files; "
               f"fingerprint (sha256 of manifest.json): {result['fingerprint']}")


@evidence.command(name="verify")
@click.argument("pack", type=click.Path(exists=True, path_type=Path))
def evidence_verify(pack: Path) -> None:
    """Check PACK (the .zip, or its unpacked folder): every file's sha256, every WARC record's digests.

    Exits 0 when the pack is intact, 1 when anything differs (each difference is listed).
    """
    from kzprivacy.analysis.report.evidence import verify_pack

    result = verify_pack(pack)
    if result.fingerprint:
        click.echo(f"Fingerprint (sha256 of manifest.json): {result.fingerprint}")
    if result.manifest:
        crawl = result.manifest.get("crawl") or {}
        click.echo(f"Site {result.manifest.get('site')}, crawl {crawl.get('crawl_id')} "
                   f"(started {crawl.get('started_at')}), pack made {result.manifest.get('created_at')}")
    if result.intact:
        click.echo(f"INTACT: {result.checked_files} files and {result.checked_records} WARC records (and the "
                   "pack's warcinfo record) match their hashes and digests.")
        return
    click.echo(f"ALTERED: {len(result.problems)} difference(s):")
    for problem in result.problems:
        click.echo(f"  - {problem}")
    sys.exit(1)


# --------------------------------------------------------------------------- Datasette

METADATA = Path(__file__).resolve().parents[2] / "docs" / "datasette-metadata.json"


def datasette_command(db: str | Path, host: str = "127.0.0.1", port: int = 8001, open_browser: bool = False,
                      metadata: Path = METADATA) -> list[str]:
    """The `datasette serve` command line for a crawl database with the project's metadata."""
    command = [sys.executable, "-m", "datasette", "serve", str(db), "--metadata", str(metadata),
               "--host", host, "--port", str(port), "--setting", "sql_time_limit_ms", "10000",
               "--setting", "facet_time_limit_ms", "1000"]
    return command + (["--open"] if open_browser else [])


@click.command(cls=Command)
@out_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: the network).")
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
@click.option("--open", "open_browser", is_flag=True, help="Open it in the web browser.")
def serve(out: Path, host: str, port: int, open_browser: bool) -> None:
    """Open the crawl database in Datasette, with the tables, columns and canned queries described.

    The same as `datasette OUT/kzprivacy.db -m docs/datasette-metadata.json`. Needs the datasette
    extra (pip install -e '.[datasette]'). Canned queries: sites without a policy, IIN collected and
    not declared, foreign trackers by country, third-party services, one site's findings.
    """
    import importlib.util
    import os

    db = Workspace(out).require_database()
    if importlib.util.find_spec("datasette") is None:
        click.echo("kzprivacy serve needs Datasette: python -m pip install -e '.[datasette]'", err=True)
        sys.exit(2)
    if not METADATA.exists():
        click.echo(f"the Datasette metadata is missing ({METADATA}); run from the project's checkout", err=True)
        sys.exit(2)
    command = datasette_command(db, host, port, open_browser)
    click.echo(f"Datasette on http://{host}:{port}/ (Ctrl-C stops it): {' '.join(command[2:])}", err=True)
    sys.stderr.flush()
    os.execv(command[0], command)  # Datasette takes over this process (signals, exit status)

"""What the commands share beyond their options: usage errors, the crawl plan, the closing summary."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

import click

from kzprivacy.app.plan import CrawlPlan, PlanError, parse_overrides
from kzprivacy.app.workspace import Workspace, WorkspaceError

__all__ = ["Command", "Commands", "plan_from", "say", "exit_interrupted", "print_summary"]


class Command(click.Command):
    """A command whose problems a user can put right (WorkspaceError, PlanError) are usage errors (status 2)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (WorkspaceError, PlanError) as exc:
            raise click.UsageError(str(exc), ctx) from None


class Commands(click.Group):
    """A group of such commands (`@group.command()` makes a Command)."""

    command_class = Command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (WorkspaceError, PlanError) as exc:
            raise click.UsageError(str(exc), ctx) from None


def plan_from(render: bool, consent: str, overrides: tuple[str, ...], **options: Any) -> CrawlPlan:
    """The crawl plan of a command's crawl options; exits with status 2 when the browser cannot run here."""
    plan = CrawlPlan.from_options(render=render, consent=consent, overrides=parse_overrides(overrides), **options)
    problem = plan.browser_problem()
    if problem:
        click.echo(problem, err=True)
        sys.exit(2)
    return plan


def say(message: str) -> None:
    click.echo(message, err=True)


def exit_interrupted() -> None:
    """Exit 130 at once after a signal: everything is written and flushed, and tearing down the interpreter
    (a crawl's worth of objects) would take seconds more than the 2 s a stop may take."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(130)


def print_summary(workspace: Workspace, crawl_id: str, outputs: dict[str, Any] | None = None) -> None:
    summary = workspace.summary(crawl_id)
    ok = summary["statuses"].get("ok", 0)
    failed = ", ".join(f"{n} {s}" for s, n in summary["statuses"].items() if s != "ok") or "none"
    click.echo(f"\nCrawl {crawl_id}: {summary['sites']} sites, {ok} ok, failed: {failed}.")
    click.echo(f"Policies found on {summary['with_policy']} sites; {summary['pages']} pages fetched; "
               f"{summary['cookies']} cookies, {summary['third_party_requests']} third-party resources, "
               f"{summary['forms']} forms recorded.")
    if summary["findings"]:
        verdicts = ", ".join(f"{n} {v}" for v, n in summary["findings_by_verdict"].items())
        click.echo(f"Findings: {summary['findings']} on {summary['sites_with_findings']} sites ({verdicts}).")
    click.echo(f"Database: {workspace.db_shown}")  # a PostgreSQL URL without its password
    click.echo(f"Evidence (WARC) and log: {workspace.crawl_dir(crawl_id)}/")
    if outputs:
        if outputs.get("data"):
            click.echo(f"Tables (CSV, Parquet, XLSX): {outputs['data']}/")
        if outputs.get("report"):
            click.echo(f"Report: {outputs['report']}")
        if outputs.get("report_pdf"):
            click.echo(f"Report (PDF): {outputs['report_pdf']}")
        if outputs.get("evidence"):
            click.echo(f"Evidence pack ({outputs['evidence_site']}): {outputs['evidence']}")

"""What the commands share beyond their options: usage errors, the crawl plan, the closing summary."""

from __future__ import annotations

import sys
from typing import Any

import click

from kzprivacy.app.plan import CrawlPlan, PlanError, parse_overrides
from kzprivacy.app.workspace import Workspace, WorkspaceError
from kzprivacy.vocabulary.messages import message

# The commands' own lines are English, like Scrapy's log and a cron mail; the reports have --lang.
CLI_LANG = "en"

__all__ = ["Command", "Commands", "plan_from", "say", "words", "print_summary", "CLI_LANG"]


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


def words(key: str, **values: Any) -> str:
    """A command-line message from the catalogue, in CLI_LANG (the commands speak English, as logs and cron mail do)."""
    return message(CLI_LANG, key, **values)


def print_summary(workspace: Workspace, crawl_id: str, outputs: dict[str, Any] | None = None) -> None:
    """What a scan did, for the terminal: counts, then where the database, evidence and outputs are."""
    summary = workspace.summary(crawl_id)
    ok = summary["statuses"].get("ok", 0)
    failed = ", ".join(f"{n} {s}" for s, n in summary["statuses"].items() if s != "ok") or words("none_failed")
    click.echo("\n" + words("summary_crawl", crawl_id=crawl_id, sites=summary["sites"], ok=ok, failed=failed))
    click.echo(words("summary_collected", with_policy=summary["with_policy"], pages=summary["pages"],
                   cookies=summary["cookies"], third_party_requests=summary["third_party_requests"],
                   forms=summary["forms"]))
    if summary["findings"]:
        verdicts = ", ".join(f"{n} {v}" for v, n in summary["findings_by_verdict"].items())
        click.echo(words("summary_findings", findings=summary["findings"],
                       sites_with_findings=summary["sites_with_findings"], verdicts=verdicts))
    click.echo(words("summary_database", db=workspace.db_shown))  # a PostgreSQL URL without its password
    click.echo(words("summary_evidence", path=workspace.crawl_dir(crawl_id)))
    if outputs:
        if outputs.get("data"):
            click.echo(words("summary_tables", path=outputs["data"]))
        if outputs.get("report"):
            click.echo(words("summary_report", path=outputs["report"]))
        if outputs.get("report_pdf"):
            click.echo(words("summary_report_pdf", path=outputs["report_pdf"]))
        if outputs.get("evidence"):
            click.echo(words("summary_evidence_pack", site=outputs["evidence_site"], path=outputs["evidence"]))

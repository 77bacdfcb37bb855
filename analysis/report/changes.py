"""What changed between two crawls, rendered once for every reader.

The diff is computed in the analysis (kzprivacy/analysis/diff.py, `CrawlDiff`); this module is the
one place it is worded and laid out. `changes()` turns a CrawlDiff into `Changes` (sections in one
order, each with its title from the message catalogue, its count and its items, findings most
severe first, optionally at most `max_items` shown), and each format renders that model:

- `to_text`     `kzprivacy diff --format text` (terminals, mail bodies);
- `to_markdown` `kzprivacy diff --format markdown` and the weekly digest.md;
- `to_html`     `kzprivacy diff --format html` and the weekly digest.html (a page), and, through the
                same template (templates/diff_section.html), the report's comparison section;
- `to_json`     `kzprivacy diff --format json` (the diff's data, for programs).

Escaping: every value that came from a website (site names, URLs, service names, observed text,
policy lines) is escaped for the format: Jinja2's autoescaping in HTML, `md_escape` (HTML characters
as entities, Markdown punctuation backslashed, policy diffs in a fence longer than any backtick run)
in Markdown. Plain text is written verbatim: it is shown, never interpreted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from markupsafe import Markup, escape

from kzprivacy.analysis.diff import CrawlDiff, inline_changes
from kzprivacy.analysis.report.i18n import Lang
from kzprivacy.analysis.report.templating import make_environment
from kzprivacy.analysis.tables import records
from kzprivacy.vocabulary.taxonomy import SEVERITIES

__all__ = ["SECTIONS", "Section", "Changes", "changes", "to_text", "to_markdown", "to_html", "to_json",
           "md_escape"]

# The order every rendering shows: what a policy says first, then who receives the data, what that
# means, and last the crawl's own bookkeeping (statuses, the site list).
SECTIONS: tuple[str, ...] = ("policies_changed", "policies_appeared", "policies_disappeared", "services_added",
                             "services_removed", "findings_new", "findings_resolved", "status_changes",
                             "sites_added", "sites_removed")
_FINDINGS = ("findings_new", "findings_resolved")
_SEVERITY_RANK = {code: i for i, code in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Section:
    """One kind of change: its catalogue title, how many there are, and the items shown (dicts of the diff's rows)."""

    name: str
    title: str
    count: int
    items: tuple[dict[str, Any], ...]
    more: int  # items not shown (max_items); the report has them all

    def __bool__(self) -> bool:
        return self.count > 0


@dataclass(frozen=True)
class Changes:
    """A CrawlDiff as its readers see it, in one language; every format renders this."""

    lang: str
    from_crawl: str
    to_crawl: str
    compared_sites: int
    sections: tuple[Section, ...]

    @property
    def changed(self) -> bool:
        return any(self.sections)

    def shown(self) -> list[Section]:
        """The sections with at least one change, in SECTIONS order."""
        return [s for s in self.sections if s]

    def __getitem__(self, name: str) -> Section:
        return next(s for s in self.sections if s.name == name)


def _finding_order(r: Mapping[str, Any]) -> tuple[Any, ...]:
    return (_SEVERITY_RANK.get(str(r.get("severity")), len(_SEVERITY_RANK)), r.get("site") or "", r.get("rule") or "",
            r.get("category") or "", r.get("observed") or "")


def changes(diff: CrawlDiff, lang: str = "en", max_items: int | None = None) -> Changes:
    """The diff's sections in SECTIONS order, titled in `lang`, with at most `max_items` items each (None: all)."""
    t = Lang(lang)
    sections = []
    for name in SECTIONS:
        value = getattr(diff, name)
        rows = [{"site": s} for s in value] if isinstance(value, list) else records(value)
        if name in _FINDINGS:
            rows.sort(key=_finding_order)
        shown = rows if max_items is None else rows[:max_items]
        if name == "policies_changed":  # the HTML's escaped, word-marked lines, for the ones shown
            shown = [{**r, "lines": marked_diff(r.get("diff") or [])} for r in shown]
        sections.append(Section(name, t(name), len(rows), tuple(shown), len(rows) - len(shown)))
    return Changes(lang, diff.from_crawl, diff.to_crawl, diff.compared_sites, tuple(sections))


# --------------------------------------------------------------------------- one change as a line


def _service(r: Mapping[str, Any]) -> str:
    who = ", ".join(x for x in (r.get("company"), r.get("country")) if x)
    return f"{r.get('name') or r.get('key')}" + (f" ({who})" if who else "")


def item_line(t: Lang, name: str, r: Mapping[str, Any], esc: Callable[[Any], str] = str) -> str:
    """One change as a line of text or Markdown, worded by the catalogue; `esc` escapes each value for the format."""
    site = esc(r.get("site") or "")
    if name == "status_changes":
        return t("change_status", site=site, from_status=esc(r.get("from_status")), to_status=esc(r.get("to_status")))
    if name == "policies_changed":
        line = t("change_policy", site=site, added=r.get("added"), removed=r.get("removed"), url=esc(r.get("to_url")))
        return line + (t("change_policy_moved", from_url=esc(r.get("from_url"))) if r.get("moved") else "")
    if name in ("policies_appeared", "policies_disappeared"):
        return t("change_url", site=site, url=esc(r.get("url")))
    if name in ("services_added", "services_removed"):
        return t("change_service", site=site, service=esc(_service(r)))
    if name in _FINDINGS:
        line = t("change_finding", site=site, severity=esc(r.get("severity")), verdict=esc(r.get("verdict")),
                 category=esc(r.get("category") or "—"), rule=esc(r.get("rule")))
        return line + (": " + esc(r["observed"]) if r.get("observed") else "")
    return site


# --------------------------------------------------------------------------- text


def _heading(ch: Changes, heading: str | None, intro: Sequence[str] | None) -> tuple[str, list[str]]:
    """The diff's own heading and scope sentence, unless the caller (the digest) words its own."""
    t = Lang(ch.lang)
    return (heading if heading is not None else t("changes_title", from_crawl=ch.from_crawl, to_crawl=ch.to_crawl),
            list(intro) if intro is not None else [t("changes_compared", n=ch.compared_sites)])


def to_text(ch: Changes, *, heading: str | None = None, intro: Sequence[str] | None = None,
            diffs: bool = True) -> str:
    """Plain text: a heading, then each section's title and count and its changes, policy diffs indented."""
    t = Lang(ch.lang)
    heading, intro = _heading(ch, heading, intro)
    head = [heading, *intro, ""]
    if not ch.changed:
        return "\n".join([*head, t("no_changes")]) + "\n"
    body: list[str] = []
    for s in ch.shown():
        body.append(f"{s.title} ({s.count}):")
        for r in s.items:
            body.append("  " + item_line(t, s.name, r))
            if diffs and s.name == "policies_changed":
                body.extend("    " + line for line in r.get("diff") or [])
        if s.more:
            body.append("  " + t("more_in_report", n=s.more))
        body.append("")
    return "\n".join(head + body)


# --------------------------------------------------------------------------- Markdown

# Inline Markdown that could turn site text into links, images, emphasis, headings or table cells.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~#])")


def md_escape(value: Any) -> str:
    """Site text as inert Markdown: HTML characters as entities, Markdown punctuation escaped, one line."""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\r", " ").replace("\n", " ")


def _md_code(lines: list[str]) -> list[str]:
    # A fence longer than any backtick run inside, so a policy cannot close it.
    longest = max((len(m) for x in lines for m in re.findall(r"`+", x)), default=0)
    fence = "`" * max(3, longest + 1)
    return ["", fence + "diff", *lines, fence, ""]


def _md_href(href: str) -> str:
    return href.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def to_markdown(ch: Changes | None, *, heading: str | None = None, intro: Sequence[str] | None = None,
                counts: bool = False, link: tuple[str, str] | None = None, diffs: bool = True,
                lang: str = "en") -> str:
    """Markdown: `heading` and `intro` (plain text, escaped here), a count table when `counts`, the sections.

    Without `heading`/`intro`: the diff's own ("Changes from crawl A to crawl B" and its scope).
    `ch` None: nothing to compare with (the first crawl); only the heading, intro and link are written.
    `link`: (label, relative href) of the full report, written last.
    """
    t = Lang(ch.lang if ch is not None else lang)
    if ch is not None:
        heading, intro = _heading(ch, heading, intro)
    heading, intro = heading or "", intro or []
    out = [f"# {md_escape(heading)}", ""]
    for paragraph in intro:
        out += [md_escape(paragraph), ""]
    if ch is not None:
        if counts:
            out += [f"| {t('change')} | {t('change_count')} |", "|---|---:|"]
            out += [f"| {md_escape(s.title)} | {s.count} |" for s in ch.sections]
            out.append("")
        for s in ch.shown():
            out += [f"## {md_escape(s.title)} ({s.count})", ""]
            for r in s.items:
                out.append("- " + item_line(t, s.name, r, md_escape))
                if diffs and s.name == "policies_changed" and r.get("diff"):
                    out += _md_code(list(r["diff"]))
            if s.more:
                out.append("- " + md_escape(t("more_in_report", n=s.more)))
            out.append("")
        if not ch.changed:
            out += [t("no_changes"), ""]
    if link:
        label, href = link
        out += [f"{md_escape(label)}: [{md_escape(href)}]({_md_href(href)})", ""]
    return "\n".join(out)


# --------------------------------------------------------------------------- HTML


def marked_diff(lines: Iterable[str]) -> list[dict[str, Any]]:
    """Unified-diff lines as {kind, html} (escaped); a removed line followed by an added one shows word changes."""
    lines = list(lines)
    out: list[dict[str, Any]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("-") and i + 1 < len(lines) and lines[i + 1].startswith("+"):
            ops = inline_changes(line[1:], lines[i + 1][1:])
            out.append({"kind": "del", "html": Markup("−") + Markup("").join(
                Markup("<del>{}</del>").format(t) if op == "delete" else escape(t)
                for op, t in ops if op != "insert")})
            out.append({"kind": "add", "html": Markup("+") + Markup("").join(
                Markup("<ins>{}</ins>").format(t) if op == "insert" else escape(t)
                for op, t in ops if op != "delete")})
            i += 2
            continue
        kind = "hunk" if line.startswith("@@") else "add" if line.startswith("+") else \
            "del" if line.startswith("-") else "ctx"
        out.append({"kind": kind, "html": escape(line)})
        i += 1
    return out


def to_html(ch: Changes | None, *, heading: str | None = None, intro: Sequence[str] = (),
            link: tuple[str, str] | None = None, crawl: Mapping[str, Any] | None = None, lang: str = "en") -> str:
    """A standalone, offline HTML page: `heading` and `intro` if given, the comparison section, `link`.

    The section is templates/diff_section.html, the very one the report's summary page includes
    (it carries its own heading and scope, so the diff page passes no `heading`).
    """
    import kzprivacy

    lang = ch.lang if ch is not None else lang
    page = make_environment(lang).get_template("changes_page.html")
    now = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    crawl = {"crawl_id": ch.to_crawl if ch is not None else "", "started_at": None, **(crawl or {})}
    return page.render(changes=ch, heading=heading, intro=list(intro), link=link, crawl=crawl, site_files={},
                       generated_at=now, tool_version=kzprivacy.__version__)


# --------------------------------------------------------------------------- JSON


def to_json(diff: CrawlDiff) -> str:
    """The diff as data (every row, no wording): CrawlDiff.to_dict as indented JSON."""
    return json.dumps(diff.to_dict(), ensure_ascii=False, indent=2, default=str) + "\n"

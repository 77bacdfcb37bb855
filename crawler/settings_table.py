"""Every kzprivacy setting in one table: name, default, type and what it does.

The table drives everything else, in the manner of Datasette's ``SETTINGS`` and Scrapy's
``default_settings.py``: ``crawler/settings.py`` sets each name to its default from here, so a reader
asks ``settings.getint("KZPRIVACY_MAX_PAGES")`` with no default of its own; the command-line options
that set one of these take their defaults from here; ``-s NAME=VALUE`` is checked and converted here
(`check_overrides`); and ``kzprivacy settings`` and docs/settings.md print it (a test keeps the page
in step with the table).

``ENVIRONMENT`` lists the environment variables kzprivacy reads: they are not Scrapy settings (``-s``
refuses them), but they share the ``KZPRIVACY_`` prefix, so they are declared beside the settings.
"""

from __future__ import annotations

import difflib
import importlib
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from kzprivacy.extract.limits import DEFAULT_CAPS

__all__ = ["Setting", "SETTINGS", "ENVIRONMENT", "SettingError", "setting", "default", "check_overrides",
           "scrapy_changes", "render_text", "render_markdown", "update_docs", "CheckSettings"]

# What Setting.convert knows how to read; a row's type is one of these.
TYPES = ("int", "float", "bool", "str", "url", "list", "choice")


class SettingError(ValueError):
    """A -s NAME=VALUE that names no setting, or gives a value the setting cannot take."""


@dataclass(frozen=True)
class Setting:
    """One row of the table. `minimum`/`maximum` bound numbers; `choices` lists a choice's values."""

    name: str
    default: Any
    type: str
    help: str
    section: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()

    def convert(self, value: str) -> Any:
        """`value` as given after -s NAME=, converted to this setting's type; SettingError when it cannot be."""
        text = value.strip()
        if self.type == "bool":
            # Scrapy's getbool takes 1/0/True/False; yes/no/on/off are what people type too.
            lowered = text.lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise SettingError(f"{self.name} is true or false, not {value!r}")
        if self.type in ("int", "float"):
            try:
                number: int | float = int(text) if self.type == "int" else float(text)
            except ValueError:
                kind = "a whole number" if self.type == "int" else "a number"
                raise SettingError(f"{self.name} is {kind}, not {value!r}") from None
            if (self.minimum is not None and number < self.minimum) or \
                    (self.maximum is not None and number > self.maximum):
                raise SettingError(f"{self.name} must be {self.bounds()}, not {value!r}")
            return number
        if self.type == "choice":
            if text not in self.choices:
                raise SettingError(f"{self.name} is one of {', '.join(self.choices)}, not {value!r}")
            return text
        if self.type == "list":
            return [part.strip() for part in text.split(",") if part.strip()]
        if self.type == "url":
            if text:  # an empty value turns the setting off, as its None default does
                parts = urlsplit(text)
                if parts.scheme not in ("http", "https") or not parts.hostname:
                    raise SettingError(f"{self.name} is an http:// or https:// URL, not {value!r}")
            return text or None
        if not value and self.default is None:
            return None  # -s KZPRIVACY_WARC_DIR= turns an optional setting off again
        return value

    def bounds(self) -> str:
        """The allowed range in words, or '' when the setting has none."""
        if self.minimum is not None and self.maximum is not None:
            return f"from {self.minimum:g} to {self.maximum:g}"
        if self.minimum is not None:
            return f"at least {self.minimum:g}"
        if self.maximum is not None:
            return f"at most {self.maximum:g}"
        return ""

    def shown_default(self) -> str:
        """The default as one would write it after -s NAME= (a list comma-separated, None as 'unset')."""
        if self.default is None:
            return "unset"
        if isinstance(self.default, (list, tuple)):
            return ",".join(self.default) or "(empty)"
        return str(self.default)

    def kind(self) -> str:
        """The type in words: 'int, at least 1', 'one of: http, browser'."""
        if self.type == "choice":
            return f"one of: {', '.join(self.choices)}"
        bounds = self.bounds()
        return f"{self.type}, {bounds}" if bounds else self.type

    def as_dict(self) -> dict[str, Any]:
        """The row as JSON-ready data (`kzprivacy settings --json`)."""
        default = list(self.default) if isinstance(self.default, tuple) else self.default
        return {"name": self.name, "default": default, "type": self.type, "help": self.help,
                "section": self.section, "minimum": self.minimum, "maximum": self.maximum,
                "choices": list(self.choices) or None}


CRAWL = "The crawl"
CAPS = "Caps on what one page may cost"
POOL = "The parse pool and stopping"
BROWSER = "Browser mode"
WORKER = "Distributed workers"

SETTINGS: tuple[Setting, ...] = (
    # -- the crawl -----------------------------------------------------------------------------------
    Setting("KZPRIVACY_DB", "output/kzprivacy.db", "str", "SQLite file (or postgresql:// URL) the pipeline "
            "writes; `kzprivacy scan` sets it to OUT/kzprivacy.db or --db.", CRAWL),
    Setting("KZPRIVACY_CRAWL_ID", None, "str", "Name of the crawl; unset: a UTC timestamp chosen by the spider "
            "(`kzprivacy scan --crawl-id`).", CRAWL),
    Setting("KZPRIVACY_MODE", "http", "choice", "http: fetch pages as they are served; browser: render them in "
            "Chromium (`--render`, docs/browser-mode.md).", CRAWL, choices=("http", "browser")),
    Setting("KZPRIVACY_MAX_PAGES", 20, "int", "Pages per site, home page included (`--max-pages`).", CRAWL,
            minimum=1, maximum=500),
    Setting("KZPRIVACY_SITES_AT_ONCE", 384, "int", "Sites crawled at once in HTTP mode: a new site starts only "
            "when one finishes, so the scheduler, robots.txt parsers and cookie jars hold this many sites, not "
            "the whole list.", CRAWL, minimum=1),
    Setting("KZPRIVACY_SITE_TIMEOUT", None, "float", "Seconds one site's crawl may take, from its first request "
            "(robots.txt) to its last page read; past it the requests still waiting are dropped, those in flight "
            "cut, and the site recorded as site_timeout with every page fetched before. Unset: three times "
            "DOWNLOAD_TIMEOUT (60 s at the default 20), one timeout more than a site that never answers can "
            "cost (https, then plain http's robots.txt), and none in browser mode; 0: no budget "
            "(crawler.middlewares.SiteBudget).", CRAWL,
            minimum=0),
    Setting("KZPRIVACY_PROXY", None, "url", "http://host:port: route every request through this proxy, https "
            "via CONNECT (`--proxy`).", CRAWL),
    Setting("KZPRIVACY_BLOCK_PRIVATE_ADDRESSES", True, "bool", "Refuse requests to private, loopback and "
            "link-local addresses, however spelled or resolved (crawler/netguard.py).", CRAWL),
    Setting("KZPRIVACY_ALLOW_PRIVATE_HOSTS", (), "list", "Host names exempt from the private-address guard, "
            "comma-separated (a test server on the LAN).", CRAWL),
    Setting("KZPRIVACY_WARC_DIR", None, "str", "Folder for the WARC evidence; unset: no WARC is written "
            "(`kzprivacy scan` sets `OUT/<crawl_id>/warc`).", CRAWL),
    Setting("KZPRIVACY_WARC_MAX_BYTES", 1 << 30, "int", "A new WARC file is started past this size.", CRAWL,
            minimum=1),
    Setting("KZPRIVACY_RECORD_COOKIES", True, "bool", "Record every Set-Cookie header of a response chain, "
            "redirects included (off: only the cookies the jar ends up with are seen).", CRAWL),
    Setting("KZPRIVACY_FAIL_FAST_ORIGINS", 50000, "int", "Origins remembered as never answering, so retries "
            "to them fail at once (crawler.middlewares.FailFast); 0 turns it off.", CRAWL, minimum=0),
    # -- caps: the defaults are kzprivacy.extract.limits.Caps', so extraction run without Scrapy agrees ------
    Setting("KZPRIVACY_MAX_LINKS", DEFAULT_CAPS.links, "int", "Links kept per page (footer, cookie-banner "
            "and hreflang links first); a cut is noted in pages.warnings.", CAPS, minimum=1),
    Setting("KZPRIVACY_MAX_RESOURCES", DEFAULT_CAPS.resources, "int", "Third-party scripts, pixels, iframes... "
            "kept per page.", CAPS, minimum=1),
    Setting("KZPRIVACY_MAX_FORMS", DEFAULT_CAPS.forms, "int", "Forms read per page.", CAPS, minimum=1),
    Setting("KZPRIVACY_MAX_FIELDS", DEFAULT_CAPS.fields, "int", "Fields read per form.", CAPS, minimum=1),
    Setting("KZPRIVACY_MAX_TEXT_CHARS", DEFAULT_CAPS.text_chars, "int", "Characters of a policy's text (a long "
            "real policy is about 60,000).", CAPS, minimum=1),
    Setting("KZPRIVACY_MAX_DOM_DEPTH", DEFAULT_CAPS.dom_depth, "int", "Element nesting the text walkers "
            "descend (the HTML parser itself stops at 2048).", CAPS, minimum=1),
    Setting("KZPRIVACY_MAX_PDF_PAGES", DEFAULT_CAPS.pdf_pages, "int", "PDF pages converted to text.", CAPS,
            minimum=1),
    Setting("KZPRIVACY_MAX_DOCX_PARTS", DEFAULT_CAPS.docx_parts, "int", "Files inside a DOCX: more is a ZIP "
            "bomb, and the policy's status is too_large.", CAPS, minimum=1),
    Setting("KZPRIVACY_MAX_INFLATED_BYTES", DEFAULT_CAPS.inflated_bytes, "int", "Bytes a DOCX's parts or a PDF's "
            "streams may inflate to; more is too_large.", CAPS, minimum=1),
    Setting("KZPRIVACY_MAX_COOKIES", 300, "int", "Set-Cookie headers read per response (browsers keep about "
            "180 cookies per site); the rest are cut before the cookie jar and noted in pages.warnings, the WARC "
            "record keeps them all (crawler.middlewares.SetCookieRecorder). 0: no cap.", CAPS, minimum=0),
    # -- the parse pool (crawler/parsepool.py) and stopping (crawler/shutdown.py) ---------------------------
    Setting("KZPRIVACY_PARSE_WORKERS", 2, "int", "Worker processes that read pages, so no page can stall the "
            "crawl; 0 reads pages in the crawling process, with no time or memory budget.", POOL, minimum=0),
    Setting("KZPRIVACY_PARSE_TIMEOUT", 20.0, "float", "Seconds one page may take to read (links, forms, document "
            "to text); past it the worker is replaced and the page recorded as parse_timeout.", POOL,
            minimum=0.1),
    Setting("KZPRIVACY_PARSE_MEMORY_MB", 2048, "int", "Address space a parse worker may use; past it the page "
            "is recorded as too_large.", POOL, minimum=64),
    Setting("KZPRIVACY_SHUTDOWN_GRACE", 1.5, "float", "Seconds a Ctrl-C or SIGTERM stop may take before the "
            "requests in flight are dropped.", POOL, minimum=0),
    Setting("KZPRIVACY_SHUTDOWN_DEADLINE", 1.8, "float", "Seconds after a Ctrl-C or SIGTERM at which the "
            "process exits whatever it is doing, keeping what it wrote (crawler/shutdown.py); at least the "
            "grace plus 0.3 s.", POOL, minimum=0.1),
    # -- browser mode (crawler/browser/, docs/browser-mode.md) --------------------------------------------
    Setting("KZPRIVACY_CHROMIUM", "/usr/bin/chromium", "str", "The Chromium to launch (Playwright's own "
            "download is not used); also the one that prints PDF reports.", BROWSER),
    Setting("KZPRIVACY_CONSENT", "none", "choice", "none: never touch a page; accept: also click the cookie "
            "banner's accept button and record again (`--consent`).", BROWSER, choices=("none", "accept")),
    Setting("KZPRIVACY_BROWSER_SITES", 4, "int", "Sites rendered at once, one browser context each.", BROWSER,
            minimum=1),
    Setting("KZPRIVACY_BROWSER_LOAD_WAIT", 10.0, "float", "Seconds to wait for the load event (never more than "
            "DOWNLOAD_TIMEOUT); past it the page is recorded as of DOMContentLoaded.", BROWSER, minimum=0),
    Setting("KZPRIVACY_BROWSER_SETTLE", 3.0, "float", "Seconds at most to wait for a page's network to go "
            "quiet.", BROWSER, minimum=0),
    Setting("KZPRIVACY_SCREENSHOT_DIR", None, "str", "Folder for home-page screenshots; unset: none are taken "
            "(`kzprivacy scan --render` sets `OUT/<crawl_id>/screenshots`).", BROWSER),
    Setting("KZPRIVACY_FORM_PROBE", True, "bool", "Fill each form asking for personal data with synthetic "
            "values and submit it with every request aborted inside the browser, to record where its data "
            "would go (crawler/formprobe.py).", BROWSER),
    Setting("KZPRIVACY_FORM_PROBE_MAX", 5, "int", "Forms probed per page at most (each distinct form once per "
            "site).", BROWSER, minimum=0),
    Setting("KZPRIVACY_FORM_PROBE_WAIT", 3.0, "float", "Seconds at most to wait for a submitted form's "
            "requests.", BROWSER, minimum=0),
    # -- distributed workers (crawler/worker.py, `kzprivacy worker`) ----------------------------------------
    Setting("KZPRIVACY_WORKER_ID", None, "str", "The worker's name, put in its WARC file names so workers "
            "sharing a folder never collide (`kzprivacy worker` sets it).", WORKER),
    Setting("KZPRIVACY_BATCH_PAGES", 50, "int", "Pages and finished sites are written to the database in "
            "batches of this many, one transaction each (crawler/pipelines.py StoreWriter).", CRAWL, minimum=1),
    Setting("KZPRIVACY_BATCH_SECONDS", 1.0, "float", "...or when the oldest unwritten one is this many seconds "
            "old.", CRAWL, minimum=0),
    Setting("KZPRIVACY_BATCH_MAX", 2000, "int", "Pages and sites held unwritten (while the database does not "
            "answer) before the crawl is made to wait.", CRAWL, minimum=1),
)

# Environment variables: read by click options (`envvar=`) and by code, never set with -s.
ENVIRONMENT: tuple[tuple[str, str], ...] = (
    ("KZPRIVACY_DB_URL", "Database for the commands that take --db (postgresql://... or a SQLite file)."),
    ("KZPRIVACY_REDIS_URL", "Redis queue of a distributed crawl (`kzprivacy enqueue`, `worker`, `status`)."),
    ("KZPRIVACY_PROXY", "Default for --proxy of the commands that crawl (`scan`, `demo`, `weekly`, `worker`)."),
    ("KZPRIVACY_CHROMIUM", "The Chromium that prints PDF reports (default: the KZPRIVACY_CHROMIUM setting's)."),
    ("KZPRIVACY_REALWORLD", "Developers: folder of real-world material for bench/realworld*.py."),
    ("KZPRIVACY_MIRRORS", "Developers: folder of mirrored repositories for bench/realworld_pages.py."),
    ("KZPRIVACY_SEEDS", "Developers: folder of seed lists for tests/test_seeds.py."),
    ("KZPRIVACY_ARTIFACTS", "Developers: folder where tests keep their screenshots."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def setting(name: str) -> Setting:
    """The row for `name`; KeyError for a name the table lacks."""
    return _BY_NAME[name]


def default(name: str) -> Any:
    """The default of setting `name` (for command-line option defaults and code running without Scrapy)."""
    return _BY_NAME[name].default


def _scrapy_defaults() -> dict[str, Any]:
    from scrapy.settings import default_settings

    return {n: getattr(default_settings, n) for n in dir(default_settings) if n.isupper()}


def _project_settings() -> dict[str, Any]:
    module = importlib.import_module("kzprivacy.crawler.settings")
    return {n: getattr(module, n) for n in dir(module) if n.isupper()}


def _check_scrapy(name: str, value: str, scrapy_default: Any) -> None:
    """Raise SettingError when Scrapy's own getter for this kind of setting would refuse `value`."""
    from scrapy.settings import BaseSettings

    probe = BaseSettings({name: value})
    try:
        if isinstance(scrapy_default, bool):
            probe.getbool(name)
        elif isinstance(scrapy_default, (int, float)):
            probe.getfloat(name)
        elif isinstance(scrapy_default, dict):
            probe.getdict(name)
    except (TypeError, ValueError):
        kind = ("true or false" if isinstance(scrapy_default, bool) else "a number"
                if isinstance(scrapy_default, (int, float)) else "a JSON object")
        raise SettingError(f"{name} is {kind}, not {value!r}") from None


def check_overrides(values: Mapping[str, str]) -> dict[str, Any]:
    """-s NAME=VALUE pairs checked and converted: kzprivacy's names by their row in the table, Scrapy's by
    its default_settings (and the getter Scrapy would use); an unknown name is a SettingError that
    suggests the nearest known one. kzprivacy's values come back converted, Scrapy's as given."""
    scrapy = _scrapy_defaults()
    project = _project_settings()
    checked: dict[str, Any] = {}
    for name, value in values.items():
        if name in _BY_NAME:
            checked[name] = _BY_NAME[name].convert(value)
        elif name in scrapy or name in project or name.startswith("PLAYWRIGHT_"):
            # PLAYWRIGHT_*: scrapy-playwright's settings, which the browser add-on passes on (browser mode).
            _check_scrapy(name, value, scrapy.get(name, project.get(name)))
            checked[name] = value
        else:
            raise SettingError(_unknown(name, [*_BY_NAME, *scrapy, *project]))
    return checked


class CheckSettings:
    """Scrapy extension (EXTENSIONS in crawler/settings.py): a crawl started any way at all, `scrapy crawl
    site -s ...` included, refuses to start with a KZPRIVACY_* name the table lacks or a text value its
    setting cannot take, instead of running with the default it meant to change."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> CheckSettings:
        problems = []
        for name in crawler.settings:
            if not name.startswith("KZPRIVACY_"):
                continue
            row = _BY_NAME.get(name)
            value = crawler.settings.get(name)
            try:
                if row is None:
                    raise SettingError(_unknown(name, _BY_NAME))
                if isinstance(value, str) and row.type not in ("str", "list"):
                    row.convert(value)  # -s on Scrapy's own command line gives text
            except SettingError as error:
                problems.append(str(error))
        if problems:
            raise SettingError("; ".join(problems))
        return cls()


def _unknown(name: str, known: Iterable[str]) -> str:
    what = "kzprivacy setting" if name.upper().startswith("KZPRIVACY_") else "setting"
    close = difflib.get_close_matches(name.upper(), sorted(set(known)), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown {what} {name!r}{hint}; `kzprivacy settings` lists kzprivacy's, Scrapy's are in its docs"


def scrapy_changes() -> list[tuple[str, Any, Any]]:
    """(name, kzprivacy's value, Scrapy's default) of each Scrapy setting crawler/settings.py changes."""
    scrapy = _scrapy_defaults()
    return [(name, value, scrapy.get(name)) for name, value in sorted(_project_settings().items())
            if not name.startswith("KZPRIVACY_") and value != scrapy.get(name)]


def _sections() -> dict[str, list[Setting]]:
    sections: dict[str, list[Setting]] = {}
    for row in SETTINGS:
        sections.setdefault(row.section, []).append(row)
    return sections


def render_text() -> str:
    """The table as `kzprivacy settings` prints it: name = default (type), then the help, by section."""
    lines: list[str] = []
    for section, rows in _sections().items():
        lines += [f"{section}:", ""]
        for row in rows:
            lines.append(f"  {row.name} = {row.shown_default()}  ({row.kind()})")
            lines += textwrap.wrap(row.help, 100, initial_indent=" " * 6, subsequent_indent=" " * 6)
        lines.append("")
    lines += ["Scrapy settings kzprivacy changes (name = kzprivacy's value; Scrapy's default):", ""]
    lines += [f"  {name} = {_short(ours)}  (Scrapy: {_short(theirs)})" for name, ours, theirs in scrapy_changes()]
    lines += ["", "Environment variables:", ""]
    for name, text in ENVIRONMENT:
        lines += [f"  {name}", *textwrap.wrap(text, 100, initial_indent=" " * 6, subsequent_indent=" " * 6)]
    return "\n".join(lines) + "\n"


def _short(value: Any) -> str:
    """A value on one line; versions shown as <version>, so the docs do not change with every release."""
    import scrapy

    import kzprivacy

    text = repr(value) if isinstance(value, str) else str(value)
    for version in (kzprivacy.__version__, scrapy.__version__):
        text = text.replace(version, "<version>")
    return text if len(text) <= 120 else "(long: see crawler/settings.py)"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown() -> str:
    """The generated part of docs/settings.md (tests/test_settings_table.py keeps the page equal to it)."""
    lines: list[str] = []
    for section, rows in _sections().items():
        lines += [f"### {section}", "", "| Setting | Default | Type | What it does |", "|---|---|---|---|"]
        lines += [f"| `{row.name}` | `{_cell(row.shown_default())}` | {_cell(row.kind())} | {_cell(row.help)} |"
                  for row in rows]
        lines.append("")
    lines += ["### Scrapy settings kzprivacy changes", "",
              "Each is explained by its comment in `crawler/settings.py`.", "",
              "| Setting | kzprivacy | Scrapy's default |", "|---|---|---|"]
    lines += [f"| `{name}` | `{_cell(_short(ours))}` | `{_cell(_short(theirs))}` |"
              for name, ours, theirs in scrapy_changes()]
    lines += ["", "### Environment variables", "", "| Variable | What it is for |", "|---|---|"]
    lines += [f"| `{name}` | {_cell(text)} |" for name, text in ENVIRONMENT]
    return "\n".join(lines) + "\n"


BEGIN = "<!-- generated from crawler/settings_table.py: python -m kzprivacy.crawler.settings_table docs/settings.md -->"
END = "<!-- end of the generated part -->"


def update_docs(text: str) -> str:
    """`text` (docs/settings.md) with the part between BEGIN and END replaced by render_markdown()."""
    head, begin, rest = text.partition(BEGIN)
    _, end, tail = rest.partition(END)
    if not begin or not end:
        raise ValueError(f"the page lacks the markers {BEGIN!r} ... {END!r}")
    return f"{head}{BEGIN}\n\n{render_markdown()}\n{END}{tail}"


if __name__ == "__main__":
    import sys
    from pathlib import Path

    if len(sys.argv) > 1:  # rewrite the page's generated part in place
        page = Path(sys.argv[1])
        page.write_text(update_docs(page.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        sys.stdout.write(render_markdown())

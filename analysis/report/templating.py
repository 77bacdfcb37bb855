"""The Jinja2 environment every HTML page of kzprivacy is rendered with (reports, the diff page, the digest).

Autoescaping is on and undefined names are errors: whatever came from a crawled site is escaped
text, and only http(s) URLs become links (`web_url`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from kzprivacy.analysis.report.i18n import Lang

HERE = Path(__file__).resolve().parent

__all__ = ["HERE", "is_web_url", "display_url", "make_environment"]


def is_web_url(value: Any) -> bool:
    """Only http(s) URLs become links; javascript:, data: and the like stay text."""
    return isinstance(value, str) and re.match(r"(?i)^https?://[^\s]+$", value) is not None


def display_url(url: Any) -> str:
    """A URL as a reader expects it: an IDN host in Unicode (the link itself keeps the punycode)."""
    if not isinstance(url, str):
        return ""
    match = re.match(r"(?i)^(https?://)([^/?#]+)(.*)$", url)
    if not match or "xn--" not in match.group(2).lower():
        return url
    try:
        host = match.group(2).encode("ascii").decode("idna")
    except (UnicodeError, ValueError):
        return url
    return match.group(1) + host + match.group(3)


def when(value: Any) -> str:
    if not isinstance(value, str) or not value:
        return "—"
    return value.replace("T", " ").replace("Z", " UTC")


def make_environment(lang: str) -> Environment:
    """The templates of analysis/report/templates/ in `lang`, with the report's filters and CSS."""
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.tests["web_url"] = is_web_url
    env.filters["when"] = when
    env.filters["display_url"] = display_url
    env.globals.update(t=Lang(lang), lang=lang, css=Markup((HERE / "static" / "report.css").read_text("utf-8")))
    return env

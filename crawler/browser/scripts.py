"""The JavaScript browser mode runs inside pages, kept as .js files in js/ beside this module (shipped as
package data), so it reads, lints and diffs as JavaScript."""

from __future__ import annotations

from pathlib import Path

JS_DIR = Path(__file__).parent / "js"


def script(name: str) -> str:
    """The source of js/<name>.js."""
    return (JS_DIR / f"{name}.js").read_text(encoding="utf-8").strip()

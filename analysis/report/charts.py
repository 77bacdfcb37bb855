"""Charts as inline SVG (matplotlib), readable in Cyrillic and Kazakh.

Figures are made with the object API (matplotlib.figure.Figure), never pyplot: no GUI
backend is ever started and the process's backend is left alone (a notebook that imports
this keeps its own), so it runs headless like the Agg backend.

Text is drawn as paths (svg.fonttype "path"), so the SVG carries no font and no text
that a browser could interpret: labels that came from a site (a host name) are shapes.
Mathtext is off, so a "$" in a label is just a dollar sign.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

import matplotlib
import matplotlib.ticker
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType
from markupsafe import Markup

FONT = "DejaVu Sans"  # ships with matplotlib; has Cyrillic and the Kazakh letters
LABEL_MAX = 42
ACCENT = "#2f5d8a"

_STYLE: dict[RcKeyType, Any] = {
    "font.family": FONT,
    "font.size": 9,
    "svg.fonttype": "path",
    "text.parse_math": False,
    "axes.edgecolor": "#c9ced6",
    "axes.labelcolor": "#333",
    "xtick.color": "#555",
    "ytick.color": "#333",
}


def _short(label: str) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= LABEL_MAX else label[:LABEL_MAX - 1] + "…"


def bar_chart(labels: Sequence[str], values: Sequence[float], *, name: str, title: str = "",
              colors: Sequence[str] | None = None, unit: str = "") -> Markup:
    """A horizontal bar chart, largest first as given, as an inline <svg> element."""
    labels = [_short(x) for x in labels]
    height = 0.9 + 0.3 * max(len(labels), 1)
    with matplotlib.rc_context({**_STYLE, "svg.hashsalt": name}):
        fig = Figure(figsize=(7.2, height), dpi=72)
        ax = fig.add_subplot()
        positions = list(range(len(labels)))[::-1]
        bars = ax.barh(positions, values, color=list(colors) if colors else ACCENT, height=0.62)
        ax.set_yticks(positions, labels)
        ax.tick_params(axis="y", length=0)
        for spine in ("top", "right", "left"):
            ax.spines[spine].set_visible(False)
        ax.xaxis.grid(True, color="#e6e9ee", linewidth=0.8)
        ax.set_axisbelow(True)
        top = max(values) if len(values) else 1
        ax.set_xlim(0, top * 1.15 or 1)
        for bar, value in zip(bars, values, strict=True):
            text = f"{value:g}{unit}"
            ax.text(bar.get_width() + top * 0.01, bar.get_y() + bar.get_height() / 2, text, va="center",
                    fontsize=8.5, color="#333")
        if title:
            ax.set_title(title, loc="left", fontsize=10, color="#222", pad=8)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        fig.tight_layout()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]  # drop the XML declaration and DOCTYPE to inline it
    svg = re.sub(r"<metadata>.*?</metadata>|<!--.*?-->", "", svg, flags=re.S)  # label comments, generator info
    # Scale with the page instead of fixed points; keep the viewBox for the aspect ratio.
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"',
                 r'<svg\1 class="chart" role="img" preserveAspectRatio="xMinYMin meet"', svg, count=1)
    return Markup(svg)

"""Build the sample web's PDF and DOCX policies from the text sources in documents/.

Developer tool, not needed at run time: the generated files are committed next to
the sites that serve them. Run it after editing a source:

    pip install fpdf2          # dev-only, just for this script (PDF output)
    python -m kzprivacy.sampleweb.build_documents

Each source in documents/*.md starts with a front matter block:

    ---
    output: sites/<domain>/files/<name>.pdf    (relative to kzprivacy/sampleweb/)
    format: pdf | docx | broken_pdf
    title: the document title (PDF/DOCX metadata)
    ---

and continues in a tiny markup: `# ` title, `## ` heading, `- ` list item, other
lines are paragraphs. PDF text is set in DejaVu Sans (shipped with matplotlib)
and embedded, so pdfminer.six extracts the Cyrillic text. `broken_pdf` writes
bytes that start like a PDF but are not one (a truncated file), for the broken-PDF
site. Output is deterministic (fixed dates), so rebuilding changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
DOCUMENTS = HERE / "documents"
FIXED_DATE = dt.datetime(2024, 1, 10, 9, 0, 0, tzinfo=dt.timezone.utc)


def parse_source(path: Path) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """(front matter, blocks) where a block is (kind, text), kind in title|heading|item|para."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise ValueError(f"{path}: no front matter")
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    blocks: list[tuple[str, str]] = []
    for line in body.splitlines():
        line = line.rstrip()
        if not line:
            continue
        if line.startswith("## "):
            blocks.append(("heading", line[3:]))
        elif line.startswith("# "):
            blocks.append(("title", line[2:]))
        elif line.startswith("- "):
            blocks.append(("item", line[2:]))
        else:
            blocks.append(("para", line))
    return meta, blocks


def _font_paths() -> tuple[Path, Path]:
    import matplotlib

    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return ttf / "DejaVuSans.ttf", ttf / "DejaVuSans-Bold.ttf"


def build_pdf(meta: dict[str, str], blocks: list[tuple[str, str]], out: Path) -> None:
    from fpdf import FPDF  # dev-only dependency

    regular, bold = _font_paths()
    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(meta.get("title", ""))
    pdf.set_author(meta.get("author", "kzprivacy sample web"))
    pdf.set_creator("kzprivacy sample web build_documents.py")
    pdf.set_lang("ru")
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for kind, text in blocks:
        if kind == "title":
            pdf.set_font("DejaVu", "B", 15)
            pdf.multi_cell(width, 8, text, align="C")
            pdf.ln(3)
        elif kind == "heading":
            pdf.ln(2)
            pdf.set_font("DejaVu", "B", 12)
            pdf.multi_cell(width, 6.5, text, align="L")
            pdf.ln(1)
        elif kind == "item":
            pdf.set_font("DejaVu", "", 10.5)
            pdf.set_x(pdf.l_margin + 6)
            pdf.multi_cell(width - 6, 5.5, "– " + text, align="L")
        else:
            pdf.set_font("DejaVu", "", 10.5)
            pdf.multi_cell(width, 5.5, text, align="L")
            pdf.ln(1.5)
    out.write_bytes(bytes(pdf.output()))


def build_docx(meta: dict[str, str], blocks: list[tuple[str, str]], out: Path) -> None:
    import docx

    document = docx.Document()
    props = document.core_properties
    props.title = meta.get("title", "")
    props.author = meta.get("author", "kzprivacy sample web")
    props.created = props.modified = FIXED_DATE.replace(tzinfo=None)
    props.language = "ru-RU"
    for kind, text in blocks:
        if kind == "title":
            document.add_heading(text, level=0)
        elif kind == "heading":
            document.add_heading(text, level=1)
        elif kind == "item":
            document.add_paragraph(text, style="List Bullet")
        else:
            document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    # Re-pack with fixed timestamps: python-docx stamps zip entries with the current time.
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))


def build_broken_pdf(meta: dict[str, str], blocks: list[tuple[str, str]], out: Path) -> None:
    # A PDF header and the start of an object, then text and nothing else: no xref, no trailer.
    text = "\n".join(t for _, t in blocks)
    out.write_bytes(
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Length 999999 >>\nstream\n" + text.encode("utf-8") + b"\n"
    )


BUILDERS = {"pdf": build_pdf, "docx": build_docx, "broken_pdf": build_broken_pdf}


def build_all(only: list[str] | None = None) -> list[Path]:
    built = []
    for source in sorted(DOCUMENTS.glob("*.md")):
        if only and source.stem not in only:
            continue
        meta, blocks = parse_source(source)
        out = HERE / meta["output"]
        out.parent.mkdir(parents=True, exist_ok=True)
        BUILDERS[meta["format"]](meta, blocks, out)
        built.append(out)
    return built


if __name__ == "__main__":
    for path in build_all(sys.argv[1:] or None):
        print(path.relative_to(HERE), path.stat().st_size, "bytes")

"""Real-world score of the policy analysis: hand labels against what the project reads.

The material (real .kz policy and consent documents, found in public repositories) is never
committed; `bench/realworld/documents.yaml` holds, per document, where it came from and what
a careful reader finds in it. This module converts each document present locally with the
project's own code path (`kzprivacy policy`: HTML, PDF, DOCX, text) and compares the
declarations with the labels.

Unit of scoring: one (document, category, status) triple, status `declared` or `denied`.
A category the tool finds `ambiguous` counts as both; a category absent from the labels means
the document says nothing about it. Micro precision / recall / F1 sum the triples over
documents (overall, per language, per category). docs/realworld.md explains how to label.
"""

from __future__ import annotations

import html
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

from kzprivacy.vocabulary.taxonomy import DATA_CATEGORIES, PRACTICES  # noqa: E402

LABELS = ROOT / "bench" / "realworld" / "documents.yaml"
SUBDIR = "documents"

# What a policy can declare: every data category and practice of the taxonomy except the two
# that judge a form (`consent`, `security`), which no document text decides.
FORM_ONLY = frozenset({"consent", "security"})
SCORED: tuple[str, ...] = tuple(c for c in (*DATA_CATEGORIES, *PRACTICES) if c not in FORM_ONLY)
STATUSES = ("declared", "denied")
LANGUAGES = ("ru", "kk", "en")
DOCUMENT_TYPES = ("privacy_policy", "consent", "terms", "other")
# The kinds the report scores apart: policies and consents, and terms, offers and other documents.
DOCUMENT_KINDS = {"policy, consent": ("privacy_policy", "consent"), "terms, other": ("terms", "other")}
SPLITS = ("dev", "holdout", "holdout2", "holdout3", "holdout4", "holdout5", "holdout6", "holdout7", "holdout8",
          "holdout9", "holdout10", "holdout11")
# Under this many characters a converted document counts as an extraction failure (real
# one-paragraph policies have a few hundred).
MIN_CHARS = 100

Triple = tuple[str, str, str]   # (document id, category, status)


# --- labels ------------------------------------------------------------------------------------

@dataclass
class Labelled:
    id: str
    file: str
    language: str
    format: str
    type: str
    declared: dict[str, str] = field(default_factory=dict)   # category -> cue (a few words quoted)
    denied: dict[str, str] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)     # repo, path, commit
    notes: str = ""
    # "dev": seen while the analysis was tuned; "holdout": labelled apart, to test generalisation
    split: str = "dev"

    def triples(self) -> set[Triple]:
        return {(self.id, c, "declared") for c in self.declared} | {(self.id, c, "denied") for c in self.denied}


def load_labels(path: Path = LABELS) -> list[Labelled]:
    """The labelled documents; a label that does not fit the vocabulary raises ValueError."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    out: list[Labelled] = []
    seen: set[str] = set()
    for entry in data.get("documents", []):
        doc = Labelled(id=str(entry["id"]), file=str(entry["file"]), language=str(entry["language"]),
                       format=str(entry["format"]), type=str(entry["type"]),
                       declared={k: str(v) for k, v in (entry.get("declared") or {}).items()},
                       denied={k: str(v) for k, v in (entry.get("denied") or {}).items()},
                       source=dict(entry.get("source") or {}), notes=str(entry.get("notes") or ""),
                       split=str(entry.get("split") or "dev"))
        problems = [c for c in (*doc.declared, *doc.denied) if c not in SCORED]
        if doc.id in seen:
            problems.append(f"duplicate id {doc.id}")
        if doc.language not in LANGUAGES:
            problems.append(f"language {doc.language!r}")
        if doc.type not in DOCUMENT_TYPES:
            problems.append(f"type {doc.type!r}")
        if doc.split not in SPLITS:
            problems.append(f"split {doc.split!r}")
        if problems:
            raise ValueError(f"{path}: document {doc.id}: not in the vocabulary: {', '.join(problems)}")
        seen.add(doc.id)
        out.append(doc)
    return out


# --- scoring arithmetic ------------------------------------------------------------------------

@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


def predicted_triples(doc_id: str, summary: Mapping[str, str]) -> set[Triple]:
    """Triples from `summarise()` output: `ambiguous` is both declared and denied."""
    out: set[Triple] = set()
    for category, status in summary.items():
        if category not in SCORED:
            continue
        if status in ("declared", "ambiguous"):
            out.add((doc_id, category, "declared"))
        if status in ("denied", "ambiguous"):
            out.add((doc_id, category, "denied"))
    return out


def score(gold: Iterable[Triple], predicted: Iterable[Triple], *, category: str | None = None) -> Score:
    """Micro counts over triples, optionally for one category."""
    g, p = set(gold), set(predicted)
    if category is not None:
        g = {t for t in g if t[1] == category}
        p = {t for t in p if t[1] == category}
    return Score(len(g & p), len(p - g), len(g - p))


# --- running the project on the material --------------------------------------------------------

@dataclass
class Result:
    doc: Labelled
    path: Path
    found: bool
    chars: int = 0
    format: str = ""
    detected_language: str = ""
    error: str = ""
    summary: dict[str, str] = field(default_factory=dict)
    document_type: str = ""     # what the project calls the document (policy facts), when it says
    evidence: dict[tuple[str, str], str] = field(default_factory=dict)   # (category, status) -> first sentence

    @property
    def failed_extraction(self) -> bool:
        return self.found and (bool(self.error) or self.chars < MIN_CHARS)


def analyse(doc: Labelled, material: Path) -> Result:
    """Convert and analyse one document as `kzprivacy policy` does; never raises."""
    from kzprivacy.analysis.policy_file import analyze_text, read_document
    from kzprivacy.extract.documents import DocumentError

    path = material / SUBDIR / doc.file
    if not path.is_file():
        return Result(doc, path, found=False)
    try:
        fmt, _title, text = read_document(str(path))
    except (OSError, DocumentError, ValueError) as exc:
        return Result(doc, path, found=True, error=f"{type(exc).__name__}: {exc}")
    result = Result(doc, path, found=True, chars=len(text), format=fmt)
    if not text.strip():
        return result
    analysed = analyze_text(text)
    result.detected_language = analysed["language"]
    result.summary = dict(analysed["summary"])
    result.document_type = str(analysed["facts"].get("document_type") or "")
    for d in analysed["declarations"]:
        result.evidence.setdefault((d["category"], d["status"]), " ".join(d["evidence"].split()))
    return result


def run(material: Path, labels: Path = LABELS, split: str | None = None) -> list[Result]:
    return [analyse(doc, material) for doc in load_labels(labels) if split in (None, doc.split)]


# --- the report ---------------------------------------------------------------------------------

def _line(name: str, s: Score, width: int = 24) -> str:
    return (f"  {name:<{width}} P {s.precision:5.3f}  R {s.recall:5.3f}  F1 {s.f1:5.3f}"
            f"   (tp {s.tp}, fp {s.fp}, fn {s.fn})")


def figures(results: list[Result]) -> dict[str, Any]:
    """Overall, per-language and per-category scores of the documents that were found and read."""
    scored = [r for r in results if r.found]
    gold: set[Triple] = set()
    pred: set[Triple] = set()
    for r in scored:
        gold |= r.doc.triples()
        pred |= predicted_triples(r.doc.id, r.summary)
    by_language = {}
    for lang in LANGUAGES:
        ids = {r.doc.id for r in scored if r.doc.language == lang}
        if ids:
            by_language[lang] = score({t for t in gold if t[0] in ids}, {t for t in pred if t[0] in ids})
    # Policies and consents apart from terms, offers and other documents: their wording differs (a contract's
    # civil-law boilerplate is where the lexicon errs most).
    by_kind = {}
    for kind, types in DOCUMENT_KINDS.items():
        ids = {r.doc.id for r in scored if r.doc.type in types}
        if ids:
            by_kind[kind] = score({t for t in gold if t[0] in ids}, {t for t in pred if t[0] in ids})
    by_split = {}
    for split in SPLITS:
        ids = {r.doc.id for r in scored if r.doc.split == split}
        if ids:
            by_split[split] = score({t for t in gold if t[0] in ids}, {t for t in pred if t[0] in ids})
    by_category = {c: score(gold, pred, category=c) for c in SCORED}
    by_document = {r.doc.id: score(r.doc.triples(), predicted_triples(r.doc.id, r.summary)) for r in scored}
    return {"overall": score(gold, pred), "by_language": by_language, "by_kind": by_kind, "by_split": by_split,
            "by_category": by_category, "by_document": by_document, "gold": gold, "pred": pred}


def report(results: list[Result], *, errors: bool = False) -> str:
    """The printable report; `errors` adds every false positive (with the tool's sentence) and
    false negative (with the label's cue), document by document."""
    found = [r for r in results if r.found]
    missing = [r for r in results if not r.found]
    lines = ["== Policy and consent documents (declarations)",
             f"  documents labelled {len(results)}, found {len(found)}, missing {len(missing)}"]
    counts = Counter((r.doc.language, r.doc.format) for r in found)
    lines.append("  found by language/format: "
                 + ", ".join(f"{lang}/{fmt} {n}" for (lang, fmt), n in sorted(counts.items())))
    for r in missing:
        lines.append(f"  missing: {r.doc.id} ({r.path})")
    failures = [r for r in found if r.failed_extraction]
    lines.append(f"  text-extraction failures (error or under {MIN_CHARS} characters): {len(failures)}")
    for r in failures:
        lines.append(f"    {r.doc.id}: {r.error or f'{r.chars} characters'} ({r.doc.format})")
    if not found:
        return "\n".join(lines)
    fig = figures(results)
    lines.append("")
    lines.append(_line("overall (micro)", fig["overall"]))
    for lang, s in fig["by_language"].items():
        n = sum(1 for r in found if r.doc.language == lang)
        lines.append(_line(f"{lang} ({n} documents)", s))
    for kind, s in fig["by_kind"].items():
        n = sum(1 for r in found if r.doc.type in DOCUMENT_KINDS[kind])
        lines.append(_line(f"{kind} ({n} documents)", s))
    if len(fig["by_split"]) > 1:
        for split, s in fig["by_split"].items():
            n = sum(1 for r in found if r.doc.split == split)
            lines.append(_line(f"{split} ({n} documents)", s))
            for lang in LANGUAGES:
                ids = {r.doc.id for r in found if r.doc.split == split and r.doc.language == lang}
                if ids:
                    sub = score({t for t in fig["gold"] if t[0] in ids}, {t for t in fig["pred"] if t[0] in ids})
                    lines.append(_line(f"  {split} {lang} ({len(ids)})", sub))
    lines.append("")
    lines.append("  per category (worst F1 first):")
    cats = sorted(((c, s) for c, s in fig["by_category"].items() if s.tp + s.fp + s.fn),
                  key=lambda cs: (cs[1].f1, -(cs[1].fp + cs[1].fn)))
    for c, s in cats:
        lines.append(_line(c, s))
    lines.append("")
    lines.append("  per document (worst F1 first):")
    docs = sorted(fig["by_document"].items(), key=lambda kv: kv[1].f1)
    by_id = {r.doc.id: r for r in found}
    for doc_id, s in docs:
        r = by_id[doc_id]
        lines.append(_line(f"{doc_id} [{r.doc.language}, {r.format or r.doc.format}, {r.chars} ch]", s, width=44))
    typed = [r for r in found if r.document_type]
    if typed:
        right = sum(1 for r in typed if r.document_type == r.doc.type)
        lines.append("")
        lines.append(f"  document type: {right}/{len(typed)} as labelled"
                     + "".join(f"; {r.doc.id}: {r.document_type} (label {r.doc.type})"
                               for r in typed if r.document_type != r.doc.type))
    if errors:
        lines.append("")
        lines.append("  errors, document by document (FP: the tool's sentence; FN: the label's cue):")
        for r in found:
            gold, pred = r.doc.triples(), predicted_triples(r.doc.id, r.summary)
            fps, fns = sorted(pred - gold), sorted(gold - pred)
            if not (fps or fns):
                continue
            lines.append(f"  -- {r.doc.id} ({r.doc.language}, {r.doc.type})")
            for _, c, st in fps:
                lines.append(f"     FP {st:8s} {c:22s} {r.evidence.get((c, st), '')[:150]}")
            for _, c, st in fns:
                cue = (r.doc.declared if st == "declared" else r.doc.denied)[c]
                lines.append(f"     FN {st:8s} {c:22s} «{cue}»")
    return "\n".join(lines)


# --- preparing material -------------------------------------------------------------------------

_LITERAL = re.compile(r"'((?:[^'\\\n]|\\.)*)'|\"((?:[^\"\\\n]|\\.)*)\"|`((?:[^`\\]|\\.)*)`", re.S)
_LETTERS = re.compile(r"[^\W\d_]{2,}")
_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]", re.I)


def strings_to_html(source: str) -> str:
    """The page a browser would show for a policy kept as data (an i18n TS/JS/JSON/PHP file, a
    list of sections mapped to JSX): each string literal that reads as text becomes a paragraph.
    Identifiers, paths and class names (one Latin word, no spaces) are left out."""
    paragraphs = []
    for match in _LITERAL.finditer(source):
        text = next(g for g in match.groups() if g is not None)
        text = text.replace("\\n", "\n").replace("\\'", "'").replace('\\"', '"')
        text = re.sub(r"\$\{[^}]*\}", "", text)
        if not _LETTERS.search(text):
            continue
        if " " not in text.strip() and not _CYRILLIC.search(text):
            continue
        paragraphs.append("<p>" + html.escape(text).replace("\n", "<br>") + "</p>")
    return "<html><body>\n" + "\n".join(paragraphs) + "\n</body></html>\n"


# --- gathering: rebuilding the material from its sources ---------------------------------------

MIRRORS = Path(os.environ.get("KZPRIVACY_MIRRORS", "/work/.mirror"))
# A source whose repository has no snapshot to fetch but whose file the search tool's store holds
# (read_file with repo, path and commit) is saved once, verbatim, under
# <material>/documents/raw/stored/<owner>+<name>/<commit>/<path>; gathering reads it from there.
STORED = "raw/stored"


def mirror_git_dir(repo: str, mirrors: Path = MIRRORS) -> Path | None:
    base = mirrors / repo.replace("/", "+") / "repo"
    for candidate in (base / ".git", base):
        if (candidate / "HEAD").is_file():
            return candidate
    return None


def source_bytes(source: Mapping[str, str], material: Path, mirrors: Path = MIRRORS) -> bytes:
    """The labelled file at the labelled commit: `git show COMMIT:PATH` in the fetched mirror, else
    the stored copy saved under documents/raw/stored/. Raises LookupError when neither has it."""
    import subprocess

    repo, path, commit = source["repo"], source["path"], source["commit"]
    git_dir = mirror_git_dir(repo, mirrors)
    if git_dir is not None:
        done = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"],
                              capture_output=True, timeout=60)
        if done.returncode == 0:
            return done.stdout
    stored = material / SUBDIR / STORED / repo.replace("/", "+") / commit / path
    if stored.is_file():
        return stored.read_bytes()
    where = f"mirror {git_dir}" if git_dir else f"no mirror under {mirrors}"
    raise LookupError(f"{repo}@{commit[:8]}:{path}: {where}, no stored copy at {stored}")


def _json_subtree(text: str, key: str | None) -> Any:
    import json

    tree = json.loads(text)
    for part in (key.split(".") if key else []):
        tree = tree[part]
    return tree


def _json_to_html(tree: Any) -> str:
    """Every string of a JSON subtree in order: a string holding markup is kept as HTML (a page
    that renders it with dangerouslySetInnerHTML), any other string becomes a paragraph."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, str):
            out.append(node if re.search(r"<(p|h\d|ul|ol|li|div|br|strong|a)\b", node)
                       else "<p>" + html.escape(node) + "</p>")
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(tree)
    return "<html><body>\n" + "\n".join(out) + "\n</body></html>\n"


def _pymap_lines(text: str, lang: str, names: Iterable[str]) -> list[str]:
    """The lines of one language from `NAME = {...}` dicts of {ru: (kk, en)} (nested one level)."""
    import ast

    index = {"ru": None, "kk": 0, "en": 1}[lang]
    lines: list[str] = []

    def pick(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, tuple):
                    lines.extend((key if index is None else value[index]).split("\n"))
                else:
                    pick(value)
    for var in names:
        m = re.search(rf"^{var} = (\{{.*?^\}})", text, re.S | re.M)
        if m is None:
            raise ValueError(f"pymap: {var} not found")
        pick(ast.literal_eval(m.group(1)))
    return lines


# A JavaScript string literal in double or single quotes: its body is group 1 or group 2 (a single-quoted one
# stays on its line, so that an apostrophe in a comment opens none).
_JS_STRING = r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')"""


def _js_unescape(value: str) -> str:
    return value.replace('\\"', '"').replace("\\'", "'").replace("\\n", "\n")


def apply_recipe(recipe: str, data: bytes) -> bytes:
    """Run an entry's `recipe` (steps separated by ' | ') on the source's bytes. Steps:
    `slice START END [START END ...]` (regexes, quoted with shlex: the text from START's first
    match up to END's first match after it, END excluded, END `$` = to the end; pairs joined), `consts` (substitute
    `${NAME}` with `export const NAME = "value"` of the source), `lines2html` (one paragraph a
    non-empty line), `strings2html` (string literals), `jsonkey KEY` (a JSON subtree, as the
    strings2html command's --json-key), `json [KEY]` (a JSON subtree's strings; markup kept),
    `jsfields NAME[=TAG]...` (the string fields NAME of a block list, in order: `html` kept as markup, any
    other wrapped in TAG, `p` by default; `A.B` is the field B of the object written at field A, as in
    `title: { ru: "…", kz: "…" }`), `ternary N` (branch N, 0 or 1, of every `cond ? "…" : "…"`, a
    paragraph each), `ternary3 N` (branch N, 0 to 2, of every `a ? "…" : b ? "…" : "…"`),
    `pymap LANG NAME...` (ru -> (kk, en) dicts),
    `escapes` (decode \\n, \\' and \\" in the text). An empty recipe copies the bytes."""
    import shlex

    if not recipe.strip():
        return data
    text = data.decode("utf-8")
    consts = dict(re.findall(r"export const (\w+)\s*=\s*[\"'`]([^\"'`]*)[\"'`]", text))
    for step in recipe.split(" | "):
        words = shlex.split(step)
        name, args = words[0], words[1:]
        if name == "slice":
            pieces = []
            for begin, until in zip(args[0::2], args[1::2], strict=True):
                start = re.search(begin, text, re.S)
                if start is None:
                    raise ValueError(f"slice: {begin!r} not found")
                end = len(text)
                if until != "$":
                    found = re.compile(until, re.S).search(text, start.end())
                    if found is None:
                        raise ValueError(f"slice: {until!r} not found after {begin!r}")
                    end = found.start()
                pieces.append(text[start.start():end])
            text = "\n".join(pieces)
        elif name == "consts":
            text = re.sub(r"\$\{(\w+)\}", lambda m: consts.get(m.group(1), m.group(0)), text)
        elif name == "escapes":
            text = text.replace("\\n", "\n").replace("\\'", "'").replace('\\"', '"')
        elif name == "lines2html":
            text = "<html><body>\n" + "\n".join(f"<p>{html.escape(line.strip())}</p>" for line in text.splitlines()
                                                 if line.strip()) + "\n</body></html>\n"
        elif name == "strings2html":
            text = strings_to_html(text)
        elif name == "jsonkey":
            import json

            text = json.dumps(_json_subtree(text, args[0]), ensure_ascii=False, indent=1)
        elif name == "jsfields":
            # `text: "..."` / `html: "..."` fields of a list of blocks (a CMS seed of a page), `label: '...'`
            # / `text: '...'` items of a data file, in order: html kept as markup, the others in their tag.
            found: list[tuple[int, str]] = []
            for arg in args:
                field_name, _, tag = arg.partition("=")
                tag = tag or "p"
                parent, _, key = field_name.rpartition(".")
                where = (rf"\b{re.escape(parent)}\s*:\s*\{{[^{{}}]*?\b{re.escape(key)}\s*:\s*" if parent
                         else rf"\b{re.escape(key)}\s*:\s*")
                for m in re.finditer(where + _JS_STRING, text):
                    value = _js_unescape(m.group(1) if m.group(1) is not None else m.group(2))
                    found.append((m.start(1) if m.group(1) is not None else m.start(2),
                                  value if key == "html" else f"<{tag}>{html.escape(value)}</{tag}>"))
            parts = [part for _, part in sorted(found)]
            text = "<html><body>\n" + "\n".join(parts) + "\n</body></html>\n"
        elif name == "ternary":
            # The texts a component shows in one language: `isRu ? "…" : "…"` (JSX attributes and children).
            branch = int(args[0])
            parts = ["<p>" + html.escape(_js_unescape(m.group(1 + 2 * branch) if m.group(1 + 2 * branch) is not None
                                                      else m.group(2 + 2 * branch))) + "</p>"
                     for m in re.finditer(r"\?\s*" + _JS_STRING + r"\s*:\s*" + _JS_STRING, text)]
            text = "<html><body>\n" + "\n".join(parts) + "\n</body></html>\n"
        elif name == "ternary3":
            # Three languages in one expression: `isKz ? "…" : isEn ? "…" : "…"`; branch 0, 1 or 2.
            branch = int(args[0])
            parts = []
            three = r"\?\s*" + _JS_STRING + r"\s*:\s*[\w.]+\s*\?\s*" + _JS_STRING + r"\s*:\s*" + _JS_STRING
            for m in re.finditer(three, text):
                value = m.group(1 + 2 * branch) if m.group(1 + 2 * branch) is not None else m.group(2 + 2 * branch)
                parts.append("<p>" + html.escape(_js_unescape(value)) + "</p>")
            text = "<html><body>\n" + "\n".join(parts) + "\n</body></html>\n"
        elif name == "pymap":
            # Python dicts `NAME = {...}` mapping a Russian string to (Kazakh, English), as a
            # translation migration keeps them: render one language, one paragraph a line.
            lines = _pymap_lines(text, args[0], args[1:])
            text = ("<html><body>\n" + "\n".join(f"<p>{html.escape(x)}</p>" for x in lines if x.strip())
                    + "\n</body></html>\n")
        elif name == "json":
            text = _json_to_html(_json_subtree(text, args[0] if args else None))
        else:
            raise ValueError(f"unknown recipe step {name!r}")
    return text.encode("utf-8")


def _html_body(data: bytes) -> str:
    """What is inside <body> of a rendered part (the whole text when it has none)."""
    text = data.decode("utf-8")
    found = re.search(r"<body[^>]*>(.*)</body>", text, re.S | re.I)
    return (found.group(1) if found else text).strip("\n")


def gather(material: Path, labels: Path = LABELS, mirrors: Path = MIRRORS, *, only: Iterable[str] = ()) -> list[str]:
    """Rebuild <material>/documents/ from the labelled sources; returns the problems (one line each)."""
    raw = yaml.safe_load(Path(labels).read_text(encoding="utf-8")) or {}
    target_dir = material / SUBDIR
    target_dir.mkdir(parents=True, exist_ok=True)
    wanted = set(only)
    problems: list[str] = []
    done = 0
    for entry in raw.get("documents", []):
        if wanted and entry["id"] not in wanted:
            continue
        try:
            data = source_bytes(entry["source"], material, mirrors)
            data = apply_recipe(str(entry.get("recipe") or ""), data)
            # `before`: other files of the same page rendered ahead of the source (a component's title and
            # notice around a data file's sections), each {repo, path, commit, recipe}.
            before = [_html_body(apply_recipe(str(part.get("recipe") or ""), source_bytes(part, material, mirrors)))
                      for part in entry.get("before") or []]
            if before:
                data = ("<html><body>\n" + "\n".join([*before, _html_body(data)]) + "\n</body></html>\n").encode()
        except (LookupError, ValueError, KeyError, UnicodeDecodeError) as exc:
            problems.append(f"{entry['id']}: {type(exc).__name__}: {exc}")
            continue
        (target_dir / entry["file"]).write_bytes(data)
        done += 1
    print(f"{target_dir}: {done} documents written, {len(problems)} not restored")
    return problems


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Prepare real-world material (docs/realworld.md).")
    sub = parser.add_subparsers(dest="command", required=True)
    derive = sub.add_parser("strings2html", help="render a policy kept as an i18n/data file to HTML paragraphs")
    derive.add_argument("source", type=Path)
    derive.add_argument("target", type=Path)
    derive.add_argument("--json-key", metavar="A.B", help="a JSON file: render only this subtree (legal.privacy)")
    collect = sub.add_parser("gather", help="rebuild <material>/documents/ from documents.yaml sources")
    collect.add_argument("--material", type=Path,
                         default=Path(os.environ.get("KZPRIVACY_REALWORLD", "/work/realworld")))
    collect.add_argument("--labels", type=Path, default=LABELS)
    collect.add_argument("--mirrors", type=Path, default=MIRRORS)
    collect.add_argument("ids", nargs="*", help="only these document ids")
    args = parser.parse_args()
    if args.command == "gather":
        missing = gather(args.material, args.labels, args.mirrors, only=args.ids)
        for line in missing:
            print("  not restored:", line)
        sys.exit(1 if missing else 0)
    source = args.source.read_text(encoding="utf-8")
    if args.json_key:
        import json

        tree = json.loads(source)
        for key in args.json_key.split("."):
            tree = tree[key]
        source = json.dumps(tree, ensure_ascii=False, indent=1)
    args.target.write_text(strings_to_html(source), encoding="utf-8")
    print(f"{args.target}: {args.target.stat().st_size} bytes")

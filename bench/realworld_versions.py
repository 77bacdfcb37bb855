"""Real-world score of the language-version comparison (POLICY-LANGUAGE-VERSION-GAP, analysis/versions.py).

Documents of `bench/realworld/documents.yaml` that come from one repository, are of one type and are
written in different languages are versions of one document (shai-ru / shai-kk / shai-en). For each
version, the categories it leaves out are those another version declares and it neither declares nor
denies. The labels give the true gaps, the analysis its own; the unit of scoring is one (version,
category left out) pair, and a version with any gap is one finding.

    python bench/realworld_versions.py                     # ../realworld beside the repository
    python bench/realworld_versions.py --material DIR --split dev
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str):
    """A sibling module of bench/ by file, so that bench/ never shadows the project's packages."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


documents = _load("realworld_documents")
default_material = _load("realworld").default_material

Pair = tuple[str, str]   # (document id, category left out)


def gaps(versions: dict[str, tuple[set[str], set[str]]]) -> set[Pair]:
    """Per version (id -> (declared, mentioned)), the categories another version declares and it never mentions."""
    out: set[Pair] = set()
    for doc_id, (_, mentioned) in versions.items():
        for other_id, (declared, _) in versions.items():
            if other_id != doc_id:
                out |= {(doc_id, c) for c in declared - mentioned}
    return out


def groups(results: list[documents.Result]) -> list[list[documents.Result]]:
    """Versions of one document: same repository, same type, one per language, at least two languages."""
    by_key: dict[tuple[str, str], dict[str, documents.Result]] = defaultdict(dict)
    for r in results:
        if r.found and not r.failed_extraction:
            by_key[(r.doc.source.get("repo", ""), r.doc.type)].setdefault(r.doc.language, r)
    return [list(g.values()) for g in by_key.values() if len(g) > 1]


def score(results: list[documents.Result]) -> tuple[documents.Score, documents.Score, list[str]]:
    """(pair score, version score, one line per group)."""
    gold_all: set[Pair] = set()
    predicted_all: set[Pair] = set()
    lines = []
    for group in groups(results):
        gold = gaps({r.doc.id: (set(r.doc.declared) & set(documents.SCORED),
                                set(r.doc.declared) | set(r.doc.denied)) for r in group})
        predicted = gaps({r.doc.id: ({c for c, s in r.summary.items() if s in ("declared", "ambiguous")
                                      and c in documents.SCORED}, set(r.summary)) for r in group})
        gold_all |= gold
        predicted_all |= predicted
        for r in group:
            g = sorted(c for d, c in gold if d == r.doc.id)
            p = sorted(c for d, c in predicted if d == r.doc.id)
            lines.append(f"  {r.doc.id:<28} labels: {', '.join(g) or '—'}\n  {'':<28} tool:   {', '.join(p) or '—'}")
    pairs = documents.Score(len(gold_all & predicted_all), len(predicted_all - gold_all), len(gold_all - predicted_all))
    gold_docs = {d for d, _ in gold_all}
    predicted_docs = {d for d, _ in predicted_all}
    versions = documents.Score(len(gold_docs & predicted_docs), len(predicted_docs - gold_docs),
                               len(gold_docs - predicted_docs))
    return pairs, versions, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--material", type=Path, default=None, help="the realworld/ folder")
    parser.add_argument("--split", choices=["dev", "holdout"], help="only the documents of one split")
    parser.add_argument("--groups", action="store_true", help="print each version's gaps, labels against tool")
    args = parser.parse_args(argv)
    material = args.material or default_material()
    if not (material / documents.SUBDIR).is_dir():
        print(f"no material at {material / documents.SUBDIR}", file=sys.stderr)
        return 2
    results = documents.run(material, split=args.split)
    pairs, versions, lines = score(results)
    found = groups(results)
    print(f"== Language versions compared ({len(found)} documents in {sum(len(g) for g in found)} language versions)")
    print(documents._line("gaps (version, category)", pairs, 28))
    print(documents._line("versions with a gap", versions, 28))
    if args.groups:
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())

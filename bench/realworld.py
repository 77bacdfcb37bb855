"""Score kzprivacy on real .kz material kept outside the repository (docs/realworld.md).

    python bench/realworld.py                       # material in ../realworld beside the repository
    python bench/realworld.py --material /path/to/realworld --errors
    python bench/realworld.py --only documents

The material is never committed (it has no licence); the labels and the list of sources are
(bench/realworld/*.yaml). Documents: declarations micro precision / recall / F1, overall, per
language and per category, and the documents whose text could not be extracted. Pages: the
report of bench/realworld_pages.py (policy discovery, third-party hosts), when that module is
present. Exits 2 when no material is found.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

ROOT = Path(__file__).resolve().parents[1]
# This file is bench/realworld.py: put the project first so that `analysis` is the package.
sys.path.insert(0, str(ROOT))

PAGES_MODULE = ROOT / "bench" / "realworld_pages.py"


def _load(name: str):
    """A sibling module of bench/ by file, so that bench/ never shadows the project's packages."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def default_material() -> Path:
    """`$KZPRIVACY_REALWORLD`, else `realworld/` beside this checkout, else beside the main checkout
    when this is a git worktree (so every worktree of one clone finds the same material)."""
    if os.environ.get("KZPRIVACY_REALWORLD"):
        return Path(os.environ["KZPRIVACY_REALWORLD"])
    candidates = [ROOT.parent / "realworld"]
    try:
        common = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--path-format=absolute", "--git-common-dir"],
                                capture_output=True, text=True, timeout=10).stdout.strip()
        if common:
            candidates.append(Path(common).parent.parent / "realworld")
    except (OSError, subprocess.SubprocessError):
        pass
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[0]


def pages_report(material: Path) -> str | None:
    """bench/realworld_pages.py's report: its `score(material_dir)` if it has one, else run it."""
    if not PAGES_MODULE.is_file():
        return None
    module = _load("realworld_pages")
    if hasattr(module, "score"):
        return str(module.score(material))
    done = subprocess.run([sys.executable, str(PAGES_MODULE), "--material", str(material)],
                          capture_output=True, text=True, cwd=ROOT)
    return (done.stdout + done.stderr).rstrip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--material", type=Path, default=None,
                        help="directory holding documents/ and pages/ (default: ../realworld beside the repository)")
    parser.add_argument("--only", choices=["documents", "pages"], help="score one kind of material")
    parser.add_argument("--labels", type=Path, default=None,
                        help="labels file (default: bench/realworld/documents.yaml)")
    parser.add_argument("--split", choices=["dev", "holdout", "holdout2", "holdout3", "holdout4", "holdout5",
                                            "holdout6", "holdout7", "holdout8", "holdout9",
                                            "holdout10", "holdout11"],
                        help="score only the documents of one split (see docs/realworld.md)")
    parser.add_argument("--errors", action="store_true",
                        help="list every false positive and false negative with its sentence or cue")
    args = parser.parse_args(argv)
    material = args.material or default_material()

    documents = _load("realworld_documents")

    docs_dir = material / documents.SUBDIR
    has_docs = docs_dir.is_dir() and any(docs_dir.iterdir())
    has_pages = (material / "pages").is_dir()
    if not material.is_dir() or not (has_docs or has_pages):
        print(f"No real-world material in {material} (expected {docs_dir} and/or {material / 'pages'}).\n"
              "The material is not in the repository (no licence): gather it as docs/realworld.md describes, "
              "or point --material (or KZPRIVACY_REALWORLD) at a copy.", file=sys.stderr)
        return 2
    print(f"Material: {material}")
    if args.only in (None, "documents"):
        if has_docs:
            results = documents.run(material, args.labels or documents.LABELS, split=args.split)
            print(documents.report(results, errors=args.errors))
        else:
            print(f"== Policy and consent documents: none in {docs_dir}")
    if args.only in (None, "pages"):
        text = pages_report(material)
        print()
        print(text if text is not None else "== Pages: bench/realworld_pages.py is not in this checkout")
    return 0


if __name__ == "__main__":
    sys.exit(main())

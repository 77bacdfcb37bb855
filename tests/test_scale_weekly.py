"""`kzprivacy weekly`: two weeks of the same sites, with changes planted between them, give a digest
that names each change; sites being down never fail the run, a broken run does."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from conftest import run_cli

SITES = ["medshop-demo.kz", "clinic-demo.kz", "tilda-demo.kz", "dead-demo.kz"]
SITES_DIR = Path(__file__).resolve().parents[1] / "kzprivacy" / "sampleweb" / "sites"


def _copy_sites(dest: Path) -> Path:
    for name in [*SITES, "_shared"]:
        if (SITES_DIR / name).exists():
            shutil.copytree(SITES_DIR / name, dest / name)
    return dest


def _next_week(sites: Path) -> None:
    """What changed on the web during the week."""
    policy = sites / "medshop-demo.kz" / "pages" / "privacy.html"
    text = policy.read_text(encoding="utf-8")
    head, sep, rest = text.partition("</p>")  # into the policy's own text, after its first paragraph
    policy.write_text(head + sep + "\n<p>Новый пункт: срок хранения данных — пять лет.</p>" + rest, encoding="utf-8")
    spec_path = sites / "clinic-demo.kz" / "site.yaml"
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    del spec["routes"]["/privacy"]  # the policy page is gone (its link now answers 404)
    spec_path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    home = sites / "tilda-demo.kz" / "pages" / "index.html"
    home.write_text(home.read_text(encoding="utf-8").replace(
        "</head>", '<script async src="https://www.googletagmanager.com/gtag/js?id=G-KZSCRIPT1"></script>\n</head>', 1),
        encoding="utf-8")


def _weekly(web, out: Path, crawl_id: str, *extra: str):
    return run_cli("weekly", *SITES, "--out", str(out), "--proxy", web.proxy_url, "--crawl-id", crawl_id,
                   "--timeout", "4", *extra, check=False)


def test_two_weeks_give_a_digest_of_what_changed(tmp_path):
    from kzprivacy.sampleweb.server import SampleWeb

    sites, out = _copy_sites(tmp_path / "sites"), tmp_path / "out"
    with SampleWeb(sites_dir=sites) as web:
        first = _weekly(web, out, "week1")
    assert first.returncode == 0, first.stderr[-3000:]  # dead-demo.kz is down: not a failure of the run
    digest = (out / "week1" / "digest.md").read_text(encoding="utf-8")
    assert "nothing to compare with yet" in digest and "1 dns\\_error" in digest
    assert (out / "week1" / "report" / "index.html").exists() and (out / "week1" / "data").is_dir()

    _next_week(sites)
    with SampleWeb(sites_dir=sites) as web:
        second = _weekly(web, out, "week2")
    assert second.returncode == 0, second.stderr[-3000:]
    assert "Compared with: week1" in second.stdout
    md = (out / "week2" / "digest.md").read_text(encoding="utf-8")
    html = (out / "week2" / "digest.html").read_text(encoding="utf-8")

    def section(title: str) -> str:
        return md.split(f"## {title}", 1)[1].split("\n## ", 1)[0] if f"## {title}" in md else ""

    assert "medshop-demo.kz: https://medshop-demo.kz/privacy" in section("Policy text changed")
    assert "clinic-demo.kz: https://clinic-demo.kz/privacy" in section("Policy disappeared")
    assert "tilda-demo.kz: Google Analytics" in section("Third-party services added")
    assert "clinic-demo.kz" in section("New findings")  # no policy any more: its flows are now undeclared
    assert "| Policy appeared | 0 |" in md and "| Sites added to the crawl | 0 |" in md
    for text in ("Policy text changed (1)", "Policy disappeared (1)", "medshop-demo.kz", "Google Analytics",
                 'href="report/index.html"'):
        assert text in html, text


def test_a_run_that_cannot_store_its_results_exits_non_zero(tmp_path, sample_web):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run_cli("weekly", "medshop-demo.kz", "--out", str(tmp_path / "out"), "--db", str(blocker / "x.db"),
                     "--proxy", sample_web.proxy_url, check=False)
    assert result.returncode == 1
    assert "the run failed" in result.stderr

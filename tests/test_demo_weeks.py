"""Two real demo crawls a week apart: `kzprivacy diff` and the report show what the sample web changed.

In week 2 the clinic declares the complaints it collects (health data) in a revised policy, and swaps
its 2GIS widget for a Jivo chat (kzprivacy/sampleweb/sites/clinic-demo.kz/site.yaml, `week2:`).
"""

from __future__ import annotations

import json

import pytest

from conftest import run_cli


@pytest.fixture(scope="module")
def two_weeks(tmp_path_factory):
    out = tmp_path_factory.mktemp("weeks")
    first = run_cli("demo", "--out", str(out), "--crawl-id", "week1", "--no-progress", "--timeout", "3")
    second = run_cli("demo", "--week", "2", "--out", str(out), "--crawl-id", "week2", "--no-progress",
                     "--timeout", "3")
    assert "Sample web (week 2)" in second.stdout and "Report:" in first.stdout
    # The demo ends with the PDF report and one evidence pack among its printed outputs.
    for result, crawl in ((first, "week1"), (second, "week2")):
        assert f"Report (PDF): {out / crawl / 'report' / 'index.pdf'}" in result.stdout
        assert "Evidence pack (" in result.stdout and str(out / crawl / "evidence") in result.stdout
    return out


def test_the_demo_evidence_pack_verifies(two_weeks):
    packs = sorted((two_weeks / "week1" / "evidence").glob("*.zip"))
    assert len(packs) == 1
    assert (two_weeks / "week1" / "report" / "index.pdf").read_bytes().startswith(b"%PDF-")
    result = run_cli("evidence", "verify", str(packs[0]))
    assert "INTACT" in result.stdout


def test_diff_of_two_demo_crawls_shows_what_the_site_changed(two_weeks):
    from kzprivacy.sampleweb.manifest import load_sites

    result = run_cli("diff", "--out", str(two_weeks), "--format", "json")
    diff = json.loads(result.stdout)
    assert (diff["from_crawl"], diff["to_crawl"]) == ("week1", "week2")
    changes = load_sites()["clinic-demo.kz"]["week2"]["changes"]
    assert [p["site"] for p in diff["policies_changed"]] == ["clinic-demo.kz"]
    added = {(s["site"], s["key"]) for s in diff["services_added"]}
    removed = {(s["site"], s["key"]) for s in diff["services_removed"]}
    assert added == {("clinic-demo.kz", sid) for sid in changes["services_added"]}
    assert removed == {("clinic-demo.kz", sid) for sid in changes["services_removed"]}
    resolved = {(f["site"], f["rule"], f["category"]) for f in diff["findings_resolved"]}
    for expected in changes["findings_resolved"]:
        rule, category = expected.split()
        assert ("clinic-demo.kz", rule, category) in resolved
    # Nothing else on the sample web changed between the weeks.
    assert {f["site"] for f in diff["findings_new"] + diff["findings_resolved"]} <= {"clinic-demo.kz"}
    assert diff["sites_added"] == [] and diff["sites_removed"] == []


def test_the_text_diff_is_readable(two_weeks):
    text = run_cli("diff", "--out", str(two_weeks), "--format", "markdown").stdout
    assert "clinic-demo.kz" in text and "жалобы" in text.lower()


def test_the_second_report_has_a_what_changed_section(two_weeks):
    index = (two_weeks / "week2" / "report" / "index.html").read_text(encoding="utf-8")
    assert "week1" in index and "clinic-demo.kz" in index

"""The export's Frictionless Data Package, validated by the `frictionless` package itself.

The sample crawl (a real `kzprivacy scan`) leaves OUT/<crawl_id>/data/datapackage.json; frictionless
must find every CSV valid against its schema (types, primary keys, foreign keys), read the values
typed, and reject a copy where a type, a key or a reference is broken.
"""

from __future__ import annotations

import csv
import shutil
from datetime import datetime
from pathlib import Path

import frictionless
import pytest

from kzprivacy.analysis.report.dictionary import parse_dictionary
from conftest import ROOT


@pytest.fixture(scope="module")
def data_dir(sample_crawl) -> Path:
    folder = sample_crawl.out / sample_crawl.crawl_id / "data"
    assert (folder / "datapackage.json").exists(), "the scan's export wrote no datapackage.json"
    return folder


def errors(report) -> dict[str, set[str]]:
    return {task.name: {e.type for e in task.errors} for task in report.tasks if not task.valid}


def test_the_package_is_valid(data_dir):
    report = frictionless.validate(str(data_dir / "datapackage.json"))
    assert report.valid, errors(report)
    assert len(report.tasks) == len(list(data_dir.glob("*.csv")))


def test_every_table_and_column_is_described_and_keyed(data_dir):
    package = frictionless.Package(str(data_dir / "datapackage.json"))
    dictionary = parse_dictionary((ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8"))
    assert {r.name for r in package.resources} == {p.stem for p in data_dir.glob("*.csv")}
    for resource in package.resources:
        with open(data_dir / resource.path, encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh))
        assert [f.name for f in resource.schema.fields] == header
        documented = dictionary.get(resource.name)
        assert documented, f"{resource.name} is not in the data dictionary"
        assert resource.description
        for field in resource.schema.fields:
            assert field.description, f"{resource.name}.{field.name} has no description"
    keys = {r.name: r.schema.primary_key for r in package.resources}
    assert keys["sites"] == ["crawl_id", "site"] and keys["pages"] == ["crawl_id", "site", "url"]
    assert keys["crawls"] == ["crawl_id"]
    refs = {(r.name, tuple(fk["fields"]), fk["reference"]["resource"]) for r in package.resources
            for fk in r.schema.foreign_keys}
    assert ("cookies", ("crawl_id", "site"), "sites") in refs
    assert ("form_fields", ("crawl_id", "site", "page_url", "form_index"), "forms") in refs
    assert ("declarations", ("crawl_id", "site", "policy_url"), "policies") in refs
    assert ("sites", ("crawl_id",), "crawls") in refs


def test_values_come_back_typed(data_dir, sample_crawl):
    package = frictionless.Package(str(data_dir / "datapackage.json"))
    sites = {r["site"]: r for r in package.get_resource("sites").read_rows()}
    clinic = sites["clinic-demo.kz"]
    assert clinic["https"] is True and isinstance(clinic["pages_fetched"], int)
    assert isinstance(clinic["started_at"], datetime) and clinic["started_at"].tzinfo is not None
    crawl = package.get_resource("crawls").read_rows()[0]
    assert crawl["crawl_id"] == sample_crawl.crawl_id and isinstance(crawl["settings"], dict)
    assert {r["site"] for r in package.get_resource("findings").read_rows()} <= set(sites)


@pytest.mark.parametrize(("table", "change", "error"), [
    ("pages", lambda row, h: row.__setitem__(h.index("status_code"), "two hundred"), "type-error"),
    ("sites", None, "primary-key"),  # a site row repeated
    ("form_fields", lambda row, h: row.__setitem__(h.index("form_index"), "97"), "foreign-key"),
])
def test_a_broken_copy_is_rejected(data_dir, tmp_path, table, change, error):
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy, ignore=shutil.ignore_patterns("*.parquet", "*.xlsx"))
    path = copy / f"{table}.csv"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    if change is None:
        rows.append(rows[1])
    else:
        change(rows[1], rows[0])
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(rows)
    report = frictionless.validate(str(copy / "datapackage.json"))
    assert not report.valid
    assert error in errors(report).get(table, set()), errors(report)

"""The settings table (crawler/settings_table.py) is the one place each kzprivacy setting is declared:
every name the code reads is in it, crawler/settings.py and the readers take their defaults from it,
-s is checked against it, and `kzprivacy settings` and docs/settings.md print all of it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from scrapy.settings import Settings

import kzprivacy  # noqa: F401  (sets the offline tldextract environment first)
from kzprivacy.crawler.settings_table import (BEGIN, END, ENVIRONMENT, SETTINGS, TYPES, SettingError,
                                              check_overrides, render_markdown, setting)
from kzprivacy.extract.limits import DEFAULT_CAPS, Caps

from conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]
# Where code reads settings; kzprivacy/crawler and kzprivacy/analysis are links to crawler/ and analysis/.
SOURCES = ["crawler", "analysis", "kzprivacy", "bench", "tests", "deploy", "setup.sh"]
NAME = re.compile(r"\bKZPRIVACY_[A-Z0-9_]*[A-Z0-9]\b")
# A Scrapy settings getter: settings.getint("KZPRIVACY_X"[, default]), crawler.settings.get("USER_AGENT"...).
READ = re.compile(r"""settings\.get(?:int|float|bool|list|dict)?\(\s*["']([A-Z][A-Z0-9_]+)["']\s*(,)?""")
DOCS = ROOT / "docs" / "settings.md"


def _source_files():
    for entry in SOURCES:
        path = ROOT / entry
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        for file in files:
            # This file names wrong settings on purpose.
            if file.suffix in (".py", ".sh", ".service", ".toml", ".cfg") and file.name != Path(__file__).name:
                yield file


@pytest.fixture(scope="module")
def sources() -> dict[Path, str]:
    return {f: f.read_text(encoding="utf-8", errors="replace") for f in _source_files()}


@pytest.fixture(scope="module")
def project() -> Settings:
    settings = Settings()
    settings.setmodule("kzprivacy.crawler.settings", priority="project")
    return settings


def test_every_kzprivacy_name_in_the_code_is_declared(sources):
    declared = {row.name for row in SETTINGS} | {name for name, _ in ENVIRONMENT}
    found = {name: path for path, text in sources.items() for name in NAME.findall(text)}
    assert len(found) > 40  # the scan does see the code (crawler, app, tests, bench)
    missing = {name: str(path.relative_to(ROOT)) for name, path in found.items() if name not in declared}
    assert not missing, f"declare these in crawler/settings_table.py: {missing}"


def test_every_setting_read_is_a_setting_and_no_reader_has_a_default_of_its_own(sources):
    names = {row.name for row in SETTINGS}
    reads = [(path, m.group(1), m.group(2)) for path, text in sources.items() for m in READ.finditer(text)
             if "tests" not in path.parts and "bench" not in path.parts]
    assert len(reads) > 30
    ours = [(p, n, comma) for p, n, comma in reads if n.startswith("KZPRIVACY_")]
    assert not [(str(p), n) for p, n, _ in ours if n not in names], "a setting read but not declared"
    # Scrapy's settings always hold every name too (its defaults, then crawler/settings.py), so a default
    # at the read site is dead code that only drifts from the real one.
    own_defaults = sorted({(str(p.relative_to(ROOT)), n) for p, n, comma in reads if comma})
    assert not own_defaults, f"readers take their defaults from the settings: {own_defaults}"


def test_the_table_is_well_formed():
    names = [row.name for row in SETTINGS]
    assert len(names) == len(set(names)) and all(n.startswith("KZPRIVACY_") for n in names)
    for row in SETTINGS:
        assert row.help.strip() and row.section
        assert row.type in TYPES, row
        if row.type == "choice":
            assert row.default in row.choices, row
        if row.type in ("int", "float") and row.minimum is not None and row.default is not None:
            assert row.default >= row.minimum, row  # None: unset, derived from another setting (its help says how)
        if row.type == "int":
            assert isinstance(row.default, int) and not isinstance(row.default, bool), row


def test_crawler_settings_hold_every_default_of_the_table(project):
    for row in SETTINGS:
        assert row.name in project, row.name
        value = project.get(row.name)
        expected = list(row.default) if isinstance(row.default, tuple) else row.default
        assert (list(value) if isinstance(value, tuple) else value) == expected, row.name
    # The caps' defaults are extraction's own (it also runs without Scrapy): both read the same numbers.
    assert Caps.from_settings(project) == DEFAULT_CAPS
    assert "_table" not in project and "SETTINGS" not in project  # the table itself is no setting


def test_undeclared_before_now_declared_with_the_defaults_their_readers_had(project):
    # These five were read with a default at the read site and declared nowhere. KZPRIVACY_BATCH_SECONDS went
    # from 2 to 1 s when every scan (not only workers) began to write in batches: what the progress display
    # reads from the database is at most a second behind.
    assert project.getbool("KZPRIVACY_RECORD_COOKIES") is True
    assert project.getint("KZPRIVACY_BATCH_PAGES") == 50 and project.getfloat("KZPRIVACY_BATCH_SECONDS") == 1.0
    assert project.getint("KZPRIVACY_BATCH_MAX") == 2000 and project.get("KZPRIVACY_WORKER_ID") is None


def test_unknown_kzprivacy_names_are_refused_with_a_suggestion():
    with pytest.raises(SettingError, match=r"unknown kzprivacy setting 'KZPRIVACY_MAX_PAGE' "
                                           r"\(did you mean KZPRIVACY_MAX_PAGES\?\)"):
        check_overrides({"KZPRIVACY_MAX_PAGE": "3"})
    with pytest.raises(SettingError, match="did you mean KZPRIVACY_PROXY"):
        check_overrides({"kzprivacy_proxy": "http://p:3128"})
    with pytest.raises(SettingError) as error:
        check_overrides({"KZPRIVACY_TOTALLY_DIFFERENT_THING": "1"})
    assert "did you mean" not in str(error.value)


def test_scrapy_names_are_checked_against_scrapy_s_own():
    assert check_overrides({"CONCURRENT_REQUESTS": "32", "DOWNLOAD_DELAY": "0.2", "AUTOTHROTTLE_ENABLED": "False",
                            "JOBDIR": "/tmp/job", "PLAYWRIGHT_MAX_CONTEXTS": "2"}) == {
        "CONCURRENT_REQUESTS": "32", "DOWNLOAD_DELAY": "0.2", "AUTOTHROTTLE_ENABLED": "False",
        "JOBDIR": "/tmp/job", "PLAYWRIGHT_MAX_CONTEXTS": "2"}
    with pytest.raises(SettingError, match=re.escape("unknown setting 'CONCURENT_REQUESTS' "
                                                     "(did you mean CONCURRENT_REQUESTS?)")):
        check_overrides({"CONCURENT_REQUESTS": "32"})
    with pytest.raises(SettingError, match="AUTOTHROTTLE_ENABLED is true or false, not 'maybe'"):
        check_overrides({"AUTOTHROTTLE_ENABLED": "maybe"})
    with pytest.raises(SettingError, match="DOWNLOAD_TIMEOUT is a number, not '20s'"):
        check_overrides({"DOWNLOAD_TIMEOUT": "20s"})


@pytest.mark.parametrize(("name", "value", "converted"), [
    ("KZPRIVACY_MAX_PAGES", "40", 40),
    ("KZPRIVACY_SHUTDOWN_GRACE", "60", 60.0),
    ("KZPRIVACY_FORM_PROBE", "off", False),
    ("KZPRIVACY_BLOCK_PRIVATE_ADDRESSES", "True", True),
    ("KZPRIVACY_BLOCK_PRIVATE_ADDRESSES", "0", False),
    ("KZPRIVACY_CONSENT", "accept", "accept"),
    ("KZPRIVACY_ALLOW_PRIVATE_HOSTS", "a.lan, b.lan,", ["a.lan", "b.lan"]),
    ("KZPRIVACY_PROXY", "http://127.0.0.1:3128", "http://127.0.0.1:3128"),
    ("KZPRIVACY_WARC_DIR", "", None),
    ("KZPRIVACY_CHROMIUM", "/opt/chrome", "/opt/chrome"),
])
def test_values_are_converted_by_type(name, value, converted):
    assert check_overrides({name: value}) == {name: converted}


@pytest.mark.parametrize(("name", "value", "message"), [
    ("KZPRIVACY_MAX_PAGES", "many", "KZPRIVACY_MAX_PAGES is a whole number, not 'many'"),
    ("KZPRIVACY_MAX_PAGES", "0", "KZPRIVACY_MAX_PAGES must be from 1 to 500, not '0'"),
    ("KZPRIVACY_MAX_PAGES", "2.5", "a whole number"),
    ("KZPRIVACY_PARSE_TIMEOUT", "soon", "KZPRIVACY_PARSE_TIMEOUT is a number, not 'soon'"),
    ("KZPRIVACY_PARSE_WORKERS", "-1", "KZPRIVACY_PARSE_WORKERS must be at least 0"),
    ("KZPRIVACY_FORM_PROBE", "maybe", "KZPRIVACY_FORM_PROBE is true or false, not 'maybe'"),
    ("KZPRIVACY_MODE", "firefox", "KZPRIVACY_MODE is one of http, browser, not 'firefox'"),
    ("KZPRIVACY_PROXY", "127.0.0.1:3128", "KZPRIVACY_PROXY is an http:// or https:// URL"),
])
def test_bad_values_are_refused_with_what_the_setting_takes(name, value, message):
    with pytest.raises(SettingError, match=re.escape(message)):
        check_overrides({name: value})


def test_checked_values_work_as_scrapy_settings(project):
    project.setdict(check_overrides({"KZPRIVACY_ALLOW_PRIVATE_HOSTS": "a.lan,b.lan", "KZPRIVACY_FORM_PROBE": "no",
                                     "CONCURRENT_REQUESTS": "8"}), priority="cmdline")
    assert project.getlist("KZPRIVACY_ALLOW_PRIVATE_HOSTS") == ["a.lan", "b.lan"]
    assert project.getbool("KZPRIVACY_FORM_PROBE") is False and project.getint("CONCURRENT_REQUESTS") == 8


def test_the_command_line_refuses_a_misspelt_setting_before_crawling(tmp_path):
    result = run_cli("scan", "a-demo.kz", "-s", "KZPRIVACY_MAX_PAGE=3", "--out", str(tmp_path), check=False)
    assert result.returncode == 2
    assert "unknown kzprivacy setting 'KZPRIVACY_MAX_PAGE' (did you mean KZPRIVACY_MAX_PAGES?)" in result.stderr
    assert not (tmp_path / "kzprivacy.db").exists()  # nothing started
    result = run_cli("scan", "a-demo.kz", "-s", "KZPRIVACY_SITES_AT_ONCE=lots", "--out", str(tmp_path), check=False)
    assert result.returncode == 2 and "KZPRIVACY_SITES_AT_ONCE is a whole number, not 'lots'" in result.stderr


def test_kzprivacy_settings_prints_every_setting_with_its_default():
    text = run_cli("settings").stdout
    for row in SETTINGS:
        assert f"{row.name} = {row.shown_default()}" in text
    assert "KZPRIVACY_MAX_PAGES = 20  (int, from 1 to 500)" in text
    assert "CONCURRENT_REQUESTS = 384" in text  # a Scrapy setting kzprivacy changes, with Scrapy's default
    assert all(name in text for name, _ in ENVIRONMENT)
    data = json.loads(run_cli("settings", "--json").stdout)
    assert [r["name"] for r in data["settings"]] == [row.name for row in SETTINGS]
    assert data["settings"][[r.name for r in SETTINGS].index("KZPRIVACY_MAX_PAGES")]["default"] == 20


def test_docs_settings_page_is_the_table():
    page = DOCS.read_text(encoding="utf-8")
    generated = page.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert generated == render_markdown().strip(), \
        "docs/settings.md is stale: run `python -m kzprivacy.crawler.settings_table docs/settings.md`"
    for row in SETTINGS:
        assert f"| `{row.name}` |" in page


def test_a_row_is_found_by_name():
    assert setting("KZPRIVACY_BROWSER_SITES").default == 4
    with pytest.raises(KeyError):
        setting("KZPRIVACY_NOPE")


def test_a_crawl_started_by_scrapy_itself_refuses_unknown_names_and_bad_text_values():
    from scrapy.utils.test import get_crawler

    import kzprivacy.crawler.settings as project_module
    from kzprivacy.crawler.settings_table import CheckSettings

    def crawler(**values):
        settings = {name: getattr(project_module, name) for name in dir(project_module) if name.isupper()}
        return get_crawler(settings_dict={**settings, **values})

    assert isinstance(CheckSettings.from_crawler(crawler()), CheckSettings)
    # What the commands set, already converted, passes as it is.
    CheckSettings.from_crawler(crawler(KZPRIVACY_MAX_PAGES=3, KZPRIVACY_PROXY="http://p:3128", KZPRIVACY_WARC_DIR="w"))
    with pytest.raises(SettingError, match="did you mean KZPRIVACY_MAX_PAGES"):
        CheckSettings.from_crawler(crawler(KZPRIVACY_MAX_PAGE="3"))
    with pytest.raises(SettingError, match="KZPRIVACY_FORM_PROBE is true or false, not 'sometimes'"):
        CheckSettings.from_crawler(crawler(KZPRIVACY_FORM_PROBE="sometimes"))
    assert project_module.EXTENSIONS["kzprivacy.crawler.settings_table.CheckSettings"] == 0


def test_command_line_options_take_their_defaults_from_the_table():
    from kzprivacy.app.plan import CrawlPlan
    from kzprivacy.cli import main

    max_pages, consent = setting("KZPRIVACY_MAX_PAGES"), setting("KZPRIVACY_CONSENT")
    for name in ("scan", "demo", "weekly", "enqueue"):
        params = {p.name: p for p in main.commands[name].params}
        assert params["max_pages"].default == max_pages.default, name
        assert (params["max_pages"].type.min, params["max_pages"].type.max) == (max_pages.minimum, max_pages.maximum)
        assert params["consent"].default == consent.default and tuple(params["consent"].type.choices) == consent.choices
    assert CrawlPlan().max_pages == max_pages.default
    assert CrawlPlan.from_record("http", {}).max_pages == max_pages.default

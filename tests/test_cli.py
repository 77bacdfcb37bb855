"""The command line as a user meets it: progress, summary, errors, help."""

from __future__ import annotations

from scrapy.http import Request

from conftest import run_cli


def test_scan_shows_progress_and_a_summary(sample_web, tmp_path):
    result = run_cli("scan", "kitap-demo.kz", "not a domain", "dead-demo.kz", "--proxy", sample_web.proxy_url,
                     "--out", str(tmp_path), "--crawl-id", "p", "--timeout", "4")
    # The progress display ends at all sites done, with pages and failures counted.
    assert "2/2 sites" in result.stderr and "1 failed" in result.stderr
    assert "skipped 'not a domain'" in result.stderr
    assert "Crawl p: 3 sites, 1 ok, failed: 1 dns_error, 1 invalid." in result.stdout
    assert f"Database: {tmp_path / 'kzprivacy.db'}" in result.stdout


def test_summary_command_reads_a_stored_crawl(sample_crawl):
    result = run_cli("summary", "--out", str(sample_crawl.out), "--format", "json")
    import json

    data = json.loads(result.stdout)
    assert data["crawl_id"] == "test" and data["statuses"]["ok"] >= 20 and data["findings"] > 0


def test_a_scan_with_nothing_to_scan_is_a_usage_error(tmp_path):
    result = run_cli("scan", "not a domain", "--out", str(tmp_path), check=False)
    assert result.returncode == 2 and "no valid domains" in result.stderr


def test_bad_set_option_is_rejected(tmp_path):
    result = run_cli("scan", "a-demo.kz", "-s", "NOEQUALS", "--out", str(tmp_path), check=False)
    assert result.returncode == 2 and "NAME=VALUE" in result.stderr


def test_every_command_has_help():
    result = run_cli("--help")
    for command in ("scan", "demo", "analyze", "policy", "summary", "trackers"):
        assert command in result.stdout
        assert run_cli(command, "--help").stdout.startswith("Usage:")


def test_the_private_address_guard_refuses_loopback_without_a_proxy():
    """A scan without a proxy must not reach the machine's own or its LAN's services."""

    import pytest

    from kzprivacy.crawler.errors import BlockedPrivateAddress, classify_failure
    from kzprivacy.crawler.middlewares import PrivateAddressGuard

    guard = PrivateAddressGuard.__new__(PrivateAddressGuard)
    guard.allowed = set()
    for url in ("http://127.0.0.1/", "http://10.1.2.3/", "http://[::1]/", "http://192.168.0.10:8080/x"):
        with pytest.raises(BlockedPrivateAddress) as info:
            guard.process_request(Request(url))
        assert classify_failure(info.value)[0] == "blocked_private_address"
    proxied = Request("http://medshop-demo.kz/", meta={"proxy": "http://127.0.0.1:3128"})
    assert guard.process_request(proxied) is None  # behind a proxy, names are the proxy's to resolve


def test_summary_and_analyze_of_a_missing_database_say_so_and_create_nothing(tmp_path):
    for command in ("summary", "analyze"):
        result = run_cli(command, "--out", str(tmp_path), check=False)
        assert result.returncode == 2 and "no database at" in result.stderr, command
    assert not (tmp_path / "kzprivacy.db").exists()


def test_policy_command_names_the_document_type_and_its_declarations(tmp_path):
    consent = tmp_path / "consent.txt"
    consent.write_text("Дербес деректерді өңдеуге келісім\nМен келесі деректерімді өңдеуге келісім беремін:\n"
                       "Аты\nТегі\nE-mail\nТелефон\n", encoding="utf-8")
    result = run_cli("policy", str(consent))
    assert f"== {consent}  (txt, kk, consent)" in result.stdout
    for category in ("name", "email", "phone"):
        assert f"declared  {category}" in result.stdout, result.stdout

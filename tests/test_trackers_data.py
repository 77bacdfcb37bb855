"""The data file itself: schema, vocabulary, coverage and internal consistency."""

from __future__ import annotations

import re
from collections import Counter

import pytest

import kzprivacy  # noqa: F401  (sets the offline tldextract environment first)
from kzprivacy.vocabulary.trackers import CATEGORIES, lookup_cookie, lookup_url, services
from kzprivacy.vocabulary.trackers._model import iso_countries, raw_data, validate

RAW = raw_data()


def test_data_file_has_no_problems():
    assert validate(RAW) == []


def test_validate_reports_broken_entries():
    broken = {
        "services": [
            {
                "id": "Bad Id",
                "name": "x",
                "company": "x",
                "country": "XX",
                "category": "tracking",
                "tracking": "yes",
                "source": "example.com/privacy",
                "reviewed": "someday",
                "hosts": ["Example.COM"],
                "cookies": [{"name": "sessionid"}],
                "signatures": [{"regex": "(unclosed", "hint": "x"}],
            }
        ]
    }
    problems = "\n".join(validate(broken))
    for expected in (
        "id must be",
        "category 'tracking'",
        "country 'XX'",
        "tracking must be",
        "source must be a URL",
        "reviewed must be a date",
        "host 'Example.COM'",
        "first_party: true or the domains",
        "regex does not compile",
    ):
        assert expected in problems


def test_at_least_150_services():
    assert len(services()) >= 150


def test_categories_are_the_agreed_ones():
    assert set(CATEGORIES) == {
        "analytics", "advertising", "social", "session_replay", "chat", "forms_crm", "call_tracking",
        "maps", "payments", "video", "fonts", "cdn", "captcha", "tag_manager", "other",
    }
    used = Counter(s.category for s in services())
    assert set(used) <= set(CATEGORIES)
    # The base is meant to cover the kinds of services .kz sites load, not only ads.
    for category in ("analytics", "advertising", "chat", "payments", "call_tracking", "maps", "cdn"):
        assert used[category] >= 3, category


def test_countries_are_iso_alpha2():
    codes = iso_countries()
    assert len(codes) == 249 and codes["KZ"] == "Kazakhstan"
    for svc in services():
        assert svc.country in codes, (svc.id, svc.country)


def test_every_entry_has_source_and_review_date():
    for svc in services():
        assert re.match(r"^https?://[^\s/]+\.[^\s/]+", svc.source), svc.id
        assert re.match(r"^\d{4}-\d{2}-\d{2}$", svc.reviewed), svc.id


def test_no_host_pattern_is_claimed_twice():
    owners = Counter(host for svc in services() for host in svc.hosts)
    assert [h for h, n in owners.items() if n > 1] == []
    paths = Counter(p for svc in services() for p in svc.paths)
    assert [p for p, n in paths.items() if n > 1] == []


def test_every_host_pattern_resolves_to_its_own_service():
    # Guards against a longer host of one service being shadowed by a path rule of another.
    for svc in services():
        for host in svc.hosts:
            assert lookup_url(f"https://{host}/").service is svc, host
        for pattern in svc.paths:
            url = "https://" + pattern.replace("*", "en_US")
            assert lookup_url(url).service is svc, pattern


def test_cookie_patterns_say_where_they_apply():
    for svc in services():
        for cookie in svc.cookies:
            assert cookie.first_party != bool(cookie.domains), (svc.id, cookie.name)
            assert "*" not in cookie.name[:-1], (svc.id, cookie.name)


def test_generic_names_are_not_vendor_patterns():
    generic = {g["name"] for g in RAW["generic_cookies"]}
    for name in ("sessionid", "PHPSESSID", "csrftoken", "JSESSIONID"):
        assert name in generic
    for svc in services():
        for cookie in svc.cookies:
            if cookie.first_party:
                assert cookie.name not in generic, (svc.id, cookie.name)


def test_first_party_patterns_do_not_collide_across_services():
    # Two services claiming the same first-party cookie name would make the answer depend
    # on file order.
    seen: dict[str, str] = {}
    for svc in services():
        for cookie in svc.cookies:
            if cookie.first_party:
                assert seen.setdefault(cookie.name, svc.id) == svc.id, cookie.name


@pytest.mark.parametrize(
    "service_id",
    [
        # global
        "google_analytics", "google_tag_manager", "google_ads", "doubleclick", "google_fonts", "google_maps",
        "google_recaptcha", "youtube", "meta_pixel", "facebook", "instagram", "tiktok_pixel", "twitter",
        "linkedin_insight", "microsoft_clarity", "microsoft_advertising", "hotjar", "cloudflare_cdnjs",
        "cloudflare_insights", "cloudflare_turnstile", "jsdelivr", "unpkg",
        # regional
        "yandex_metrica", "yandex_webvisor", "yandex_maps", "yandex_ads", "yandex_static", "yandex_forms",
        "vk", "vk_pixel", "top_mail_ru", "ok_ru", "mail_ru", "bitrix24", "jivo", "twogis", "kaspi_pay",
        "halyk_epay", "tilda", "lpmotor", "marquiz", "roistat", "carrot_quest", "callibri", "envybox",
        "calltouch", "uis_comagic", "amocrm", "wazzup", "chatra", "cloudpayments", "egov_kz", "freedom_pay",
        "kassa24", "telegram", "whatsapp",
    ],
)
def test_services_the_issue_names_are_present(service_id):
    ids = {s.id for s in services()}
    assert service_id in ids


def test_kazakh_services_are_marked_kz():
    by_id = {s.id: s for s in services()}
    for sid in ("kaspi_pay", "kaspi", "halyk_epay", "freedom_pay", "egov_kz", "kassa24", "zero_kz"):
        assert by_id[sid].country == "KZ", sid
    assert by_id["google_analytics"].company == "Google LLC" and by_id["google_analytics"].country == "US"
    assert by_id["meta_pixel"].company == "Meta Platforms, Inc."
    assert by_id["vk"].company == "VK LLC" and by_id["vk"].country == "RU"
    assert by_id["yandex_metrica"].country == "RU"
    assert by_id["kaspi_pay"].company == "Kaspi Bank JSC"


def test_issue_examples_of_cookies_lists_miss():
    # Public cookie databases miss these; the base must not.
    for name, expected in {
        "tmr_lvid": "top_mail_ru",
        "BITRIX_SM_GUEST_ID": "bitrix_site_manager",
        "jv_enter_ts_Xy12AbCdEf": "jivo",
        "roistat_visit": "roistat",
        "tildauid": "tilda",
    }.items():
        assert lookup_cookie(name, "shop.kz", "shop.kz").service_id == expected, name


def test_docs_state_the_current_counts():
    # docs/trackers.md quotes `kzprivacy trackers list --summary`; keep them in step.
    from pathlib import Path

    from kzprivacy.cli.trackers import summary

    docs = (Path(__file__).resolve().parents[1] / "docs" / "trackers.md").read_text(encoding="utf-8")
    info = summary()
    assert f"**{info['services']} services**" in docs
    for region, label in (("KZ", "Kazakhstan (country `KZ`)"), ("CIS (excluding KZ)", "other CIS"),
                          ("global", "global")):
        assert re.search(rf"\| {re.escape(label)}[^|]*\| {info['by_region'][region]} \|", docs), region
    assert "By country: " + ", ".join(f"{k} {v}" for k, v in info["by_country"].items()) in " ".join(docs.split())
    assert "By category: " + ", ".join(f"{k} {v}" for k, v in info["by_category"].items()) in " ".join(docs.split())


def test_cli_list_summary():
    import json

    from click.testing import CliRunner

    from kzprivacy.cli.trackers import trackers

    result = CliRunner().invoke(trackers, ["list", "--summary", "--format", "json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["services"] == len(services()) == sum(info["by_region"].values())
    assert info["by_region"]["KZ"] == sum(1 for s in services() if s.country == "KZ")
    listing = CliRunner().invoke(trackers, ["list"])
    assert listing.exit_code == 0
    assert "kaspi_pay\tKaspi Pay" in listing.output

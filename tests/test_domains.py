from pathlib import Path

import pytest

from kzprivacy.vocabulary.domains import InvalidEntry, normalize_entry, parse_entries, read_entries


@pytest.mark.parametrize(("entry", "site", "ascii_host"), [
    ("clickservice.kz", "clickservice.kz", "clickservice.kz"),
    ("https://WWW.WebPulse.KZ/ru/about?x=1", "webpulse.kz", "webpulse.kz"),
    ("http://shop.example.com.kz:8080/", "shop.example.com.kz", "shop.example.com.kz"),
    ("мысал.қаз", "мысал.қаз", "xn--80awbu3c.xn--80ao21a"),
    ("xn--80awbu3c.xn--80ao21a", "мысал.қаз", "xn--80awbu3c.xn--80ao21a"),
    ("  Example.kz.  ", "example.kz", "example.kz"),
])
def test_entries_are_normalised(entry, site, ascii_host):
    normalized = normalize_entry(entry)
    assert (normalized.site, normalized.ascii_host) == (site, ascii_host)
    assert normalized.start_url == f"https://{ascii_host}/"


@pytest.mark.parametrize("entry", ["", "bad_domain.kz", "kz", "1.2.3.4", "ftp://files.kz", "-a.kz", "a..kz",
                                   "http://", "exa mple.kz"])
def test_invalid_entries_raise_with_a_reason(entry):
    with pytest.raises(InvalidEntry) as info:
        normalize_entry(entry)
    assert str(info.value)


def test_parse_entries_skips_comments_blank_lines_and_duplicates():
    sites, rejected = parse_entries([
        "# a comment", "", "clickservice.kz", "https://www.clickservice.kz/", "webpulse.kz  # inline note",
        "http://docs.kz/#section", "not a domain",
    ])
    assert [s.site for s in sites] == ["clickservice.kz", "webpulse.kz", "docs.kz"]
    assert [r[0] for r in rejected] == ["not a domain"]


def test_read_entries_accepts_a_csv_with_a_site_column(tmp_path: Path):
    path = tmp_path / "list.csv"
    path.write_text("rank;Site;owner\n1;clickservice.kz;A\n2;мысал.қаз;B\n3;;C\n", encoding="utf-8-sig")
    sites, rejected = read_entries(path)
    assert [s.site for s in sites] == ["clickservice.kz", "мысал.қаз"]
    assert rejected == []


def test_read_entries_accepts_a_plain_list_in_windows_1251(tmp_path: Path):
    path = tmp_path / "list.txt"
    path.write_bytes("# список\nclickservice.kz\nмысал.қаз\n".encode())
    sites, _ = read_entries(path)
    assert [s.ascii_host for s in sites] == ["clickservice.kz", "xn--80awbu3c.xn--80ao21a"]
    path.write_bytes("# список сайтов\nclickservice.kz\n".encode("cp1251"))
    sites, _ = read_entries(path)
    assert [s.site for s in sites] == ["clickservice.kz"]

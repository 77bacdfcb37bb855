"""Worst-case inputs: every extraction stays linear and bounded, and says when a cap cut something.

The inputs are generated (kzprivacy/sampleweb/bombs.py). No timing is asserted: a quadratic
extraction would not finish these in any reasonable time, so the suite itself is the clock."""

from __future__ import annotations

import pytest

from kzprivacy.extract.documents import DocumentError, DocumentTooLarge, html_to_document, to_document
from kzprivacy.extract.html import dom_depth_warning, extract_forms, extract_links, extract_resources, selector
from kzprivacy.extract.limits import Caps
from kzprivacy.extract.policy import policy_links
from kzprivacy.sampleweb import bombs

URL = "https://shop-demo.kz/"


def test_fifty_thousand_links_in_one_container_keep_the_footer_policy_link_and_say_they_were_cut():
    warnings: list[str] = []
    links = extract_links(bombs.many_links_page(50_000), URL, Caps(links=3000), warnings)
    assert len(links) == 3000
    assert warnings == ["links: kept 3000 of 50001"]
    assert policy_links(links)[0].url == "https://shop-demo.kz/privacy"
    # the context of a link is its parent's text, bounded
    assert all(len(link.context) <= 300 for link in links)
    assert links[0].context.startswith("Товар 0 Товар 1")


def test_the_crawlers_whole_link_discovery_on_that_page_is_bounded_too():
    """page_links adds builder, onclick and consent-label links: each looked-at element costs a bounded walk."""
    from kzprivacy.extract.discovery import page_links

    warnings: list[str] = []
    links = page_links(bombs.many_links_page(50_000), URL, Caps(links=3000), warnings)
    assert len(links) == 3000 and warnings == ["links: kept 3000 of 50001"]


def test_links_under_the_cap_are_all_kept_without_a_warning():
    warnings: list[str] = []
    links = extract_links(bombs.many_links_page(100), URL, Caps(links=3000), warnings)
    assert len(links) == 101 and warnings == []


def test_a_ten_thousand_field_form_is_read_up_to_the_field_cap():
    warnings: list[str] = []
    forms = extract_forms(bombs.many_fields_page(10_000), URL, caps=Caps(fields=300), warnings=warnings)
    assert len(forms) == 1 and len(forms[0].fields) == 300
    assert forms[0].fields[299].label == "Поле 299"  # labels found through the index of <label for>
    assert warnings == ["fields of form 0: kept 300 of 10000"]


def test_two_thousand_forms_are_read_up_to_the_form_cap_with_their_headings():
    warnings: list[str] = []
    forms = extract_forms(bombs.many_forms_page(2000), URL, caps=Caps(forms=50), warnings=warnings)
    assert len(forms) == 50 and warnings == ["forms: kept 50 of 2000"]
    assert forms[49].heading == "Форма 49"
    assert forms[0].fields[0].category == "phone"


def test_tables_nested_four_hundred_deep_keep_the_footer_link_and_are_flagged():
    html = bombs.deep_tables_page(400)  # table > tr > td: 1,200 levels
    sel = selector(html)
    assert [link.url for link in extract_links(sel, URL)] == ["https://shop-demo.kz/privacy"]
    assert dom_depth_warning(sel.root, Caps(dom_depth=512)) == "dom depth: kept 512 of 1202"
    assert dom_depth_warning(selector("<p>x</p>").root, Caps(dom_depth=512)) is None
    document = html_to_document(html)  # iterative: no RecursionError
    assert "глубоко" not in document.text  # deeper than the cap: not read


def test_nesting_past_the_parsers_limit_is_said_on_the_row():
    sel = selector(bombs.deep_tables_page(20_000))
    assert "not read" in dom_depth_warning(sel.root)
    html_to_document(bombs.deep_tables_page(20_000))  # no RecursionError


def test_a_multi_megabyte_one_line_script_does_not_hide_what_follows_it():
    html = bombs.long_script_page(8 * 1024 * 1024)
    assert [link.url for link in extract_links(html, URL)] == ["https://shop-demo.kz/privacy"]
    assert extract_resources(html, URL) == []


def test_resources_are_capped():
    html = "<html><body>" + "".join(f'<img src="https://px-demo.kz/{i}.gif">' for i in range(5000)) + "</body></html>"
    warnings: list[str] = []
    assert len(extract_resources(html, URL, Caps(resources=2000), warnings)) == 2000
    assert warnings == ["resources: kept 2000 of 5000"]


def test_policy_text_is_cut_at_the_text_cap():
    html = "<html><body><main>" + "<p>Мы обрабатываем персональные данные.</p>" * 50_000 + "</main></body></html>"
    document = to_document(html.encode(), text=html, content_type="text/html", caps=Caps(text_chars=100_000))
    assert len(document.text) == 100_000
    assert document.warnings == [f"text characters: kept 100000 of {len(html_to_document(html).text)}"]


def test_a_pdf_with_thousands_of_pages_is_read_up_to_the_page_cap():
    document = to_document(bombs.pdf_many_pages(3000), content_type="application/pdf", caps=Caps(pdf_pages=50))
    assert document.text.count("Privacy policy") == 50
    assert document.warnings == ["pdf pages: kept 50 of more than 50"]


def test_a_pdf_stream_bomb_is_too_large_before_it_is_inflated():
    with pytest.raises(DocumentTooLarge, match="inflate past"):
        to_document(bombs.pdf_stream_bomb(1024 * 1024 * 1024), content_type="application/pdf")


@pytest.mark.parametrize(("body", "reason"), [
    (bombs.docx_zip_bomb(200 * 1024 * 1024), "inflates to"),
    (bombs.docx_many_parts(5000), "parts"),
    (bombs.docx_entity_bomb(), "entity"),
])
def test_docx_bombs_are_too_large(body, reason):
    with pytest.raises(DocumentTooLarge, match=reason):
        to_document(body, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def test_a_broken_docx_is_still_a_parse_error_not_too_large():
    with pytest.raises(DocumentError) as info:
        to_document(b"PK\x03\x04 not really a zip", url="https://a-demo.kz/p.docx")
    assert not isinstance(info.value, DocumentTooLarge)

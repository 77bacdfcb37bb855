"""Discovery as real sites do it, on snippets written in our own words for each pattern seen in the wild:
builder buttons, onclick navigation, consent-label links, policies inside the page, policies named without a
link, and short policies."""

from __future__ import annotations

from kzprivacy.extract.discovery import (discovery_links, extract_consent_links, extract_script_links,
                                       in_page_policies, policy_mentions)
from kzprivacy.extract.html import extract_links
from kzprivacy.extract.policy import document_kind, is_policy_score, link_document_kind, policy_links

PAGE = "https://builder-demo.kz/"


def _best(html: str):
    links = extract_links(html, PAGE) + discovery_links(html, PAGE)
    return policy_links(links)


def test_a_builder_button_with_data_page_link_is_a_policy_link():
    html = """<html><body><div class="lpm-footer">
      <div class="lpm-button" data-page-link="/pages/politika-obrabotki-dannyh"><span>Политика конфиденциальности</span></div>
    </div></body></html>"""
    ranked = _best(html)
    assert ranked[0].url == "https://builder-demo.kz/pages/politika-obrabotki-dannyh"
    assert ranked[0].found_via == "builder_link" and ranked[0].score >= 0.6


def test_other_builder_attributes_are_read_too():
    for attr in ("data-href", "data-url", "data-link"):
        html = f'<html><body><p {attr}="/privacy-notice">Политика конфиденциальности</p></body></html>'
        links = extract_script_links(html, PAGE)
        assert [(link.url, link.via) for link in links] == [("https://builder-demo.kz/privacy-notice", "builder")], attr


def test_onclick_navigation_and_window_open_are_links():
    html = """<html><body><footer>
      <span class="link" onclick="location.href='/docs/privacy-statement'">Политика обработки персональных данных</span>
      <button type="button" onclick="window.open('https://files-demo.kz/policy.pdf', '_blank')">Политика (PDF)</button>
      <span onclick="window.location = &quot;/terms&quot;">Пользовательское соглашение</span>
      <span onclick="doSomething()">Подробнее</span>
    </footer></body></html>"""
    links = extract_script_links(html, PAGE)
    assert [(link.url, link.region, link.via) for link in links] == [
        ("https://builder-demo.kz/docs/privacy-statement", "footer", "script"),
        ("https://files-demo.kz/policy.pdf", "footer", "script"),
        ("https://builder-demo.kz/terms", "footer", "script")]
    ranked = policy_links(links)
    assert ranked[0].url.endswith("/docs/privacy-statement") and ranked[0].found_via == "script_link"
    assert "https://builder-demo.kz/terms" not in [c.url for c in ranked if c.score >= 0.4]


def test_javascript_and_hostile_onclick_values_give_no_link():
    html = """<html><body><span onclick="location.href='javascript:alert(1)'">Политика конфиденциальности</span>
    <span onclick="location.href='""" + "x" * 5000 + """'">Политика</span></body></html>"""
    assert extract_script_links(html, PAGE) == []


def test_formaction_and_rel_privacy_policy():
    html = """<html><head><link rel="privacy-policy" href="/legal/privacy"></head><body>
      <form><button formaction="/docs/personal-data">Политика обработки персональных данных</button></form></body></html>"""
    ranked = _best(html)
    assert ranked[0].url == "https://builder-demo.kz/legal/privacy" and ranked[0].score == 1.0
    assert "https://builder-demo.kz/docs/personal-data" in [c.url for c in ranked]


CONSENT_FORM = """<html><body><form action="/send" method="post">
  <input name="name" placeholder="Имя"><input name="phone" type="tel">
  <label class="checkbox"><input type="checkbox" name="agree" required>
    Я принимаю <a href="/regulation.html">Положение</a> и даю <a href="/consent.html">Согласие на обработку
    персональных данных</a></label>
  <button>Отправить</button></form></body></html>"""


def test_consent_label_links_tell_the_regulation_from_the_consent():
    links = extract_consent_links(CONSENT_FORM, PAGE)
    assert [(link.url, link.region) for link in links] == [("https://builder-demo.kz/regulation.html", "consent"),
                                                            ("https://builder-demo.kz/consent.html", "consent")]
    ranked = _best(CONSENT_FORM)
    by_url = {c.url: c for c in ranked}
    regulation, consent = by_url["https://builder-demo.kz/regulation.html"], by_url["https://builder-demo.kz/consent.html"]
    assert regulation.found_via == consent.found_via == "consent_link"
    assert regulation.score >= 0.5 and 0.4 <= consent.score < regulation.score  # both followed, policy first
    assert link_document_kind("Согласие на обработку персональных данных") == "consent"
    assert link_document_kind("Пользовательское соглашение") == "terms"
    assert link_document_kind("Публичная оферта") == "offer"
    assert link_document_kind("Политика конфиденциальности") == "privacy_policy"


def test_a_bare_polozhenie_outside_a_personal_data_context_is_not_a_policy():
    html = '<html><body><p>Документы: <a href="/reg">Положение</a> о скидках</p></body></html>'
    assert [c for c in _best(html) if c.score >= 0.4] == []


def test_consent_notice_without_checkbox_in_a_form_and_in_kazakh():
    html = """<html><body><form><input name="phone" type="tel">
      <p class="note">Нажимая кнопку, вы соглашаетесь с <a href="/doc/1">условиями обработки персональных данных</a></p>
      <div><input type="checkbox" id="c"><label for="c">Мен <a href="/kk/ereje">дербес деректерді өңдеу ережесімен</a>
      келісемін</label></div></form></body></html>"""
    urls = [link.url for link in extract_consent_links(html, PAGE)]
    assert urls == ["https://builder-demo.kz/doc/1", "https://builder-demo.kz/kk/ereje"]


def test_document_kinds_of_fetched_documents():
    consent = ("Согласие на обработку персональных данных\nЯ даю согласие ТОО «Пример» на сбор и обработку моих "
               "персональных данных: имени и телефона.") * 3
    policy = ("Политика конфиденциальности\nОператор обрабатывает персональные данные пользователей, хранит их "
              "и защищает, не передаёт третьим лицам без согласия субъекта. Сайт использует cookie.") * 3
    assert document_kind("Согласие на обработку персональных данных", consent, 0.8) == "consent"
    assert document_kind("Келісім", "Дербес деректерді жинауға және өңдеуге келісім\nМен келісемін.", 0.6) == "consent"
    assert document_kind("Политика конфиденциальности", policy, is_policy_score("Политика конфиденциальности",
                                                                               policy)) == "privacy_policy"
    assert document_kind("Пользовательское соглашение", "Соглашение об использовании сайта.", 0.1) == "terms"
    assert document_kind("Публичная оферта", "Договор оферты.", 0.1) == "offer"
    assert document_kind("Новости", "Сегодня открылся новый филиал.", 0.0) == "other"


MODAL = """<html><body><main><h1>Личный кабинет</h1><form><input name="login"><input type="password" name="pw">
  <label><input type="checkbox"> Я согласен с <a href="#privacyModal" data-toggle="modal">политикой</a></label></form></main>
<div class="modal fade" id="privacyModal" tabindex="-1" role="dialog" aria-hidden="true">
  <div class="modal-dialog"><div class="modal-content">
    <div class="modal-header"><h5 class="modal-title">Политика конфиденциальности</h5>
      <button type="button" class="close" data-dismiss="modal">×</button></div>
    <div class="modal-body"><p>ТОО «Портал Демо» обрабатывает персональные данные пользователей портала: фамилию,
      имя, номер телефона и адрес электронной почты, чтобы вести учётную запись.</p>
      <p>Данные хранятся три года и не передаются третьим лицам без согласия. Пользователь вправе отозвать согласие,
      написав на privacy@portal-demo.kz.</p></div>
  </div></div></div></body></html>"""


def test_a_policy_in_a_modal_is_kept_with_its_own_text():
    found = in_page_policies(MODAL, PAGE)
    assert len(found) == 1
    policy = found[0]
    assert (policy.anchor, policy.container, policy.heading) == ("privacyModal", "modal", "Политика конфиденциальности")
    assert policy.trigger == "политикой"
    assert "хранятся три года" in policy.text and "×" not in policy.text and "Личный кабинет" not in policy.text
    assert is_policy_score(policy.heading, policy.text, "", policy.trigger) >= 0.5


def test_policies_in_a_template_a_section_and_a_hidden_block():
    body = ("<p>Мы обрабатываем персональные данные посетителей: имя и телефон из формы заявки. Данные не передаются "
            "третьим лицам, хранятся один год, по запросу удаляются. Обращения: info@example-demo.kz.</p>")
    for wrapper, kind in ((f'<template id="pp"><h2>Политика конфиденциальности</h2>{body}</template>', "template"),
                          (f'<section id="privacy"><h2>Политика конфиденциальности</h2>{body}</section>', "section"),
                          (f'<div style="display: none"><b>Политика обработки персональных данных</b>{body}</div>',
                           "hidden")):
        html = f"<html><body><h1>Главная</h1><p>Услуги и цены.</p>{wrapper}</body></html>"
        found = in_page_policies(html, PAGE)
        assert [p.container for p in found] == [kind], kind
        assert "хранятся один год" in found[0].text


def test_sections_that_only_mention_a_policy_or_are_consents_are_not_in_page_policies():
    html = """<html><body>
      <section><h2>О компании</h2><p>Мы работаем с 2010 года. Политика конфиденциальности — на отдельной странице.</p></section>
      <div class="modal" id="c"><h3>Согласие на обработку персональных данных</h3><p>""" + "Я даю согласие. " * 20 + """</p></div>
      <section><h2>Политика конфиденциальности</h2><p><a href="/privacy">Читать</a></p></section>
    </body></html>"""
    assert in_page_policies(html, PAGE) == []


def test_a_policy_named_in_plain_text_is_a_mention_and_prose_is_not():
    footer = """<html><body><main><article><h1>Статья</h1><p>Юристы объясняют, что должно быть написано в политике
      конфиденциальности сайта и почему многие сайты копируют чужие тексты, не проверяя их.</p></article></main>
      <footer><p>© 2024 ТОО «Пример Демо»</p><p>Политика конфиденциальности</p>
      <p><a href="/privacy-2">Политика конфиденциальности</a></p></footer></body></html>"""
    assert policy_mentions(footer) == ["Политика конфиденциальности"]
    prose = footer.replace("<p>Политика конфиденциальности</p>", "")
    assert policy_mentions(prose) == []
    kazakh = "<html><body><div class='copy'>Құпиялылық саясаты</div></body></html>"
    assert policy_mentions(kazakh) == ["Құпиялылық саясаты"]
    consent = ("<html><body><form><input name='phone'><p>Отправляя форму, я соглашаюсь с политикой "
               "конфиденциальности и даю согласие на звонок.</p></form></body></html>")
    assert len(policy_mentions(consent)) == 1


def test_a_short_policy_titled_as_the_policy_is_kept_and_other_short_pages_are_not():
    short = ("Политика конфиденциальности\nМы собираем имя и телефон только чтобы перезвонить вам. "
             "Данные не передаются третьим лицам.")
    assert len(short) < 300
    assert is_policy_score("Политика конфиденциальности", short) >= 0.5
    assert is_policy_score("", short, "https://a-demo.kz/privacy", "Политика конфиденциальности") >= 0.5
    assert is_policy_score("Политика конфиденциальности", "Страница не найдена") < 0.5
    assert is_policy_score("Спасибо", "Спасибо! Ваша заявка принята, мы обработаем её и перезвоним.") < 0.5
    assert is_policy_score("Согласие на обработку персональных данных",
                           "Согласие на обработку персональных данных\nЯ даю согласие на обработку.") < 0.5


def test_documents_are_told_apart_in_kazakh_and_english_too():
    assert link_document_kind("Дербес деректерді өңдеуге келісім") == "consent"
    assert link_document_kind("Consent to the processing of personal data") == "consent"
    assert link_document_kind("Пайдаланушы келісімі") == "terms"
    assert link_document_kind("Пайдалану шарттары") == "terms"
    assert link_document_kind("Terms of Use") == "terms"
    assert link_document_kind("Жария оферта") == "offer"
    assert link_document_kind("Public offer") == "offer"
    assert link_document_kind("Құпиялылық саясаты") == "privacy_policy"
    assert link_document_kind("Privacy Policy") == "privacy_policy"
    # «Ереже» in a Kazakh consent label names the regulation, as «Положение» does in Russian.
    html = """<html><body><form><input name="phone">
      <label><input type="checkbox"> <a href="/ereje">Ережені</a> қабылдаймын және <a href="/kelisim">дербес деректерді
      өңдеуге келісім</a> беремін</label></form></body></html>"""
    by_url = {c.url: c for c in _best(html)}
    assert by_url["https://builder-demo.kz/ereje"].score > by_url["https://builder-demo.kz/kelisim"].score >= 0.4


def test_a_dead_link_names_the_policy_as_plain_text_does():
    html = """<html><body><footer><a href="javascript:void(0)">Политика конфиденциальности</a>
      <a href="#">Құпиялылық саясаты</a><a href="/privacy-x">Privacy policy</a></footer></body></html>"""
    assert policy_mentions(html) == ["Политика конфиденциальности", "Құпиялылық саясаты"]


def test_a_tilda_style_popup_is_found_by_its_hook():
    html = """<html><body><a href="#popup:privacy">Политика конфиденциальности</a>
      <div class="t-popup" data-tooltip-hook="#popup:privacy"><div class="t-popup__container">
        <div class="t-text">Мы обрабатываем персональные данные, которые вы оставляете в форме: имя, телефон и e-mail.
        Данные хранятся один год и не передаются третьим лицам. Отозвать согласие можно письмом на info@tilda-demo.kz.
        </div></div></div></body></html>"""
    found = in_page_policies(html, PAGE)
    assert [(p.anchor, p.container, p.trigger) for p in found] == [("popup:privacy", "modal",
                                                                     "Политика конфиденциальности")]


def test_a_policy_titled_page_without_text_is_an_unreadable_policy_not_nothing():
    from kzprivacy.extract.policy import unreadable_policy

    shell = "Загрузка…"
    assert unreadable_policy("Политика конфиденциальности", shell, is_policy_score("Политика конфиденциальности", shell))
    assert unreadable_policy("Құпиялылық саясаты", "", 0.0)
    assert not unreadable_policy("Пользовательское соглашение", shell, 0.0)
    assert not unreadable_policy("Согласие на обработку персональных данных", shell, 0.0)
    assert not unreadable_policy("Главная", shell, 0.0)
    long_text = "Политика конфиденциальности\n" + "Мы собираем имя, телефон и e-mail и не передаём их третьим лицам. " * 3
    assert not unreadable_policy("Политика конфиденциальности", long_text, 0.9)


def test_a_form_note_saying_you_agree_is_a_consent_spot():
    html = """<html><body><form><input name="phone"><p class="note">Отправляя заказ, вы соглашаетесь с
      <a href="/politika.html">политикой конфиденциальности</a>.</p></form></body></html>"""
    assert [(link.url, link.region) for link in extract_consent_links(html, PAGE)] == [
        ("https://builder-demo.kz/politika.html", "consent")]


def test_a_policy_in_a_footer_panel_opened_by_an_onclick_is_in_the_page():
    # (docs/realworld.md, the held-out pages) a medicine's landing page keeps its policy in a footer panel with a
    # class of its own, opened by a <span onclick> that names the panel's id; no URL leads to it.
    paragraph = "<p>Мы собираем имя и телефон, чтобы ответить на вопрос, и храним их один год.</p>" * 4
    html = ("<html><body><footer><span class='dd-link' onclick=\"site.openPanel('#panel-1');\">"
            "Политика конфиденциальности</span></footer>"
            f"<div class='panel' id='panel-1'><h2>Политика конфиденциальности</h2>{paragraph}</div>"
            f"<div class='panel' id='panel-2'><h2>Условия использования</h2>{paragraph}</div></body></html>")
    found = in_page_policies(html, "https://drug-demo.kz/")
    assert [(p.anchor, p.container, p.trigger) for p in found] == [
        ("panel-1", "block", "Политика конфиденциальности")]

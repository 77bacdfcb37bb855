from kzprivacy.extract.html import Link, extract_links
from kzprivacy.extract.policy import form_page_links, is_policy_score, language_variants, policy_links, \
    score_policy_link

HOME = """<html><body>
<nav><a href="/catalog">Каталог</a><a href="/contacts">Контакты</a><a href="/order">Оформить заказ</a></nav>
<p>Новости: <a href="/news/privacy-day">Как защитить свои данные: статья</a></p>
<footer>
  <a href="/oferta">Публичная оферта</a>
  <a href="/terms">Пользовательское соглашение</a>
  <a href="/politika-konfidencialnosti">Политика конфиденциальности</a>
</footer>
<div class="cookie-notice">Мы используем cookie. <a href="/cookie-policy">Подробнее</a></div>
</body></html>"""


def test_the_privacy_policy_outranks_terms_offer_and_news():
    links = extract_links(HOME, "https://shop-demo.kz/")
    ranked = policy_links(links)
    assert ranked[0].url == "https://shop-demo.kz/politika-konfidencialnosti"
    assert ranked[0].found_via == "footer_link"
    urls = [c.url for c in ranked]
    assert "https://shop-demo.kz/terms" not in urls and "https://shop-demo.kz/oferta" not in urls
    assert "https://shop-demo.kz/news/privacy-day" not in urls
    banner = next(c for c in ranked if c.url.endswith("/cookie-policy"))
    assert banner.found_via == "banner_link"


def test_link_texts_in_three_languages_score_as_policies():
    for text in ("Политика обработки персональных данных", "Құпиялылық саясаты", "Дербес деректерді қорғау",
                 "Privacy policy", "Personal data"):
        assert score_policy_link(Link("https://a.kz/page", text, "body")) >= 0.6, text
    # A consent to processing is followed (it is kept as a document of its own kind), below the policy.
    consent = score_policy_link(Link("https://a.kz/page", "Согласие на обработку персональных данных", "body"))
    assert 0.4 <= consent < 0.6
    assert score_policy_link(Link("https://a.kz/personal-data", "Подробнее", "footer")) >= 0.4
    assert score_policy_link(Link("https://a.kz/about", "О компании", "body")) == 0


def test_form_pages_are_found_by_text_and_slug():
    links = extract_links(HOME + '<a href="/booking">Записаться к врачу</a><a href="/kz/baylanys">Байланыс</a>',
                          "https://shop-demo.kz/")
    urls = [u for u, _ in form_page_links(links)]
    assert urls == ["https://shop-demo.kz/contacts", "https://shop-demo.kz/order", "https://shop-demo.kz/booking",
                    "https://shop-demo.kz/kz/baylanys"]


def test_an_a_hreflang_to_the_home_page_is_not_a_policy_variant():
    page = """<html><body><a hreflang="ru" href="/ru/">Рус</a><a hreflang="kk" href="/kk/privacy">Қаз</a>
</body></html>"""
    links = extract_links(page, "https://bank-demo.kz/ru/privacy")
    assert language_variants("https://bank-demo.kz/ru/privacy", links) == ["https://bank-demo.kz/kk/privacy"]


def test_language_variants_from_a_switcher_and_hreflang():
    page = """<html><head><link rel="alternate" hreflang="en" href="/en/privacy"></head><body>
    <div class="lang"><a href="/ru/privacy">Рус</a><a href="/kk/privacy">Қаз</a></div>
    <a href="/ru/contacts">Контакты</a></body></html>"""
    links = extract_links(page, "https://bank-demo.kz/ru/privacy")
    assert sorted(language_variants("https://bank-demo.kz/ru/privacy", links)) == [
        "https://bank-demo.kz/en/privacy", "https://bank-demo.kz/kk/privacy"]


def test_is_policy_score_separates_policies_from_terms_and_short_pages():
    policy = ("Политика конфиденциальности. Настоящая политика определяет порядок обработки персональных данных "
              "пользователей. Оператор осуществляет сбор, хранение и защиту персональных данных с согласия субъекта. "
              "Данные не передаются третьим лицам. Сайт использует файлы cookie. ") * 10
    terms = ("Пользовательское соглашение. Настоящее соглашение регулирует порядок использования сайта, "
             "оплаты и доставки товаров. Пользователь обязуется соблюдать правила. ") * 10
    assert is_policy_score("Политика конфиденциальности", policy) >= 0.8
    assert is_policy_score("Пользовательское соглашение", terms) < 0.5
    assert is_policy_score("Политика конфиденциальности", "Страница не найдена") < 0.5
    assert is_policy_score("", "") == 0.0


def test_a_news_article_named_like_a_policy_is_fetched_to_be_judged_on_its_text():
    link = Link("https://news-demo.kz/news/2024/05/personalnye-dannye", "Политика конфиденциальности на сайте: разбор",
                "body")
    assert score_policy_link(link) == 0.4  # exactly the follow threshold, no float shortfall


def test_a_slug_about_processing_goods_is_not_a_policy_slug():
    # «обработка» alone is a common word (cargo handling, metal working); the slug must name personal data.
    cargo = Link("https://cargo-demo.kz/obrabotka-gruzov.html", "Обработка грузов", "footer")
    assert score_policy_link(cargo) < 0.4
    policy = Link("https://cargo-demo.kz/obrabotka-personalnyh-dannyh", "Подробнее", "footer")
    assert score_policy_link(policy) >= 0.4


def test_a_kazakh_policy_that_says_zheke_derekter_scores_as_one_that_says_derbes():
    # Real Kazakh documents write «жеке деректер» where the law says «дербес деректер».
    from kzprivacy.extract.policy import is_policy_score

    body = ("Біз сіздің {w} деректеріңізді тек тапсырысты орындау үшін жинаймыз және өңдейміз. "
            "{W} деректер үшінші тұлғаларға берілмейді. Сіз келісіміңізді кез келген уақытта кері қайтарып "
            "ала аласыз. Деректер Қазақстан Республикасының аумағында сақталады. ") * 3
    derbes = is_policy_score("Саясат", body.format(w="дербес", W="Дербес"))
    zheke = is_policy_score("Саясат", body.format(w="жеке", W="Жеке"))
    assert zheke == derbes and zheke >= 0.5

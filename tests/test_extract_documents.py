import io

import pytest

from kzprivacy.extract.documents import DocumentError, docx_to_document, html_to_document, pdf_to_document, \
    sniff_format, to_document

POLICY_PAGE = """<html><head><title>Политика | Демо</title></head><body>
<header class="site-header"><nav><a href="/">Главная</a><a href="/about">О нас</a></nav></header>
<div class="cookie-banner">Мы используем cookie <button>Принять</button></div>
<main><h1>Политика конфиденциальности</h1>
<p>1.1. Настоящая Политика определяет порядок обработки персональных данных.</p>
<p>2.1. Пользователь предоставляет следующие данные:</p>
<ul><li>фамилия, имя, отчество;</li><li>ИИН;</li><li>номер телефона.</li></ul>
<p>3.1. Данные хранятся на территории Республики Казахстан и не передаются третьим лицам без согласия, за исключением случаев, предусмотренных законом.</p>
</main>
<footer class="footer">© 2026 ТОО «Демо». <a href="/privacy">Политика</a></footer>
<script>ym(1, "init")</script></body></html>"""


def test_html_policy_keeps_the_text_and_drops_menus_banners_footers():
    doc = html_to_document(POLICY_PAGE)
    assert doc.format == "html" and doc.title == "Политика конфиденциальности"
    assert "- ИИН;" in doc.text and "- номер телефона." in doc.text
    assert "третьим лицам" in doc.text
    for boilerplate in ("Главная", "Принять", "©", "ym(1"):
        assert boilerplate not in doc.text


def test_page_without_main_uses_the_body():
    doc = html_to_document("<html><body><div id='menu'>Меню</div><div><p>Текст политики.</p></div></body></html>")
    assert doc.text == "Текст политики." and doc.title == ""


_POLICY_CLAUSES = "".join(
    f"<p>{n}. Оператор обрабатывает имя, номер телефона и адрес электронной почты Пользователя для "
    f"оказания услуг портала и хранит их не дольше, чем требуют цели обработки.</p>" for n in range(1, 8))
MODAL_PAGE = f"""<html><head><title>Вход в личный кабинет</title></head><body>
<header class="top"><nav><a href="/">Главная</a></nav></header>
<form action="/login"><label>Логин <input name="login"></label><label>Пароль <input type="password"
 name="password"></label><button>Войти</button></form>
<p>Нажимая «Войти», вы принимаете <a href="#policy" data-toggle="modal">политику</a>.</p>
<div class="modal fade" id="policyModal" role="dialog"><div class="modal-dialog"><div class="modal-content">
<div class="modal-header"><h4 class="modal-title">Политика конфиденциальности портала</h4>
<button class="close">×</button></div>
<div class="modal-body">{_POLICY_CLAUSES}</div>
<div class="modal-footer"><button>Закрыть</button></div></div></div></div>
</body></html>"""


def test_a_policy_whose_whole_text_sits_in_a_modal_dialog_is_read_from_it():
    doc = html_to_document(MODAL_PAGE)
    assert doc.title == "Политика конфиденциальности портала"
    assert doc.text.count("Оператор обрабатывает имя") == 7
    for chrome in ("Закрыть", "×", "Войти", "Главная"):
        assert chrome not in doc.text


def test_a_policy_kept_in_a_template_or_dialog_element_is_read_from_it():
    for wrapper in ("template id='privacy'", "dialog"):
        tag = wrapper.split()[0]
        page = f"<html><body><p>Лендинг</p><{wrapper}><h2>Политика</h2>{_POLICY_CLAUSES}</{tag}></body></html>"
        doc = html_to_document(page)
        assert doc.text.count("Оператор обрабатывает имя") == 7, wrapper


def test_a_small_modal_or_a_page_with_its_own_text_keeps_the_page_text():
    # A call-back popup is boilerplate; a policy page with a long popup beside it is still the page.
    small = POLICY_PAGE.replace("</main>", "</main><div class='popup'>Заказать звонок</div>")
    assert "Заказать звонок" not in html_to_document(small).text
    long_page = POLICY_PAGE.replace("</main>", _POLICY_CLAUSES.replace("Оператор", "Компания") + "</main>"
                                    "<div class='modal'>" + _POLICY_CLAUSES + "</div>")
    doc = html_to_document(long_page)
    assert doc.title == "Политика конфиденциальности" and "Оператор обрабатывает" not in doc.text


def test_commented_out_markup_is_not_read_as_text():
    # Seen on a real saved .kz page: a footer menu switched off with <!-- ... --> came out as text,
    # tags included, and its «Реклама» item was read as a declaration.
    html = ("<html><body><main><h1>Политика</h1><p>Мы собираем имя и телефон.</p>"
            "<!-- <ul class=\"old-menu\"><li><a href=\"/ads\">Реклама и рассылки</a></li></ul> -->"
            "<p>Вопросы: info@example-demo.kz</p></main></body></html>")
    text = html_to_document(html).text
    assert "Мы собираем имя и телефон." in text and "info@example-demo.kz" in text
    assert "old-menu" not in text and "Реклама" not in text and "<" not in text


def test_empty_html_is_an_error():
    with pytest.raises(DocumentError):
        html_to_document("   ")


def test_docx_paragraphs_lists_and_tables():
    import docx  # python-docx, a dependency
    document = docx.Document()
    document.add_heading("Дербес деректерді өңдеу саясаты", 1)
    document.add_paragraph("Біз келесі деректерді жинаймыз:")
    document.add_paragraph("телефон нөмірі", style="List Bullet")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Деректер", "Мерзім"
    buffer = io.BytesIO()
    document.save(buffer)
    doc = docx_to_document(buffer.getvalue())
    assert doc.format == "docx"
    assert doc.text.splitlines() == ["Дербес деректерді өңдеу саясаты", "Біз келесі деректерді жинаймыз:",
                                     "- телефон нөмірі", "Деректер | Мерзім"]


def test_broken_documents_raise_document_error_with_a_reason():
    with pytest.raises(DocumentError, match="not a PDF"):
        pdf_to_document(b"<html>not a pdf</html>")
    with pytest.raises(DocumentError, match=r"broken PDF|no extractable"):
        pdf_to_document(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage garbage\n%%EOF")
    with pytest.raises(DocumentError, match="broken DOCX"):
        docx_to_document(b"PK\x03\x04 this is no zip")


def test_sniff_format_trusts_bytes_before_headers():
    assert sniff_format(b"%PDF-1.7 ...", "text/html", "/policy") == "pdf"
    assert sniff_format(b"<html>", "application/pdf", "/x") == "pdf"
    assert sniff_format(b"<html>", "text/html; charset=utf-8", "/privacy.docx") == "docx"
    assert sniff_format(b"plain", "text/plain", "/p") == "txt"
    assert sniff_format(b"<!doctype html>", "", "/privacy") == "html"


def test_to_document_uses_the_decoded_text_of_html():
    body = "<html><body><main><p>Политика обработки персональных данных.</p></main></body></html>"
    doc = to_document(body.encode("cp1251"), text=body, content_type="text/html; charset=windows-1251", url="/p")
    assert doc.text == "Политика обработки персональных данных."


def test_a_policy_in_sections_classed_menu_is_kept_and_a_link_menu_is_not():
    # A restaurant-style page: its policy sits in «menu-hero» / «menu-item» blocks (text, no links).
    paragraph = "Сайт не собирает аккаунты и не использует формы регистрации, данные нужны для брони. " * 4
    html = ("<html><body><ul class='menu'><li><a href='/'>Главная</a></li><li><a href='/m'>Меню</a></li></ul>"
            "<section class='menu-hero'><h1 class='menu-hero__title'>Құпиялық саясаты</h1>"
            f"<div class='menu-item'><p class='menu-item__description'>{paragraph}</p></div></section>"
            "</body></html>")
    doc = html_to_document(html)
    assert "Құпиялық саясаты" in doc.text and "не собирает аккаунты" in doc.text
    assert "Главная" not in doc.text

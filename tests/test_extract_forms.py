from kzprivacy.extract.html import extract_forms, extract_resources

ORDER = """<html><head><title>Оформление заказа</title></head><body>
<h2>Заказ анализов</h2>
<form action="/order/send" method="POST">
  <input type="hidden" name="csrf" value="x">
  <label for="fio">ФИО <span class="req">*</span></label><input id="fio" name="fio" required>
  <label>ИИН: <input name="iin" data-mask="999999999999" placeholder="12 цифр"></label>
  <input type="tel" name="phone" aria-label="Телефон">
  <label>Какой документ нужен <select name="doc"><option>Адресная справка</option></select></label>
  <label><input type="checkbox" name="agree" required> Согласен на обработку персональных данных</label>
  <p>Нажимая кнопку, вы принимаете <a href="/privacy">политику конфиденциальности</a></p>
  <button type="submit">Отправить</button>
</form>
<div class="widget"><input name="email" type="email" placeholder="Ваш e-mail"></div>
</body></html>"""


def test_form_fields_labels_masks_and_consent():
    forms = extract_forms(ORDER, "https://medshop-demo.kz/order")
    form = forms[0]
    assert (form.action, form.method, form.has_consent_checkbox, form.policy_link_near) == (
        "https://medshop-demo.kz/order/send", "post", True, True)
    fields = [(f.name, f.type, f.label, f.pattern, f.required, f.category) for f in form.fields]
    assert fields == [
        ("csrf", "hidden", "", "", False, None),
        ("fio", "text", "ФИО", "", True, "name"),
        ("iin", "text", "ИИН", "999999999999", False, "iin"),
        ("phone", "tel", "Телефон", "", False, "phone"),
        ("doc", "select", "Какой документ нужен", "", False, None),
        ("agree", "checkbox", "Согласен на обработку персональных данных", "", True, None),
    ]


def test_inputs_outside_any_form_make_a_script_form():
    forms = extract_forms(ORDER, "https://medshop-demo.kz/order")
    loose = forms[1]
    assert (loose.action, loose.method) == (None, "script")
    assert [(f.name, f.category) for f in loose.fields] == [("email", "email")]


def test_a_form_without_labels_is_classified_from_names_and_types():
    html = ('<form><input name="user_phone" type="text"><input name="mail" type="email">'
            '<textarea name="msg"></textarea></form>')
    fields = extract_forms(html, "http://a-demo.kz/")[0].fields
    assert [(f.name, f.category) for f in fields] == [("user_phone", "phone"), ("mail", "email"), ("msg", None)]


def test_resources_of_every_kind_including_noscript_pixels():
    html = """<html><head>
    <script src="https://mc.yandex.ru/metrika/tag.js"></script>
    <link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Inter">
    <link rel="preconnect" href="https://www.google-analytics.com">
    </head><body><iframe src="https://www.youtube.com/embed/x"></iframe><img src="/logo.png">
    <noscript><img src="https://mc.yandex.ru/watch/1" style="position:absolute"></noscript>
    <a href="javascript:alert(1)">x</a></body></html>"""
    found = [(r.url, r.resource_type) for r in extract_resources(html, "https://a-demo.kz/")]
    assert len(found) == len(set(found))
    assert set(found) == {
        ("https://mc.yandex.ru/metrika/tag.js", "script"),
        ("https://www.youtube.com/embed/x", "iframe"),
        ("https://a-demo.kz/logo.png", "img"),
        ("https://fonts.googleapis.com/css2?family=Inter", "stylesheet"),
        ("https://www.google-analytics.com", "preconnect"),
        ("https://mc.yandex.ru/watch/1", "img"),
    }


def test_labels_from_old_layouts_a_table_cell_or_text_before_the_field():
    html = """<form><table><tr><td>Имя:</td><td><input type="text" name="imya"></td></tr>
    <tr><th>Телефон *</th><td><input name="telefon"></td></tr></table>
    <p>E-mail: <input name="pochta"></p></form>"""
    fields = extract_forms(html, "http://win1251-demo.kz/")[0].fields
    assert [(f.name, f.label, f.category) for f in fields] == [
        ("imya", "Имя", "name"), ("telefon", "Телефон", "phone"), ("pochta", "E-mail", "email")]

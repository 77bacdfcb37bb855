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


def test_whether_the_markup_states_the_method():
    forms = extract_forms('<form action="/a" method="GET"><input name="phone" type="tel"></form>'
                          '<form action="/b"><input name="email" type="email"></form>', "https://shop-demo.kz/")
    assert [(f.method, f.method_explicit) for f in forms] == [("get", True), ("get", False)]


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


# A landing page written the way hand-made ones are: <label> without `for` beside its input in a wrapper, an
# inputmode="tel" box for a messenger number, a catalogue filter <select> outside the form, and a consent
# sentence whose policy link goes nowhere (href="#").
BAKERY = """<html><head><title>Пекарня у дома</title></head><body>
<div class="filters"><select id="town"><option value="all">Все города</option><option>Алматы</option>
<option>Тараз</option></select></div>
<section id="join"><h2>Подключить свою пекарню</h2>
<div class="form">
  <div class="row"><label>Название пекарни</label>
    <input id="b-name" placeholder="Например: Тандыр на углу"></div>
  <div class="row"><label>Имя владельца</label> <input id="b-owner"></div>
  <div class="row"><label>Номер для заказов в Telegram или WhatsApp</label>
    <input id="b-msg" inputmode="tel" placeholder="+7 7xx xxx xx xx"></div>
  <div class="row"><label>Где вас найти на карте</label>
    <input id="b-map" placeholder="ссылка на точку в картах"></div>
  <p>Отправляя заявку, вы соглашаетесь с <a href="#">политикой конфиденциальности</a>.</p>
  <button id="b-send">Отправить</button>
</div></section></body></html>"""


def test_labels_beside_inputs_inputmode_and_filter_selects():
    [form] = extract_forms(BAKERY, "https://bakery-demo.kz/")
    assert form.method == "script"
    assert [(f.name, f.label, f.category) for f in form.fields] == [
        ("town", "", None),                                          # «Все города»: a filter, not a question
        ("b-name", "Название пекарни", None),                        # a business's name, not a person's
        ("b-owner", "Имя владельца", "name"),
        ("b-msg", "Номер для заказов в Telegram или WhatsApp", "phone"),
        ("b-map", "Где вас найти на карте", None),
    ]


def test_a_policy_link_to_hash_is_no_policy_link():
    # (the form alone: loose fields look for the link around the first of them)
    form_only = BAKERY[BAKERY.index('<section id="join">'):]
    [form] = extract_forms(form_only, "https://bakery-demo.kz/")
    assert (form.has_consent_checkbox, form.policy_link_near) == (False, False)
    linked = form_only.replace('href="#"', 'href="/privacy.html"')
    assert extract_forms(linked, "https://bakery-demo.kz/")[0].policy_link_near is True


# A builder's free-form block whose form fields exist only as JSON inside a hidden textarea (the builder's script
# builds the inputs in the browser). Written for this test in the shape Tilda's Zero-block uses.
ZERO_BLOCK = """<html><body><div class="t-rec"><div class="t396"><div class="tn-atom__form"></div>
<div class="tn-atom__inputs-wrapp" style="display:none;"><textarea class="tn-atom__inputs-textarea">[
{"lid":"1","li_type":"nm","li_name":"name","li_ph":"\u0412\u0430\u0448\u0435 \u0438\u043c\u044f","li_req":"y"},
{"lid":"2","li_type":"in","li_name":"firm","li_ph":"Организация"},
{"lid":"3","li_type":"ph","li_ph":"+7 (700) 0000000","li_req":"y","li_nm":"Phone"},
{"lid":"4","li_type":"em","li_name":"email","li_ph":"Почта"},
{"lid":"5","li_type":"cb","li_name":"ok","li_label":"Согласен на обработку персональных данных"}
]</textarea></div></div></div></body></html>"""


def test_fields_declared_as_json_by_a_builder_block():
    [form] = extract_forms(ZERO_BLOCK, "https://studio-demo.kz/")
    assert (form.action, form.method, form.has_consent_checkbox) == (None, "script", True)
    assert [(f.name, f.type, f.placeholder or f.label, f.required, f.category) for f in form.fields] == [
        ("name", "text", "Ваше имя", True, "name"),
        ("firm", "text", "Организация", False, None),
        ("", "tel", "+7 (700) 0000000", True, "phone"),
        ("email", "email", "Почта", False, "email"),
        ("ok", "checkbox", "Согласен на обработку персональных данных", False, None),
    ]


def test_a_broken_declared_field_list_is_no_form():
    broken = ZERO_BLOCK.replace('"lid":"1"', '"lid":1,,')
    assert extract_forms(broken, "https://studio-demo.kz/") == []

"""Form fields mapped to data categories (kzprivacy.vocabulary.taxonomy.classify_field) and consent boxes."""

import pytest

from kzprivacy.vocabulary.taxonomy import DATA_CATEGORIES, IMPLIED_BY_TRACKER_CATEGORY, CATEGORIES, classify_field, \
    is_consent_checkbox


@pytest.mark.parametrize(("field", "category"), [
    # ИИН / ЖСН: by name, label, or a 12-digit mask
    (dict(name="iin", type="text"), "iin"),
    (dict(label="ИИН", type="text", pattern=r"\d{12}"), "iin"),
    (dict(label="ЖСН", type="tel", pattern="999999999999"), "iin"),       # numeric keyboard, still an IIN
    (dict(name="field_7", pattern="[0-9]{12}"), "iin"),
    (dict(name="client_number", type="text", pattern="maxlength=12"), "iin"),
    (dict(label="Индивидуальный идентификационный номер"), "iin"),
    # HTML types
    (dict(name="contact", type="tel"), "phone"),
    (dict(name="x1", type="email"), "email"),
    (dict(name="pass", type="password"), "credentials"),
    (dict(name="delivery_date", type="date"), None),
    (dict(label="Дата рождения", type="date"), "birth_date"),
    (dict(name="dob", type="date"), "birth_date"),
    (dict(name="birthday", type="text", placeholder="ДД.ММ.ГГГГ"), "birth_date"),
    (dict(label="Туған күні", type="date"), "birth_date"),
    # autocomplete tokens
    (dict(name="f3", autocomplete="cc-number"), "payment_card"),
    (dict(name="f4", autocomplete="shipping street-address"), "address"),
    (dict(name="f5", autocomplete="given-name"), "name"),
    (dict(name="f6", autocomplete="tel-national"), "phone"),
    # names in three languages
    (dict(name="fio"), "name"),
    (dict(label="ФИО"), "name"),
    (dict(label="Аты-жөні"), "name"),
    (dict(label="Имя", placeholder="Иван"), "name"),
    (dict(name="firstName"), "name"),
    (dict(label="Your name"), "name"),
    (dict(name="company_name", label="Название компании"), None),
    (dict(label="Имя пользователя"), "credentials"),
    # contacts
    (dict(label="Телефон нөмірі", type="text"), "phone"),
    (dict(name="UF_PHONE"), "phone"),
    (dict(placeholder="+7 (___) ___-__-__", pattern="+7 (999) 999-99-99"), "phone"),
    (dict(label="Электрондық пошта"), "email"),
    (dict(label="Адрес электронной почты", type="text"), "email"),
    (dict(name="address"), "address"),
    (dict(name="city", type="select"), "address"),
    (dict(label="Мекенжай"), "address"),
    (dict(label="Почтовый индекс"), "address"),
    (dict(label="Почтовый адрес"), "address"),
    (dict(label="Ваша почта"), "email"),
    # documents
    (dict(name="passport_scan", type="file"), "id_document"),
    (dict(label="Скан удостоверения личности", type="file"), "id_document"),
    (dict(label="Жеке куәлік көшірмесі", type="file"), "id_document"),
    (dict(label="ID card", type="file"), "id_document"),
    (dict(name="resume", type="file", label="Резюме"), None),
    (dict(name="selfie", type="file"), "biometric"),
    # payment
    (dict(label="Номер карты", pattern="9999 9999 9999 9999"), "payment_card"),
    (dict(name="card_cvv"), "payment_card"),
    # health: only where it says so, or where the page is medical
    (dict(label="Жалобы", type="textarea"), "health"),
    (dict(label="Опишите симптомы", name="message", type="textarea"), "health"),
    (dict(label="Диагноз"), "health"),
    (dict(label="Причина обращения", type="textarea", context="Запись к врачу | Клиника"), "health"),
    (dict(label="Жалобы", type="textarea", context="Онлайн-запись к врачу"), "health"),
    (dict(label="Причина обращения", type="textarea", context="Интернет-магазин техники"), None),
    (dict(label="Жалобы и предложения", type="textarea"), None),
    (dict(name="comment", label="Комментарий", type="textarea", context="Запись к врачу"), None),
    (dict(name="message", type="textarea", label="Сообщение"), None),
    # a placeholder that is an example phone number asks for a phone (a builder's field without name or type)
    (dict(name="", type="text", placeholder="+7 (701) 0000000"), "phone"),
    (dict(name="contact", placeholder="8 747 123-45-67"), "phone"),
    (dict(name="qty", placeholder="от 10 штук"), None),
    # a route's cities are not where the person lives; a delivery address still is an address
    (dict(name="from", label="Город отправления груза"), None),
    (dict(name="to", label="Город назначения"), None),
    (dict(name="dest", label="Баратын қала (межелі)"), None),
    (dict(name="city", label="Жөнелту қаласы"), None),
    (dict(name="to", label="Жеткізу қаласы"), None),          # a route's «to» field
    (dict(name="city", label="Жеткізу қаласы"), "address"),   # the same words alone: where to deliver
    (dict(name="addr", label="Адрес доставки"), "address"),
    (dict(name="addr2", label="Улица и дом получателя (пункт назначения)"), "address"),
    (dict(name="city", label="Ваш город"), "address"),
    # a firm's name is not a person's (field id «f-name», label «Название магазина»)
    (dict(name="f-name", label="Название магазина"), None),
    # neither
    (dict(name="q", type="search", placeholder="Поиск по сайту"), None),
    (dict(label="Количество гостей", type="number"), None),
])
def test_classify_field(field, category):
    assert classify_field(**field) == category


def test_a_consent_checkbox_is_not_a_data_field():
    assert classify_field(name="agree", type="checkbox",
                          label="Согласен на обработку персональных данных") is None


def test_categories_returned_are_taxonomy_codes():
    samples = [dict(name="iin"), dict(type="tel"), dict(label="Жалобы"), dict(name="selfie", type="file")]
    for sample in samples:
        assert classify_field(**sample) in DATA_CATEGORIES


@pytest.mark.parametrize(("label", "name", "expected"), [
    ("Согласен на обработку персональных данных", "", True),
    ("Я принимаю условия политики конфиденциальности", "", True),
    ("Даю согласие на сбор и обработку моих данных", "", True),
    ("Келісемін", "", True),
    ("Дербес деректерді өңдеуге келісім беремін", "", True),
    ("I agree to the privacy policy", "", True),
    ("", "agree", True),
    ("", "consent", True),
    ("", "soglasie", True),
    ("", "UF_POLITICS", True),
    ("Запомнить меня", "remember", False),
    ("Подписаться на рассылку", "subscribe", False),
    ("Согласен получать новости и акции", "news", False),
    ("Доставка курьером", "delivery", False),
])
def test_is_consent_checkbox(label, name, expected):
    assert is_consent_checkbox(label, name) is expected


def test_implied_by_tracker_category_uses_taxonomy_codes():
    tracker_categories = {"analytics", "advertising", "social", "session_replay", "chat", "forms_crm",
                          "call_tracking", "maps", "payments", "video", "fonts", "cdn", "captcha", "tag_manager",
                          "other"}
    assert set(IMPLIED_BY_TRACKER_CATEGORY) == tracker_categories
    for implied in IMPLIED_BY_TRACKER_CATEGORY.values():
        assert implied <= set(CATEGORIES)
    assert IMPLIED_BY_TRACKER_CATEGORY["analytics"] == {"analytics", "ip_address", "device", "usage", "cookies"}
    assert "web_beacons" in IMPLIED_BY_TRACKER_CATEGORY["advertising"]


def test_fields_of_the_held_out_real_pages():
    # (docs/realworld.md, the held-out page set) a callback field known only by its input mask
    assert classify_field(name="callback_input", label="Перезвоните мне",
                          placeholder="+7 (___) ___ - __ -__") == "phone"
    # «Қалай» (how) and «қалаулы» (preferred) are no city; «Қала», «Қаласы» are
    assert classify_field(name="message", label="Қалай көмектесе аламыз?") is None
    assert classify_field(name="lang", label="Қалаулы тіл") is None
    assert classify_field(name="city", label="Қаласы") == "address"
    # a country of residence is an address, as autocomplete=country already says
    assert classify_field(name="country", label="Страна") == "address"
    assert classify_field(name="country", label="Елі") == "address"

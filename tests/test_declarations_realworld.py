"""Patterns that real .kz policies and consents use (issue 10), each on a snippet written in our own words.

The real documents stay outside the project (/work/realworld); `python bench/realworld.py` scores them.
"""

from analysis.declarations import extract_declarations, summarise
from analysis.sentences import lead_ins, split_sentences
from kzprivacy.language import detect_language


def _summary(text: str) -> dict[str, str]:
    return summarise(extract_declarations(text, detect_language(text)))


def _found(text: str) -> list[tuple[str, str, str]]:
    return [(d.category, d.status, d.note) for d in extract_declarations(text, detect_language(text))]


# --- enumerations on lines of their own -----------------------------------------------------------

def test_a_kazakh_lead_in_followed_by_unmarked_lines_declares_each_line():
    text = ("Тапсырысты ресімдеу үшін біз сізден сұрай аламыз:\n"
            "Аты-жөні\n"
            "Телефон нөмірі\n"
            "Электрондық пошта мекенжайы\n"
            "Біз бұл мәліметтерді тек тапсырысты орындау үшін пайдаланамыз.")
    found = [(d.category, d.evidence, d.note) for d in extract_declarations(text, detect_language(text))]
    assert found == [("name", "Аты-жөні", "lead-in"), ("phone", "Телефон нөмірі", "lead-in"),
                     ("email", "Электрондық пошта мекенжайы", "lead-in")]


def test_a_consent_listing_bare_field_names_declares_them():
    text = ("Мен келесі жеке деректерімді өңдеуге келісім беремін:\n"
            "Аты\nТегі\nE-mail\nТелефон")
    assert _summary(text) == {"name": "declared", "email": "declared", "phone": "declared"}
    russian = ("Я даю согласие на обработку следующих персональных данных:\n"
               "Имя\nФамилия\nE-mail\nТелефон")
    assert _summary(russian) == {"name": "declared", "email": "declared", "phone": "declared"}


def test_short_lines_after_a_lead_in_are_items_but_a_heading_after_bullets_ends_the_list():
    text = ("Мы запрашиваем:\nИмя\nТелефон\n\nСбор данных:\n- адрес доставки;\nЦели обработки\n"
            "Данные используются для доставки заказа.")
    sentences = split_sentences(text)
    parents = lead_ins(sentences)
    items = {s.text: p for s, p in zip(sentences, parents)}
    assert items["Имя"] == items["Телефон"] == 0
    assert items["адрес доставки;"] is not None
    assert items["Цели обработки"] is None      # after bulleted items, a short line is a heading again


def test_a_bare_kazakh_name_counts_only_as_a_list_item():
    assert _summary("Сайттың аты өзгеруі мүмкін.") == {}
    assert _summary("Өтінімде көрсетіледі:\n- Аты;\n- Есімі;") == {"name": "declared"}


def test_kazakh_stems_match_voiced_endings_and_common_variants():
    # денсаулық -> денсаулығы: the final қ voices before a vowel.
    assert _summary("Біз сіздің денсаулығыңыз туралы мәліметтерді жинамаймыз.") == {"health": "denied"}
    assert _summary("Жеке басын куәландыратын құжаттың көшірмесі сақталады.") == {"id_document": "declared"}
    assert _summary("Тапсырысты жеткізу үшін деректер курьерлік қызметке беріледі.") == {
        "third_party_sharing": "declared"}
    assert _summary("Деректерді өңдеу мерзімі - бес жыл.") == {"retention": "declared"}
    assert _summary("Пошталық мекенжайыңыз тауарды жеткізу үшін қажет.") == {"address": "declared"}
    # «жеке деректер» (as real documents write it) and «дербес деректер» (the law's word) alike.
    for text in ("Жеке деректер «Жеке деректер және оларды қорғау туралы» Заңға сәйкес өңделеді.",
                 "Дербес деректер «Дербес деректер және оларды қорғау туралы» Заңға сәйкес өңделеді."):
        assert _summary(text) == {"law_reference": "declared"}, text


# --- the operator's own contacts ------------------------------------------------------------------

def test_the_operators_own_email_and_phone_are_a_contact_not_collected_data():
    for text in ("Наш e-mail: hello@primer-demo.kz, телефон +7 701 000 00 00.",
                 "Запрос можно направить на адрес электронной почты Оператора.",
                 "Напишите нам на электронную почту, и мы ответим в течение десяти дней.",
                 "Пользователь может направить запрос по электронной почте, указанной на сайте.",
                 "Сұрақтар бойынша біздің электрондық поштамызға жазыңыз.",
                 "Біздің телефон нөміріміз сайттың төменгі жағында көрсетілген.",
                 "Please contact us by email with any questions about your data."):
        assert _summary(text) == {"contact": "declared"}, text


def test_the_users_email_stays_collected_data():
    assert _summary("Оператор направляет уведомления на электронную почту Пользователя.") == {"email": "declared"}
    assert _summary("Мы собираем ваш номер телефона и адрес электронной почты.") == {
        "email": "declared", "phone": "declared"}
    assert _summary("We collect your email address and phone number.") == {"email": "declared", "phone": "declared"}


# --- scoped exceptions ----------------------------------------------------------------------------

def test_every_exception_wording_turns_the_denial_into_a_declaration():
    for text in ("Персональные данные не передаются третьим лицам, за исключением случаев, предусмотренных "
                 "законом.",
                 "Мы не передаём данные третьим лицам, кроме курьерской службы.",
                 "За исключением случаев, предусмотренных законом, данные третьим лицам не передаются.",
                 "Деректер үшінші тұлғаларға берілмейді, заңда көзделген жағдайларды қоспағанда.",
                 "We do not share your data with third parties apart from our payment provider."):
        assert _found(text) == [("third_party_sharing", "declared", "exception")], text


def test_an_exception_in_the_next_sentence_qualifies_the_denial_before_it():
    text = "Данные третьим лицам не передаются. Исключение составляют случаи, предусмотренные законом."
    assert _found(text) == [("third_party_sharing", "declared", "exception")]


def test_an_exception_speaks_only_for_its_own_negation():
    text = ("Мы не храним данные банковских карт и не передаём данные третьим лицам, "
            "за исключением службы доставки.")
    assert _found(text) == [("payment_card", "denied", "negated"), ("third_party_sharing", "declared", "exception")]


def test_krome_togo_is_not_an_exception():
    assert _found("Кроме того, мы не передаём данные третьим лицам.") == [
        ("third_party_sharing", "denied", "negated")]

"""Facts about a policy: operator, BIN check digit, contacts, edition, laws and warning signs."""

import pytest

from kzprivacy.analysis.policy_facts import bin_is_valid, document_type, extract_facts


def _weighted(digits: str, weights) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11


@pytest.mark.parametrize(("number", "valid"), [
    ("180740027339", True),
    ("180740027338", False),             # wrong check digit
    ("1807 4002 7339", True),            # written in groups
    ("377835337400", True),              # first pass gives 10, the second pass gives the digit
    ("377835337401", False),
    ("18074002733", False),              # 11 digits
    ("18074002733X", False),
    ("", False),
])
def test_bin_check_digit(number, valid):
    assert bin_is_valid(number) is valid


def test_the_second_pass_is_really_taken_for_377835337400():
    assert _weighted("37783533740", range(1, 12)) == 10
    assert _weighted("37783533740", (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)) == 0


def test_a_number_whose_both_passes_give_10_is_never_valid():
    prefix = "06870986119"
    assert _weighted(prefix, range(1, 12)) == 10
    assert _weighted(prefix, (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)) == 10
    assert not any(bin_is_valid(prefix + str(digit)) for digit in range(10))


def test_operator_names_in_their_legal_forms():
    text = ("Оператор: ТОО \"Ромашка Плюс\". Партнёр: АО «Банк Пример». Доставка: ИП Иванов И.И.\n"
            "Товарищество с ограниченной ответственностью «Мысал Групп» обрабатывает данные.\n"
            "«Мысал» ЖШС дербес деректерді өңдейді. This site is run by Steppe Data LLP.")
    # the partner bank is not an operator (test_ip_operators_and_partner_banks)
    assert extract_facts(text).operator_names == [
        'ТОО "Ромашка Плюс"', "Товарищество с ограниченной ответственностью «Мысал Групп»",
        "«Мысал» ЖШС", "ИП Иванов И.И.", "Steppe Data LLP"]


def test_bins_are_checked_and_an_invalid_one_is_a_warning():
    facts = extract_facts("ТОО «Пример», БИН: 180740027339. Филиал, БИН 180740027338.")
    assert facts.bins == [("180740027339", True), ("180740027338", False)]
    assert facts.warnings == [("invalid_bin", "Филиал, БИН 180740027338.")]


def test_contacts_edition_and_version():
    text = ("Редакция № 3. Дата публикации: 15 марта 2024 г.\n"
            "Последнее обновление 01.02.2024.\n"
            "Закон от 21 мая 2013 года не является датой политики.\n"
            "Пишите на dpo@primer.kz или звоните +7 (727) 355-10-20, 8 701 123 45 67, +49 30 1234 5678.")
    facts = extract_facts(text)
    assert facts.versions == ["3"]
    assert facts.dates == ["15 марта 2024 г.", "01.02.2024"]
    assert facts.emails == ["dpo@primer.kz"]
    assert facts.phones == ["+7 (727) 355-10-20", "8 701 123 45 67", "+49 30 1234 5678"]


@pytest.mark.parametrize(("text", "laws"), [
    ("в соответствии с Законом Республики Казахстан «О персональных данных и их защите»", ["kz_94v"]),
    ("Закон РК от 21.05.2013 № 94-V", ["kz_94v"]),
    ("«Дербес деректер және оларды қорғау туралы» Қазақстан Республикасының Заңына сәйкес", ["kz_94v"]),
    ("under the Law of the Republic of Kazakhstan On Personal Data and Their Protection", ["kz_94v"]),
    ("в соответствии с Федеральным законом от 27.07.2006 № 152-ФЗ «О персональных данных»", ["ru_152fz"]),
    ("если такое право не ограничено федеральными законами", ["ru_law"]),
    ("законодательством Российской Федерации", ["ru_law"]),
    ("Regulation (EU) 2016/679 (GDPR)", ["gdpr"]),
    # The law's title in lower case is a mention of the legislation, not a citation.
    ("согласно законодательству о персональных данных и их защите", []),
])
def test_cited_laws(text, laws):
    assert extract_facts(text).laws == laws


def test_russian_law_is_a_warning_and_the_gdpr_is_not():
    facts = extract_facts("Обработка ведётся согласно 152-ФЗ. Для граждан ЕС применяется GDPR.")
    assert facts.laws == ["ru_152fz", "gdpr"]
    assert facts.warnings == [("foreign_law", "Обработка ведётся согласно 152-ФЗ.")]


@pytest.mark.parametrize("text", [
    "Оператор: [название компании], БИН [укажите БИН].",
    "Оператором является ТОО «___________».",
    "Оператор: ТОО «ХХХ».",
    "Наименование оператора: укажите юридическое лицо.",
    "Адрес: г. Алматы, ул. [...]",
    "Оператор — название компании, действующее на основании устава.",
    "Сайт {{site_name}} собирает данные.",
])
def test_template_placeholders(text):
    assert "template_placeholder" in [code for code, _ in extract_facts(text).warnings]


def test_an_ordinary_policy_has_no_placeholder_warning():
    text = "Оператор ТОО «Пример» (БИН 180740027339) хранит данные в Алматы. Вопросы: info@primer.kz."
    assert extract_facts(text).warnings == []


def test_empty_contact_lines():
    text = "11. Контакты\nE-mail: \nТелефон: +7 (727) 355-10-20\n"
    assert [code for code, _ in extract_facts(text).warnings] == ["empty_contact"]
    # The value on the next line is not empty.
    assert extract_facts("Пишите нам по адресу электронной почты:\ninfo@primer.kz\n").warnings == []
    # A label followed by the next numbered clause is.
    text = "10.3. Вопросы следует направлять по адресу: \n10.4. Политика размещена на сайте.\n"
    assert [code for code, _ in extract_facts(text).warnings] == ["empty_contact"]


def test_unlimited_retention_is_about_data_not_the_document():
    facts = extract_facts("Персональные данные хранятся бессрочно. Настоящая Политика действует бессрочно.")
    assert facts.warnings == [("unlimited_retention", "Персональные данные хранятся бессрочно.")]
    facts = extract_facts("Дербес деректер мерзімсіз сақталады.")
    assert [code for code, _ in facts.warnings] == ["unlimited_retention"]


# --- what real builder templates leave behind (issue 10), in our own words ----------------------------

@pytest.mark.parametrize("text", [
    "Оператор: название компании, БИН: указать БИН.",
    "Юридический адрес: указать адрес.",
    "Политика действует на сайте site.ru и всех его поддоменах.",
    "Вопросы присылайте на info@site.ru.",
    "Сайт «Название сайта» принадлежит ТОО «Название».",
    "Оператор — ООО «Ромашка».",
    "Ответственный за обработку — Иванов Иван Иванович.",
    # a landing builder's stock regulation, never filled in
    "Настоящее Положение разработано название компании (далее – Оператор) и действует для всех посетителей.",
    "Положение опубликовано на сайте (адрес сайта) в открытом доступе.",
    "Согласие можно отозвать, написав на (электронный адрес оператора).",
])
def test_builder_template_leftovers(text):
    assert "template_placeholder" in [code for code, _ in extract_facts(text).warnings], text


@pytest.mark.parametrize("text", [
    "Пользователь может указать адрес доставки при заказе.",
    "Посетите наш сайт primer-demo.kz, чтобы узнать больше.",
    "Пользователь указывает наименование организации при заказе счёта.",
    "Пользователь указывает адрес сайта (при наличии) и название компании (для счёта).",
])
def test_ordinary_words_are_no_template_leftovers(text):
    assert extract_facts(text).warnings == [], text


@pytest.mark.parametrize("text", [
    "Надзор за обработкой данных осуществляет Роскомнадзор.",
    "Деректерді өңдеу Ресей Федерациясының заңнамасына сәйкес жүзеге асырылады.",
    "Data are processed under the laws of the Russian Federation.",
])
def test_russian_law_in_any_language_is_foreign_law(text):
    facts = extract_facts(text)
    assert "ru_law" in facts.laws and "foreign_law" in [code for code, _ in facts.warnings]


@pytest.mark.parametrize(("text", "kind"), [
    ("Согласие на обработку персональных данных\nЯ даю согласие ТОО «Пример» на обработку моих данных.", "consent"),
    ("СОГЛАСИЕ ПОЛЬЗОВАТЕЛЯ НА ОБРАБОТКУ ПЕРСОНАЛЬНЫХ ДАННЫХ\n1. Настоящим я подтверждаю …", "consent"),
    ("Дербес деректерді жинауға және өңдеуге келісім\nМен келісім беремін.", "consent"),
    ("Жеке деректерді өңдеуге келісім\nОсы құжатпен мен …", "consent"),
    ("Consent to the processing of personal data\nI agree that …", "consent"),
    ("Я, заполняя форму на сайте, даю своё согласие на обработку имени и телефона.", "consent"),
    ("Пользовательское соглашение\n1. Общие положения", "terms"),
    ("Публичная оферта на оказание услуг", "terms"),
    ("Политика конфиденциальности\nИспользуя сайт, вы даёте согласие на обработку персональных данных.",
     "privacy_policy"),
    ("Құпиялылық саясаты\n1. Жалпы ережелер", "privacy_policy"),
    ("Privacy Policy\nWe respect your privacy.", "privacy_policy"),
    ("1. Общие положения\nОператор обрабатывает данные посетителей.", "privacy_policy"),
])
def test_the_document_type_comes_from_its_title_or_its_voice(text, kind):
    assert document_type(text) == kind
    assert extract_facts(text).document_type == kind


def test_ip_operators_and_partner_banks():
    facts = extract_facts("Оператор: ИП «А.Б.В. ГРУПП». Оплату принимают партнёры: АО «Пример Банк», «Үлгі Банкі» АҚ.")
    assert facts.operator_names == ["ИП «А.Б.В. ГРУПП»"]
    assert extract_facts("Сервис принадлежит ИП Blue River Studio.").operator_names == ["ИП Blue River Studio"]
    # a bank's own policy keeps the bank as its operator
    assert extract_facts("Оператор — АО «Пример Банк», БИН указан ниже.").operator_names == ["АО «Пример Банк»"]


@pytest.mark.parametrize("text", [
    "в соответствии с Законом РК «О защите персональных данных»",
    "Республики Казахстан от 2013 года «О персональных данных»",
    "«Дербес деректер туралы» Заңына сәйкес",
    "«Дербес деректер және оларды қорғау туралы» Заңы",
])
def test_loose_titles_of_the_kazakhstan_law(text):
    assert extract_facts(text).laws == ["kz_94v"]


def test_a_russian_title_without_kazakhstan_is_not_the_kazakhstan_law():
    assert "kz_94v" not in extract_facts("согласно закону «О персональных данных»").laws

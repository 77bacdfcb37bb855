"""Splitting a policy into sentences and list items (analysis.sentences)."""

from kzprivacy.analysis.sentences import lead_ins, split_sentences


def _texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_offsets_point_into_the_original_text():
    text = "  Первое предложение.  Второе!\n\n3.1. Третье? Четвёртое.\n"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["Первое предложение.", "Второе!", "Третье?", "Четвёртое."]
    assert all(text[s.start:s.end] == s.text for s in sentences)


def test_abbreviations_do_not_end_a_sentence():
    text = ("Офис находится по адресу: г. Алматы, ул. Абая, д. 10. Данные (т.е. имя, телефон и т.д.) "
            "хранятся согласно п. 4 настоящей Политики. Ответственный — И.И. Иванов.")
    assert _texts(text) == [
        "Офис находится по адресу: г. Алматы, ул. Абая, д. 10.",
        "Данные (т.е. имя, телефон и т.д.) хранятся согласно п. 4 настоящей Политики.",
        "Ответственный — И.И. Иванов.",
    ]


def test_clause_numbers_and_bullets_are_markers_not_text():
    text = "2.1) Сайт использует файлы cookie.\n- Имя;\n— Телефон;\n• Адрес;\n1) Город;\n3.2.1.\tПочта"
    sentences = split_sentences(text)
    assert [(s.marker, s.text) for s in sentences] == [
        ("2.1)", "Сайт использует файлы cookie."), ("-", "Имя;"), ("—", "Телефон;"), ("•", "Адрес;"),
        ("1)", "Город;"), ("3.2.1.", "Почта")]
    assert [s.kind for s in sentences][:5] == ["clause", "item", "item", "item", "item"]


def test_a_line_broken_mid_sentence_is_joined():
    text = "- история заказов, включая данные об услугах, приобретённых или просмотренных через\n\nСайт;\n- иное."
    assert _texts(text) == [
        "история заказов, включая данные об услугах, приобретённых или просмотренных через\n\nСайт;", "иное."]


def test_headings_are_recognised():
    text = "Политика конфиденциальности\n\n2) Сбор персональной информации\n\n2.1) Сайт собирает имя."
    assert [s.kind for s in split_sentences(text)] == ["heading", "heading", "clause"]


def test_items_belong_to_the_lead_in_before_them():
    text = ("2.2) Пользователь указывает следующие данные:\n- Имя\n- ИИН\n"
            "2.3) Сайт использует cookie.\n"
            "3.2. Данные включают:\n3.2.1. телефон;\n3.2.2. почта.\n3.3. Прочее.\n"
            "Мы собираем:\n1) Фамилия\n2) Телефон\n\n3) Адрес")
    sentences = split_sentences(text)
    parents = lead_ins(sentences)
    by_text = {s.text: (sentences[p].text if p is not None else None) for s, p in zip(sentences, parents, strict=False)}
    assert by_text["Имя"] == "Пользователь указывает следующие данные:"
    assert by_text["ИИН"] == "Пользователь указывает следующие данные:"
    assert by_text["Сайт использует cookie."] is None
    assert by_text["телефон;"] == "Данные включают:"
    assert by_text["почта."] == "Данные включают:"
    assert by_text["Прочее."] is None
    assert by_text["Телефон"] == "Мы собираем:"
    assert by_text["Фамилия"] == "Мы собираем:"
    assert by_text["Адрес"] == "Мы собираем:"   # a short «3) Адрес» continues the numbering 1), 2)


def test_a_numbered_heading_ends_a_bulleted_list():
    text = "1.1) Термины:\n- «Сайт» — сайт Оператора.\n2) Сбор персональной информации\n2.1) Текст."
    sentences = split_sentences(text)
    parents = lead_ins(sentences)
    assert list(parents) == [None, 0, None, None]


def test_inline_numbered_items_after_a_semicolon_are_split():
    text = "- 3) подтверждения данных; 4) технической поддержки;"
    assert _texts(text) == ["подтверждения данных;", "4) технической поддержки;"]


def test_a_label_with_a_value_is_not_a_heading():
    assert [s.kind for s in split_sentences("Контакты\nТелефон: +7 727 355 10 20\nE-mail: info@primer.kz")] == [
        "heading", "sentence", "sentence"]

"""detect_language: Russian, Kazakh, English, mixed, unknown."""


import pytest

from kzprivacy.vocabulary.language import detect_language

RU = ("Настоящая Политика определяет порядок обработки персональных данных пользователей сайта. "
      "Оператор собирает имя, номер телефона и адрес электронной почты, а также использует файлы cookie "
      "и сервис Google Analytics для сбора статистики.")
KK = ("Осы Саясат сайт пайдаланушыларының дербес деректерін өңдеу тәртібін айқындайды. "
      "Оператор аты-жөнін, телефон нөмірін және электрондық пошта мекенжайын жинайды, сондай-ақ "
      "cookie файлдарын пайдаланады.")
EN = ("This Privacy Policy explains how we process the personal data of the users of our website. "
      "We collect your name, phone number and email address, and we use cookies and Google Analytics.")


@pytest.mark.parametrize(("text", "language"), [
    (RU, "ru"),
    (KK, "kk"),
    (EN, "en"),
    (RU + "\n" + KK, "mixed"),
    (KK + "\n\n" + EN, "mixed"),
    ("", "unknown"),
    ("12345 — 67890 ---", "unknown"),
    ("https://primer.kz/privacy", "unknown"),
])
def test_detect_language(text, language):
    assert detect_language(text) == language


def test_a_russian_policy_citing_a_kazakh_law_title_stays_russian():
    text = (RU + "\n") * 3 + "Политика соответствует Закону «Дербес деректер және оларды қорғау туралы».\n"
    assert detect_language(text) == "ru"


def test_kazakh_typed_without_its_own_letters_is_told_apart_by_its_words():
    # Some sites type Kazakh with Russian letters only; the frequent words still give it away.
    text = ("Биз сиздин деректер мен келисим туралы акпаратты осы сайт бойынша жинаймыз жане "
            "пайдаланушы деректерди тек занына сай ондейди. Деректер ушин биз жауап беремиз.")
    assert detect_language(text) == "kk"


def test_a_short_english_brand_line_does_not_make_russian_mixed():
    text = RU + "\nGoogle Analytics\nYandex Metrica\n" + RU
    assert detect_language(text) == "ru"


def test_a_megabyte_half_russian_half_kazakh_is_mixed():
    # Sampling keeps this cheap; its speed is for a benchmark to print, not for a test to time.
    text = (RU + "\n") * 3000 + (KK + "\n") * 3000   # about 1.3 MB, half and half
    assert detect_language(text) == "mixed"

"""How a policy's sentences become declarations: lead-ins, morphology, negation, exceptions, storage, vendors."""


from kzprivacy.analysis.declarations import Declaration, extract_declarations, summarise


def _by_category(text: str) -> dict[str, list[Declaration]]:
    found: dict[str, list[Declaration]] = {}
    for declaration in extract_declarations(text):
        found.setdefault(declaration.category, []).append(declaration)
    return found


def _statuses(text: str) -> dict[str, str]:
    return summarise(extract_declarations(text))


def test_each_item_under_a_lead_in_is_its_own_declared_evidence():
    text = ("2.1. При оформлении заказа Покупатель сообщает следующие сведения:\n"
            "- фамилия, имя;\n- ИИН;\n- номер телефона.\n\n2.2. Иные сведения не запрашиваются.")
    found = _by_category(text)
    assert {c: [d.evidence for d in ds] for c, ds in found.items()} == {
        "name": ["фамилия, имя;"], "iin": ["ИИН;"], "phone": ["номер телефона."]}
    for declarations in found.values():
        declaration = declarations[0]
        assert declaration.status == "declared" and declaration.note == "lead-in"
        assert text[declaration.start:declaration.end] == declaration.evidence


def test_numbered_sub_clauses_are_items_of_their_lead_in():
    text = ("3.2. Пользователь предоставляет следующие данные:\n"
            "3.2.1. адрес электронной почты;\n3.2.2. дата рождения\n3.3. Прочие условия.")
    found = _by_category(text)
    assert found["email"][0].evidence == "адрес электронной почты;"
    assert found["birth_date"][0].evidence == "дата рождения"


def test_a_negated_lead_in_denies_its_items():
    text = "Мы не собираем следующие данные:\n- номер банковской карты;\n- сведения о состоянии здоровья."
    assert _statuses(text) == {"payment_card": "denied", "health": "denied"}


def test_advice_to_the_user_is_neither_declared_nor_denied():
    text = ("В целях безопасности рекомендуем:\n- не передавать пароль и данные карты третьим лицам;\n"
            "- не отвечать на письма с просьбой сообщить пароль.")
    assert extract_declarations(text) == []


def test_inflected_forms_match_through_lemmas():
    assert _statuses("Сайт собирает сведения о пользователях с помощью файлов cookie.") == {"cookies": "declared"}
    assert _statuses("Оператор вправе передавать данные третьим лицам.") == {"third_party_sharing": "declared"}
    assert _statuses("Мы обрабатываем номера телефонов и адреса электронной почты клиентов.") == {
        "phone": "declared", "email": "declared"}


def test_negation_of_a_processing_verb_denies_what_follows_it():
    found = _by_category("Мы собираем имя и телефон и не собираем платёжные данные.")
    assert found["payment_card"][0].status == "denied" and found["payment_card"][0].note == "negated"
    assert found["name"][0].status == "declared" and found["phone"][0].status == "declared"


def test_a_passive_negation_denies_what_comes_before_it():
    text = ("Обработка специальных категорий персональных данных, касающихся состояния здоровья, "
            "а также биометрических данных не осуществляется.")
    found = _by_category(text)
    assert found["health"][0].status == "denied" and found["biometric"][0].status == "denied"
    assert found["health"][0].rule == "ru.health.health"   # the specific word wins over «специальные категории»


def test_object_before_an_active_negated_verb_is_denied_too():
    assert _statuses("Данные банковских карт мы не храним.") == {"payment_card": "denied"}


def test_negations_that_are_not_about_processing_deny_nothing():
    assert _statuses("Компания не несёт ответственности за сайты третьих лиц, на которые ведут ссылки.") == {}
    assert _statuses("Мы собираем не только имя, но и номер телефона.") == {"name": "declared", "phone": "declared"}
    # «не указанным» qualifies the recipients; the transfer itself is declared.
    assert _statuses("Оператор имеет право передавать данные третьим лицам, не указанным в пункте 5.4.") == {
        "third_party_sharing": "declared"}


def test_a_negation_with_an_exception_is_a_declaration():
    # PoliCheck reads «not ... except» as: the flow can happen.
    for text in ("Мы не передаём персональные данные третьим лицам, за исключением службы доставки.",
                 "Компания не передаёт персональные данные третьим лицам без согласия Пользователя.",
                 "We do not share your personal data with third parties except our payment provider.",
                 "Деректер үшінші тұлғаларға берілмейді, жеткізу қызметін қоспағанда."):
        (declaration,) = _by_category(text)["third_party_sharing"]
        assert (declaration.status, declaration.note) == ("declared", "exception"), text


def test_a_plain_refusal_to_share_is_a_denial():
    (declaration,) = _by_category("Мы никогда не продаём и не передаём ваши данные третьим лицам.")[
        "third_party_sharing"]
    assert declaration.status == "denied"


def test_storage_in_kazakhstan_against_storage_abroad():
    assert _statuses("Персональные данные хранятся на серверах, размещённых на территории Республики Казахстан.") \
        == {"storage_in_kz": "declared"}
    assert _statuses("Оператор вправе хранить персональные данные на серверах вне территории Республики "
                     "Казахстан.") == {"cross_border_transfer": "declared"}
    both = _by_category("Данные хранятся на территории Республики Казахстан и не передаются за пределы "
                        "Республики Казахстан.")
    assert both["storage_in_kz"][0].status == "declared"
    assert both["cross_border_transfer"][0].status == "denied"
    # Territory without storage is not a storage claim.
    assert _statuses("Политика действует на всей территории Республики Казахстан.") == {}


def test_consent_to_cross_border_transfer_is_declared():
    found = _by_category("Пользователь даёт согласие на трансграничную передачу персональных данных.")
    assert found["cross_border_transfer"][0].rule == "ru.cross_border_transfer.explicit"


def test_vendors_are_recorded_as_written_and_make_wording_specific():
    text = "На сайте работают Google Analytics и Яндекс.Метрика, а чат Jivo получает сведения о посещениях."
    found = _by_category(text)
    assert found["analytics"][0].vendors == ["Google Analytics", "Яндекс.Метрика", "Jivo"]
    assert found["analytics"][0].rule == "any.analytics.vendor"
    assert found["usage"][0].vendors == found["analytics"][0].vendors


def test_third_parties_without_a_kind_are_vague():
    (vague,) = _by_category("Оператор может передавать данные третьим лицам.")["third_party_sharing"]
    assert vague.specificity == "vague" and vague.vendors == []
    (kind,) = _by_category("Для доставки заказа адрес и телефон передаются курьерской службе.")["third_party_sharing"]
    assert kind.specificity == "specific"
    (named,) = _by_category("Данные заявок передаются партнёру Bitrix24 для учёта обращений.")["third_party_sharing"]
    assert named.specificity == "specific" and named.vendors == ["Bitrix24"]


def test_operator_details_are_not_data_taken_from_users():
    text = "Контакты оператора: телефон: +7 (727) 355-10-20, e-mail: info@primer.kz, БИН 180740027339."
    assert _statuses(text) == {"contact": "declared", "operator_identity": "declared"}
    assert _statuses("Заказ можно оформить по телефону или от имени организации.") == {}
    assert _statuses("Пользователь соблюдает требования законов о рекламе.") == {}
    # The patronymic «указано в документе, удостоверяющем личность» is read from it, not a copy kept.
    assert "id_document" not in _statuses("Клиент указывает фамилию, имя, отчество (если оно указано в документе, "
                                          "удостоверяющем личность).")


def test_absence_is_a_denial():
    assert _statuses("Счётчиков посещаемости и рекламных сервисов на сайте нет.") == {
        "analytics": "denied", "advertising": "denied"}
    assert _statuses("There are no visitor counters or advertising services on the site.") == {
        "analytics": "denied", "advertising": "denied"}
    assert _statuses("Сайтта кіруді есептегіштер мен жарнамалық қызметтер жоқ.") == {
        "analytics": "denied", "advertising": "denied"}


def test_denying_the_other_ones_declares_the_named_ones():
    found = _by_category("Сайт сохраняет файл cookie сеанса. Других файлов cookie и сервисов аналитики на сайте нет.")
    assert [(d.status, d.note) for d in found["cookies"]] == [("declared", ""), ("declared", "exception")]
    assert found["analytics"][0].status == "denied"
    (shared,) = _by_category("Данные направляются курьерской службе. Иным третьим лицам данные не передаются.")[
        "third_party_sharing"][1:]
    assert (shared.status, shared.note) == ("declared", "exception")


def test_a_negation_inside_a_condition_denies_nothing():
    assert _statuses("Срок хранения данных составляет один год, если закон не требует иного срока.") == {
        "retention": "declared"}


def test_a_comma_and_a_verb_start_a_new_clause():
    # The exception of the first clause does not reach the storage claim of the second, and vice versa.
    found = _by_category("Мы не передаём ваши данные третьим лицам, кроме курьерской службы, "
                         "и храним их на серверах в Республике Казахстан.")
    assert (found["storage_in_kz"][0].status, found["storage_in_kz"][0].note) == ("declared", "")
    assert (found["third_party_sharing"][0].status, found["third_party_sharing"][0].note) == ("declared", "exception")
    # «, а также» continues a list inside one clause.
    found = _by_category("Обработка сведений о состоянии здоровья, а также биометрических данных не осуществляется.")
    assert found["health"][0].status == found["biometric"][0].status == "denied"


def test_a_word_after_an_address_names_that_address():
    # «privacy@… мекенжайына жазыңыз» — write to the address: a contact, not a postal address collected.
    assert _statuses("Өтініштерді privacy@primer.kz мекенжайына жазыңыз.") == {"contact": "declared"}


def test_definitions_of_terms_declare_nothing():
    assert _statuses("«Cookies» — небольшой фрагмент данных, который веб-сервер сохраняет на компьютере.") == {}


def test_kazakh_snippets():
    statuses = _statuses("Біз сіздің аты-жөніңізді, телефон нөміріңізді және электрондық пошта мекенжайыңызды "
                         "жинаймыз. Біз төлем картасының деректерін сақтамаймыз. Дербес деректер Қазақстан "
                         "Республикасының аумағында орналасқан серверлерде сақталады.")
    assert statuses == {"name": "declared", "phone": "declared", "email": "declared", "payment_card": "denied",
                        "storage_in_kz": "declared"}


def test_english_snippets():
    statuses = _statuses("We collect your name, email address and phone number when you register. We do not "
                         "collect health data. Your personal data will not be transferred outside Kazakhstan. "
                         "We use Google Analytics and cookies to measure traffic.")
    assert statuses == {"name": "declared", "email": "declared", "phone": "declared", "health": "denied",
                        "cross_border_transfer": "denied", "analytics": "declared", "cookies": "declared"}


def test_mixed_russian_and_kazakh_text():
    text = ("Сайт использует файлы cookie и собирает IP-адреса посетителей.\n"
            "Сайт cookie файлдарын пайдаланады және келушілердің IP мекенжайларын жинайды.")
    found = _by_category(text)
    assert [d.rule for d in found["cookies"]] == ["ru.cookies.cookie", "kk.cookies.cookie"]
    assert [d.rule for d in found["ip_address"]] == ["ru.ip_address.ip", "kk.ip_address.ip"]
    assert "address" not in found   # «IP мекенжайы» is an IP address, not a postal one


def test_declarations_are_ordered_and_offsets_point_at_the_evidence():
    text = ("Политика конфиденциальности\n\n1. Мы собираем адрес электронной почты.\n"
            "2. Мы не храним данные банковских карт.\n3. Мы используем файлы cookie.")
    declarations = extract_declarations(text)
    assert [d.category for d in declarations] == ["email", "payment_card", "cookies"]
    assert all(text[d.start:d.end] == d.evidence for d in declarations)
    assert [d.start for d in declarations] == sorted(d.start for d in declarations)


def test_summarise_reports_ambiguous_when_a_policy_says_both():
    text = "Мы не храним данные банковских карт. При оплате Пользователь вводит номер карты на сайте."
    assert _statuses(text) == {"payment_card": "ambiguous"}
    assert summarise([]) == {}


def test_a_long_policy_gives_every_paragraph_its_declarations():
    # Speed is measured by bench/analysis.py, never asserted in a test (shared machines are noisy).
    paragraph = ("Оператор собирает фамилию, имя, номер телефона и адрес электронной почты Пользователя. "
                 "Сайт использует файлы cookie и сервис Яндекс.Метрика для сбора статистики посещений. "
                 "Оператор не передаёт персональные данные третьим лицам, за исключением службы доставки. "
                 "Персональные данные хранятся на серверах на территории Республики Казахстан.\n")
    text = "".join(f"{i}. {paragraph}" for i in range(1, 200))[:30_000]
    declarations = extract_declarations(text)
    assert len(declarations) > 300
    assert {"name", "phone", "email", "cookies", "analytics", "storage_in_kz"} <= set(summarise(declarations))
    assert all(text[d.start:d.end] == d.evidence for d in declarations)


def test_a_kazakh_hint_applies_kazakh_rules_to_kazakh_typed_without_its_letters():
    text = "Тауарды жеткизу ушин биз сиздин мекенжайынызды жинаймыз."   # «жеткізу», «үшін», «сіздің» typed plain
    assert _statuses(text) == {}
    assert summarise(extract_declarations(text, "kk")) == {"address": "declared"}
    assert _statuses(text) == summarise(extract_declarations(text, "mixed")) == {}


def test_headings_and_contact_lines():
    text = "Политика конфиденциальности ТОО «Ромашка»\n\n1. Сбор cookie\n\nТелефон: +7 727 355 10 20\n"
    found = _by_category(text)
    # A heading names a subject («Сбор cookie» is not a statement); its legal name still counts.
    assert set(found) == {"operator_identity", "contact"}
    assert found["contact"][0].evidence == "Телефон: +7 727 355 10 20"

"""Every rule of the policy lexicon fires on a sentence written the way policies write.

The table is the lexicon's documentation by example: adding a rule without a line
here fails `test_every_rule_has_an_example`.
"""

import pytest

from kzprivacy.analysis.declarations import extract_declarations
from kzprivacy.vocabulary.taxonomy import CATEGORIES, POLICY_LEXICON

# rule id -> a sentence in which that rule (and no stronger rule of the same category) applies
EXAMPLES: dict[str, str] = {
    # Russian: data categories
    "ru.name.fio": "При оформлении заказа Покупатель сообщает фамилию и отчество получателя.",
    "ru.name.first_name": "Для обращения к Вам мы запрашиваем Ваше имя.",
    "ru.iin.iin": "Для заключения договора Клиент указывает свой ИИН.",
    "ru.id_document.id_card": "Для получения займа необходима копия удостоверения личности Заёмщика.",
    "ru.birth_date.birth": "Пациент указывает дату рождения при записи на приём.",
    "ru.phone.number": "Мы используем номер мобильного телефона для подтверждения заказа.",
    "ru.email.address": "Оператор собирает адрес электронной почты для отправки чеков.",
    "ru.address.postal": "Адрес доставки используется курьерской службой только для доставки товара.",
    "ru.address.list_item": "При заказе анализов на дому клиент сообщает:\n- адрес, по которому выезжает медсестра;",
    "ru.address.enumeration": "Для доставки нужны ваши данные (имя, адрес, телефон).",
    "ru.credentials.login": "Пользователь самостоятельно задаёт логин и пароль при регистрации.",
    "ru.payment_card.card": "Реквизиты банковской карты вводятся на защищённой странице банка.",
    "ru.ip_address.ip": "Сервер автоматически записывает IP-адрес посетителя.",
    "ru.device.browser": "Мы получаем сведения о типе браузера и операционной системе Вашего устройства.",
    "ru.device.technical": "Сайт автоматически получает технические данные при каждом посещении.",
    "ru.usage.activity": "Мы анализируем посещённые страницы и время доступа к Сайту.",
    "ru.usage.visits": "Сервис веб-аналитики получает данные о посещении сайта.",
    "ru.location.geo": "Приложение может запрашивать геолокацию для поиска ближайшего магазина.",
    "ru.social_profile.network": "При входе через соцсеть мы получаем данные из социальных сетей, разрешённые Вами.",
    "ru.social_profile.messenger": "Чат-бот сохраняет ваш никнейм и идентификатор Telegram для ответа.",
    "ru.retention.consent_term": "Согласие действует до достижения целей обработки или до его отзыва.",
    "ru.health.result": "Лаборатория сообщает пациенту результаты анализов по SMS.",
    "ru.health.health": "Врач клиники вносит сведения о состоянии здоровья пациента в карту.",
    "ru.health.medical_list": "Анкета содержит медицинские и контактные данные пациента.",
    "ru.special_categories.generic": "Оператор не обрабатывает специальные категории персональных данных.",
    "ru.biometric.biometric": "Для входа в приложение используются биометрические данные Клиента.",
    "ru.call_recording.calls": "Все звонки в колл-центр сопровождаются записью телефонных разговоров.",
    "ru.contact_data.generic": "Мы храним Ваши контактные данные до отзыва согласия.",
    # Russian: practices
    "ru.cookies.cookie": "Наш сайт использует файлы cookie для сохранения корзины.",
    "ru.analytics.counters": "На сайте установлены счётчики посещаемости.",
    "ru.analytics.statistics": "Обезличенные сведения используются в статистических целях.",
    "ru.analytics.analysis": "Сведения о визитах используются для анализа посещаемости.",
    "ru.advertising.targeting": "Сведения о посещениях используются для показа таргетированной рекламы.",
    "ru.advertising.marketing": "С Вашего согласия мы направляем рекламные рассылки.",
    "ru.advertising.newsletter": "С Вашего согласия мы присылаем новостную рассылку и специальные предложения.",
    "ru.advertising.own_news": "Мы используем телефон для направления информации об услугах компании.",
    "ru.web_beacons.beacon": "В письмах используются веб-маяки, позволяющие узнать, прочитано ли письмо.",
    "ru.third_party_sharing.transfer": "Оператор вправе передавать персональные данные своим партнёрам.",
    "ru.cross_border_transfer.explicit": "Пользователь даёт согласие на трансграничную передачу своих данных.",
    "ru.cross_border_transfer.outside": "Данные могут храниться на серверах за пределами Республики Казахстан.",
    "ru.storage_in_kz.territory": "База данных Оператора размещена на территории Республики Казахстан.",
    "ru.retention.period": "Персональные данные хранятся в течение трёх лет после последнего заказа.",
    "ru.retention.duration": "Заявки с сайта хранятся один год, затем удаляются.",
    "ru.retention.term": "Срок хранения персональных данных определяется целями обработки.",
    "ru.retention.delete_within": "По вашему письму переписку удалим в течение 5 рабочих дней.",
    "ru.retention.after_event": "Анкеты соискателей — 2 года после последнего собеседования.",
    "ru.retention.until_deletion": "Записи хранятся на устройстве до удаления вами программы.",
    "ru.retention.while": "Записи хранятся, пока открыт ваш профиль.",
    "ru.third_party_sharing.sale": "Мы не продаём ваши данные.",
    "ru.user_rights.withdraw": "Субъект может в любое время отозвать своё согласие, направив письменное заявление.",
    "ru.user_rights.request": "Пользователь вправе потребовать удаления своих персональных данных.",
    "any.credentials.none": "Регистрация на сайте не требуется.",
    "any.payment_card.none": "Онлайн-оплаты на сайте нет.",
    "any.social_profile.sign_in": "Клиент может войти с Apple Sign-In вместо пароля.",
    "ru.user_rights.ask": "Субъект вправе запросить информацию об обработке его данных.",
    "kk.user_rights.account_deletion": "Есептік жазбаны жою үшін бізге хат жазыңыз.",
    "kk.name.initials": "Сатып алушы Т. А. Ә. көрсетеді.",
    "ru.user_rights.account_deletion": "Клиент может удалить аккаунт в любой момент.",
    "ru.address.country": "При регистрации указывается страна проживания.",
    "ru.user_rights.opt_out": "Подписчик может в любой момент отказаться от рекламных рассылок.",
    "ru.address.saved": "Покупатель может сохранить несколько адресов в разделе «Мои адреса».",
    "ru.biometric.photo": "Для верификации курьера мы просим селфи с удостоверением личности.",
    "any.third_party_sharing.services_used": "Для работы сайта мы используем сервисы третьих лиц.",
    "any.cross_border_transfer.foreign_infrastructure": "Файлы клиентов лежат на облачной EU инфраструктуре.",
    "kk.user_rights.how_delete": "Өз деректеріңізді қалай жоюға болатынын осы бөлім түсіндіреді.",
    "ru.contact.own_channel": "Почтовый адрес Оператора: 050000, Алматы, а/я 15.",
    "ru.contact.form": "Вопросы об обработке данных направляйте через форму обратной связи на сайте.",
    "ru.consent.given": "Заполняя форму на сайте, Пользователь даёт согласие на обработку своих данных.",
    "ru.security.encryption": "Данные из форм передаются по защищённому протоколу.",
    "ru.security.measures": "Оператор принимает необходимые меры для защиты персональных данных.",
    # Kazakh
    "kk.name.full_name": "Тіркелу кезінде пайдаланушы өзінің аты-жөнін көрсетеді.",
    "kk.name.person_name": "Нәтижелер кестесінде оқушының аты көрсетіледі.",
    "kk.name.list_item": "Өтінімде келесі мәліметтер көрсетіледі:\n- Аты;",
    "kk.name.enumeration": "Өтінім қалдырғанда сіз аты, телефон нөмірі және email көрсетесіз.",
    "kk.iin.iin": "Шартты жасау үшін клиент өзінің ЖСН-ін ұсынады.",
    "kk.id_document.id_card": "Қарыз алу үшін жеке куәліктің көшірмесі қажет.",
    "kk.birth_date.birth": "Пациент жазылу кезінде туған күнін көрсетеді.",
    "kk.phone.number": "Біз тапсырысты растау үшін ұялы нөміріңізді сұраймыз.",
    "kk.email.address": "Біз чектерді жіберу үшін электрондық поштаңызды жинаймыз.",
    "kk.address.postal": "Тауарды жеткізу үшін сіздің мекенжайыңыз қолданылады.",
    "kk.credentials.password": "Пайдаланушы тіркелу кезінде құпиясөзді өзі белгілейді.",
    "kk.payment_card.card": "Төлем картасының деректері банктің қорғалған бетінде енгізіледі.",
    "kk.ip_address.ip": "Сервер келушінің IP мекенжайын автоматты түрде жазады.",
    "kk.device.device": "Біз сіздің құрылғыңыз туралы ақпарат аламыз.",
    "kk.usage.visits": "Біз сайтқа кіру уақытын талдаймыз.",
    "kk.device.technical": "Сайтқа кірген сайын техникалық деректер автоматты түрде жиналады.",
    "kk.location.geo": "Қосымша жақын дүкенді табу үшін геолокацияны сұрай алады.",
    "kk.social_profile.network": "Әлеуметтік желілер арқылы кірген кезде біз сіздің профиліңізді аламыз.",
    "kk.social_profile.messenger": "Бот сіздің Telegram идентификаторыңызды жауап беру үшін сақтайды.",
    "kk.retention.consent_term": "Келісімнің қолданылу мерзімі — үш жыл.",
    "kk.health.health": "Дәрігер пациенттің денсаулық жағдайы туралы мәліметтерді енгізеді.",
    "kk.special_categories.generic": "Клиника дербес деректердің ерекше санаттарын да өңдейді.",
    "kk.biometric.biometric": "Қосымшаға кіру үшін клиенттің биометриялық деректері пайдаланылады.",
    "kk.call_recording.calls": "Байланыс орталығына түскен барлық қоңыраулар жазылады: қоңырауларды жазу "
                               "сапаны арттыру үшін жүргізіледі.",
    "kk.contact_data.generic": "Біз сіздің байланыс деректеріңізді келісіміңізді кері қайтарғанға дейін сақтаймыз.",
    "kk.contact.own_channel": "Біздің мекенжайымыз: Алматы қаласы, 050000.",
    "kk.cookies.cookie": "Біздің сайт себетті сақтау үшін cookie файлдарын пайдаланады.",
    "kk.analytics.counters": "Сайтта келушілер санының есептегіштері орнатылған.",
    "kk.analytics.statistics": "Иесіздендірілген мәліметтер статистикалық мақсаттарда пайдаланылады.",
    "kk.analytics.analysis": "Жиналған мәліметтер келушілерді талдау үшін қолданылады.",
    "kk.advertising.targeting": "Келушілер туралы мәліметтер ретаргетинг үшін пайдаланылады.",
    "kk.advertising.ads": "Сіздің келісіміңізбен біз жарнамалық хабарламалар жібереміз.",
    "kk.advertising.newsletter": "Келісіміңіз болса, біз сізге арнайы ұсыныстар жібереміз.",
    "kk.advertising.own_news": "Телефон нөмірі компанияның қызметтері туралы ақпарат жіберу үшін қажет.",
    "kk.web_beacons.pixel": "Хаттарда оқылғанын білуге мүмкіндік беретін пиксельдер қолданылады.",
    "kk.third_party_sharing.transfer": "Оператор дербес деректерді үшінші тұлғаларға беруге құқылы.",
    "kk.cross_border_transfer.explicit": "Пайдаланушы деректерін трансшекаралық беруге келісім береді.",
    "kk.cross_border_transfer.outside": "Деректер Қазақстан Республикасының аумағынан тыс серверлерде "
                                        "сақталуы мүмкін.",
    "kk.storage_in_kz.territory": "Дербес деректер Қазақстан Республикасының аумағында орналасқан серверлерде "
                                  "сақталады.",
    "kk.retention.duration": "Тапсырыс туралы деректер алты ай сақталады, содан кейін жойылады.",
    "kk.retention.term": "Дербес деректерді сақтау мерзімі өңдеу мақсаттарымен анықталады.",
    "kk.retention.delete_within": "Сұрауыңыз бойынша өтінімдерді 7 жұмыс күні ішінде өшіреміз.",
    "kk.retention.after_event": "Сауалнамалар — соңғы кездесуден кейін 2 жыл.",
    "kk.retention.until_deletion": "Жазбалар бағдарламаны жойғанша құрылғыда сақталады.",
    "kk.retention.until_converb": "Жазбалар профиль ашық болғанша сақталады.",
    "kk.third_party_sharing.sale": "Деректеріңізді ешкімге сатпаймыз.",
    "kk.retention.until": "Өтінім деректері шарт орындалғанға дейін сақталады.",
    "kk.user_rights.withdraw": "Субъект кез келген уақытта өз келісімін кері қайтарып ала алады.",
    "kk.user_rights.request": "Пайдаланушы өз деректерін түзетуді талап етуге құқылы.",
    "kk.consent.given": "Нысанды толтыра отырып, Пайдаланушы деректерді өңдеуге келісім береді.",
    "kk.security.encryption": "Нысандағы деректер шифрланған арна арқылы жіберіледі.",
    "kk.security.measures": "Оператор дербес деректерді қорғау шараларын қолданады.",
    # English
    "en.name.name": "When you register we ask for your full name.",
    "en.iin.iin": "To sign the contract the client provides their IIN.",
    "en.id_document.id_card": "A copy of your passport is required to open an account.",
    "en.birth_date.birth": "Patients give their date of birth when booking an appointment.",
    "en.phone.number": "We use your phone number to confirm the order.",
    "en.email.address": "We collect your email address to send receipts.",
    "en.address.postal": "Your delivery address is passed to the courier only to deliver the goods.",
    "en.credentials.password": "You choose your own password when you register.",
    "en.payment_card.card": "Your card number is entered on the bank's secure page.",
    "en.ip_address.ip": "Our server automatically logs the IP address of each visitor.",
    "en.device.browser": "We receive information about your browser type.",
    "en.usage.activity": "We analyse the pages visited and the time spent on the site.",
    "en.location.geo": "The app may ask for your geolocation to find the nearest store.",
    "en.social_profile.network": "If you sign in with a social network, we receive your public profile.",
    "en.health.health": "The clinic records information about your health in your patient file.",
    "en.biometric.biometric": "Biometric data is used to unlock the app.",
    "en.call_recording.calls": "Calls to our contact centre are recorded; call recording helps us train staff.",
    "en.contact.own_channel": "Our postal address: 5 Study Street, Almaty 050000.",
    "en.cookies.cookie": "Our website uses cookies to remember your basket.",
    "en.analytics.analytics": "We use web analytics to understand how the site is used.",
    "en.analytics.statistics": "Anonymised information is used for statistical purposes.",
    "en.advertising.targeting": "Your visits are used for retargeting on other websites.",
    "en.advertising.marketing": "With your consent we send you marketing messages.",
    "en.advertising.newsletter": "If you agree, we will send you our newsletter.",
    "en.web_beacons.pixel": "Our emails contain a tracking pixel that tells us whether an email was opened.",
    "en.third_party_sharing.transfer": "We may share your personal data with our partners.",
    "en.cross_border_transfer.outside": "Your data may be transferred to servers outside Kazakhstan.",
    "en.storage_in_kz.territory": "All personal data is stored on servers in the Republic of Kazakhstan.",
    "en.retention.duration": "Booking records are kept for one year and then deleted.",
    "en.retention.period": "We retain your personal data for three years after your last order.",
    "en.user_rights.rights": "You may withdraw your consent at any time by writing to us.",
    "en.consent.given": "By submitting the form you consent to the processing of your data.",
    "en.security.encryption": "Form data travel over an encrypted connection.",
    "en.security.measures": "We apply appropriate measures against unauthorised access.",
    "en.third_party_sharing.sale": "We never sell your data.",
    # Any language, by regular expression
    "any.analytics.vendor": "На сайте установлен счётчик Яндекс.Метрики.",
    "any.advertising.vendor": "Мы используем Facebook Pixel для оценки рекламных кампаний.",
    "any.contact.email": "Запросы субъектов персональных данных принимаются по адресу privacy@primer.kz.",
    "any.contact.messenger": "Вопросы о данных принимаем в Telegram: @demo_support_bot.",
    "any.social_profile.network_data": "При входе через Telegram приложение получает данные Telegram: имя и аватар.",
    "any.third_party_sharing.through": "Заявка с сайта отправляется менеджеру через WhatsApp.",
    "kk.third_party_sharing.named_company": "Аударма жасау үшін мәтін Microsoft-қа жіберіледі.",
    "any.cross_border_transfer.foreign_servers": "Резервные копии лежат на серверах в Германии.",
    "any.third_party_sharing.services_receive": "Сайт размещён у хостера и грузит шрифты; эти сервисы технически "
                                                "получают адрес запроса.",
    "any.contact.street_address": "Письма направляйте в офис: г. Караганда, ул. Примерная, 7.",
    "any.social_profile.messenger": "Для связи укажите удобный мессенджер (Telegram или WhatsApp).",
    "any.contact.phone": "Вопросы можно задать по телефону +7 (727) 355-10-20.",
    "any.operator_identity.legal_name": "Оператором персональных данных является ТОО «Пример Сервис».",
    "any.operator_identity.bin": "Оператор: БИН 180740027339, г. Астана.",
    "any.law_reference.kz_94v": "Политика разработана в соответствии с Законом Республики Казахстан "
                                "от 21 мая 2013 года № 94-V «О персональных данных и их защите».",
    "any.address.city_item": "В заявке вы указываете имя, телефон, город, желаемую дату визита.",
    "kk.birth_date.age_item": "Жазылу кезінде аты, телефон және баланың жасы сұралады.",
    "kk.social_profile.link": "Өтінімде өз Instagram парақшаңызға сілтеме қалдыра аласыз.",
    "kk.third_party_sharing.processors": "Пошта провайдері хаттарды біздің атымыздан өңдейді.",
    "any.third_party_sharing.cloud_host": "Анкеты хранятся в облаке на Firebase инфраструктуре.",
    "ru.retention.until_purpose": "Анкеты участников ведутся до достижения целей обработки.",
}


def test_every_rule_has_an_example():
    rules = {rule.rule for rule in POLICY_LEXICON}
    assert len(rules) == len(POLICY_LEXICON), "rule ids must be unique"
    missing = sorted(rules - EXAMPLES.keys())
    assert not missing, f"lexicon rules without an example sentence: {missing}"
    assert not sorted(EXAMPLES.keys() - rules), "examples for rules that no longer exist"


def test_rules_use_known_categories_and_their_own_language():
    for rule in POLICY_LEXICON:
        assert set(rule.categories) <= set(CATEGORIES), rule.rule
        assert rule.rule.startswith(rule.language + "."), rule.rule
        assert bool(rule.phrases) != bool(rule.regex), rule.rule


@pytest.mark.parametrize("rule_id", sorted(EXAMPLES))
def test_rule_fires_on_its_example(rule_id):
    sentence = EXAMPLES[rule_id]
    rule = next(r for r in POLICY_LEXICON if r.rule == rule_id)
    found = [d for d in extract_declarations(sentence) if d.rule == rule_id]
    assert found, f"{rule_id} did not fire on: {sentence}"
    if rule.only_in_list:
        assert not [d for d in extract_declarations(sentence.split("\n- ", 1)[1]) if d.rule == rule_id]
    assert {d.category for d in found} == set(rule.categories)
    for declaration in found:
        # The special-categories example is a denial; everything else declares.
        # So are the refused sales: a sale rule counts only when refused; and an absence rule (.none) denies.
        expected = "denied" if rule_id == "ru.special_categories.generic" or rule_id.endswith((".sale", ".none")) \
            else "declared"
        assert declaration.status == expected, (rule_id, declaration)
        # A list item is its own evidence; any other example is one whole sentence.
        assert declaration.evidence == (sentence.split("\n- ", 1)[1] if rule.only_in_list else sentence)
        assert declaration.specificity == ("vague" if rule.vague and not declaration.vendors else "specific")

"""The shared vocabulary: data categories, practices, declaration statuses and verdicts.

One concept, one place: the crawler (form fields) and the analysis (policies) both
import their codes from here (../shared/spec/taxonomy.md).
"""

from __future__ import annotations

import re as _re
from dataclasses import dataclass as _dataclass

# The codes; what each means, in every language, is in the message catalogue (kzprivacy/vocabulary/messages/:
# `category.CODE`, `verdict_meaning.CODE`, `status_meaning.CODE`), so wording lives in one place.
DATA_CATEGORIES: tuple[str, ...] = (
    "name", "iin", "id_document", "birth_date", "phone", "email", "address", "credentials", "payment_card",
    "ip_address", "device", "usage", "location", "social_profile", "health", "biometric", "call_recording",
)

PRACTICES: tuple[str, ...] = (
    "cookies", "analytics", "advertising", "web_beacons", "third_party_sharing", "cross_border_transfer",
    "storage_in_kz", "retention", "user_rights", "contact", "operator_identity", "law_reference",
    # Added to the shared minimum: what the form rules judge.
    "consent", "security",
)

CATEGORIES: tuple[str, ...] = DATA_CATEGORIES + PRACTICES

DECLARATION_STATUSES = ("declared", "denied")

VERDICTS: tuple[str, ...] = (
    "clear", "vague", "omitted", "incorrect", "ambiguous", "no_policy",
    # Added to the shared minimum: how the site collects falls short, whatever its policy says.
    "bad_practice",
)

SEVERITIES = ("high", "medium", "low", "info")

PAGE_KINDS = ("home", "policy", "form", "other")

# Site statuses: a crawl records one per site; everything but "ok" is a failure kind.
SITE_STATUSES: tuple[str, ...] = (
    "ok", "pending", "dns_error", "timeout", "tls_error", "http_error", "robots_blocked", "refused",
    "blocked_private_address", "redirect_loop", "too_large", "parse_timeout", "site_timeout", "proxy_error",
    "browser_hung", "browser_crash", "invalid", "error",
)


# ---------------------------------------------------------------------------
# Form fields: which data category a field asks for.
#
# Labels are short, so stems matched at word starts are enough here (a lemmatiser
# adds nothing for «Телефон» or «Аты-жөні»); the policy lexicon below, which reads
# whole sentences, goes through pymorphy3 instead. Kazakh stems are matched by
# prefix on purpose: Kazakh is agglutinative (куәлік, куәлігі, куәлігінің) and no
# stemmer for it ships with snowballstemmer.
# ---------------------------------------------------------------------------

# (category, pattern) in priority order: the first that matches wins, so the
# narrow categories come before the broad ones («Имя пользователя» is a login,
# «Адрес электронной почты» an e-mail, «Номер телефона» not a card number).
_FIELD_PATTERNS: tuple[tuple[str, str], ...] = (
    ("iin", r"\b(?:иин|жсн|бин|iin|bin|iinbin|iin_bin|inn)\b|идентификационн\w* номер|сәйкестендіру нөмір"),
    ("credentials", r"парол|password|passwd|\bpass\b|\bpwd\b|\blogin\b|логин|құпия\s?сөз|\busername\b|"
                    r"\buser name\b|имя пользовател|пайдаланушы аты"),
    ("id_document", r"паспорт|passport|удостоверени|\bудл\b|\budl\b|куәлі|\bid card\b|\bid_card\b|"
                    r"документ[а-я]* удостоверяющ|\bdocument\b|скан документ|скан\w* удостовер"),
    ("payment_card", r"\bcard\b|карт[аыу]\b|карточк|\bcc\b|\bcvv|\bcvc|\bpan\b|срок действия|\bexpir|"
                     r"төлем картас|карта нөмір|банковск"),
    ("birth_date", r"рождени|\bbirth|\bdob\b|\bbday\b|\bbirthday|туған|\bвозраст|\bжасы\b|\bage\b"),
    ("email", r"e-?mail|\bmail\b|почт(?!ов)|пошта"),   # «почтовый адрес / индекс» is postal
    ("phone", r"телефон|\bтел\b|phone|mobile|мобильн|\btel\b|whatsapp|ватсап|ұялы"),
    ("health", r"диагноз|симптом|заболеван|болезн|здоровь|аллерг|анамнез|жалоба на|денсаулық|\bауру|"
               r"diagnos|symptom|illness|medical condition|allerg"),
    ("address", r"адрес|почтов|мекен\s?-?\s?жай|address|street|\bулиц|\bгород|\bcity\b|\bzip|postcode|postal|"
                # «қала» (city), not «қалай» (how) or «қалаулы» (preferred); a country is an address as
                # autocomplete=country is (below)
                r"\bиндекс|\bқала(?![йу])|көше|квартир|\bобласть|облыс|\bregion\b|\bстрана\b|\bcountry\b|\bелі\b"),
    ("location", r"геолокац|местоположени|geolocat|\blatitude|\blongitude|\bgps\b"),
    ("name", r"\bфио\b|фамили|\bимя\b|\bимени\b|отчеств|аты-?\s?жөн|\bаты\b|\bтегі\b|әкесінің|\bname\b|\bfio\b|"
             r"surname|full ?name|first ?name|last ?name|given ?name|family ?name|middle ?name|\bлицо\b"),
)
_FIELD_RES = tuple((cat, _re.compile(pattern, _re.I)) for cat, pattern in _FIELD_PATTERNS)

# A «name» that is not a person's: company, product, organisation.
_NOT_PERSON = _re.compile(r"компани|организаци|\bcompany|\borg|product|товар|продукт|фирм|ұйым|мекеме|атауы|"
                          r"название|наименовани", _re.I)
# Words that make a free-text field medical only where the page is medical
# («Жалобы и предложения» on a shop is feedback, «Жалобы» at a clinic is health).
_COMPLAINT = _re.compile(r"жалоб|причина обращени|повод обращени|шағым|complaint|reason for (?:visit|appointment)",
                         _re.I)
_MEDICAL_CONTEXT = _re.compile(r"врач|доктор|клиник|медицин|приём|прием|запис\w* на при|пациент|стоматолог|"
                               r"анализ|лечени|дәрігер|емхана|науқас|doctor|clinic|medical|patient|appointment",
                               _re.I)
_COMPLAINT_ONLY = _re.compile(r"^\W*(?:ваши\s+|опишите\s+)?жалобы\W*$|^\W*шағымдар\w*\W*$", _re.I)

# Masks and lengths of a 12-digit number: in Kazakhstan that is an ИИН / БИН.
_MASK_12 = _re.compile(r"^\^?(?:\\d\{12\}|\[0-9\]\{12\}|9{12}|0{12}|#{12}|\\d{12})\$?$|^maxlength=12$")
_MASK_CARD = _re.compile(r"^(?:9{4}[ -]?){3}9{4}$|\\d\{16\}|\[0-9\]\{16\}")
_MASK_PHONE = _re.compile(r"^\+?[78]\s?[\(\[]?\s?9{3}")
# A placeholder that is an example phone number: «+7 (777) 0000000», «+7 700 000 00 00», «8 701 123-45-67».
# A placeholder or label that is an input mask for a phone: «+7 (___) ___ - __ -__».
_PHONE_MASK_TEXT = _re.compile(r"\+?[78]\s?[\(\[]?\s?_{3}\s?[\)\]]?\s?_{3}")
_PHONE_EXAMPLE = _re.compile(r"^(?:\+7|8)[\s(\-]*\d{3}[\s)\-]*\d{3}[\s\-]*\d{2}[\s\-]*\d{2}$|"
                             r"^(?:\+7|8)[\s(\-]*\d{3}[\s)\-]*\d{7}$")
# Route words: «Город отправления / назначения», «Жөнелту қаласы», «Межелі қала», «departure / destination city».
_ROUTE = _re.compile(r"отправлени|назначени|\bоткуда\b|\bкуда\b|жөнелту|межелі|departure|destination", _re.I)
_ROUTE_NAME = _re.compile(r"(?:city )?(?:from|to)(?: city)?|origin|dest|destination", _re.I)
_STREET = _re.compile(r"адрес|address|мекен\s?-?\s?жай|улиц|street|көше|дом\b|квартир", _re.I)

_AUTOCOMPLETE: tuple[tuple[str, str], ...] = (
    ("cc-", "payment_card"), ("email", "email"), ("tel", "phone"), ("bday", "birth_date"),
    ("current-password", "credentials"), ("new-password", "credentials"), ("username", "credentials"),
    ("one-time-code", "credentials"), ("street-address", "address"), ("address-", "address"),
    ("postal-code", "address"), ("country", "address"), ("name", "name"), ("given-name", "name"),
    ("family-name", "name"), ("additional-name", "name"), ("honorific", "name"),
)

_CONSENT_WORDS = _re.compile(r"соглас|принима|ознакомлен|подтвержда|даю\s+разрешени|келісем|келісім|келісімін|"
                             r"қабылдаймын|таныстым|\bagree|\baccept|\bconsent|i have read|i confirm", _re.I)
_CONSENT_NAMES = _re.compile(r"agree|consent|soglas|accept|privacy|policy|politic|personal|pdn|terms|oferta|offer|"
                             r"rules|gdpr", _re.I)
_NEWSLETTER = _re.compile(r"рассылк|новост|акци|newsletter|subscribe|подпис|жаңалық", _re.I)
_PRIVACY_WORDS = _re.compile(r"персональн|конфиденц|политик|обработк|дербес|құпиял|privacy|personal|policy|terms|"
                             r"услови|оферт|правил|ереже|шарт", _re.I)


def _name_words(name: str) -> str:
    """`contactPhone`, `UF_PHONE`, `user[email]` -> 'contact phone', 'uf phone', 'user email'."""
    spaced = _re.sub(r"([a-zа-я])([A-ZА-Я])", r"\1 \2", name)
    return _re.sub(r"[\W_]+", " ", spaced).strip().lower()


def is_consent_checkbox(label: str, name: str) -> bool:
    """True for a box that records consent to the policy or to processing personal data."""
    label = label or ""
    if _CONSENT_WORDS.search(label):
        # «Согласен получать рассылку» is a marketing opt-in, not consent to the policy.
        return not (_NEWSLETTER.search(label) and not _PRIVACY_WORDS.search(label))
    if _PRIVACY_WORDS.search(label) and _re.search(r"обработк|өңде|processing", label, _re.I):
        return True
    return bool(name) and bool(_CONSENT_NAMES.search(name)) and not _NEWSLETTER.search(label)


def classify_field(name: str = "", type: str = "", label: str = "", placeholder: str = "",
                   autocomplete: str = "", pattern: str = "", context: str = "") -> str | None:
    """The data category a form field asks for, or None (comments, consent boxes, search, unknown)."""
    ftype = (type or "").strip().lower()
    auto = (autocomplete or "").strip().lower()
    mask = (pattern or "").strip()
    words = " ".join(p for p in (_name_words(name or ""), label or "", placeholder or "") if p).lower()
    words = words.replace("ё", "е")

    if ftype in ("checkbox", "radio") and is_consent_checkbox(label, name):
        return None
    if ftype == "password":
        return "credentials"
    for prefix, category in _AUTOCOMPLETE:
        if auto.startswith(prefix) or f" {prefix}" in f" {auto}":
            return category
    if ftype == "search":
        return None

    found: str | None = None
    for category, regex in _FIELD_RES:
        if regex.search(words):
            found = category
            break
    if found == "name" and _NOT_PERSON.search(words):
        found = None
    # A shipment's or a trip's city of departure and destination is a route, not where the person lives.
    if found == "address" and (_ROUTE.search(words) or _ROUTE_NAME.fullmatch(_name_words(name or ""))) \
            and not _STREET.search(words):
        found = None
    # The HTML type outranks a vague word match, but not a specific one (an ИИН typed into type=tel).
    if ftype == "email" and found not in ("iin",):
        return "email"
    if ftype == "file":
        if found in ("id_document", "health"):
            return found
        if _re.search(r"селфи|selfie|фото лиц|face", words, _re.I):
            return "biometric"
        return None
    if found is None and _COMPLAINT.search(words):
        if _MEDICAL_CONTEXT.search(context or "") or _COMPLAINT_ONLY.search(label or placeholder or ""):
            found = "health"
    if found == "birth_date" and ftype not in ("date", "text", "", "number", "tel", "select", "select-one"):
        found = None
    if found:
        return found
    if _MASK_12.search(mask) and not (mask.startswith("maxlength") and ftype == "tel"):
        return "iin"
    if _MASK_CARD.search(mask):
        return "payment_card"
    if ftype == "tel" or _MASK_PHONE.search(mask) or _PHONE_EXAMPLE.match((placeholder or "").strip()) or \
            _PHONE_MASK_TEXT.search(f"{placeholder or ''} {label or ''}"):
        return "phone"
    return None


# ---------------------------------------------------------------------------
# What a tracker category implies about the data it takes, for the comparison
# with a policy: a site that loads an analytics script collects (at least) these
# categories and practices, whatever its policy says.
# ---------------------------------------------------------------------------

IMPLIED_BY_TRACKER_CATEGORY: dict[str, frozenset[str]] = {
    # Counters read the visitor's IP, browser and pages, and set cookies to tell visits apart.
    "analytics": frozenset({"analytics", "ip_address", "device", "usage", "cookies"}),
    # Ad pixels are web beacons by definition and profile visits for targeting.
    "advertising": frozenset({"advertising", "web_beacons", "ip_address", "device", "usage"}),
    # Session replay records clicks, scrolling and typed text: analytics at its most detailed.
    "session_replay": frozenset({"analytics", "usage", "device", "ip_address"}),
    # Like buttons and social widgets report the visit to the network, which recognises its users.
    "social": frozenset({"ip_address", "device", "usage", "social_profile"}),
    # A tag manager itself only loads other tags; what they take is counted under their own categories.
    "tag_manager": frozenset({"ip_address", "device"}),
    # Chat widgets see the visitor and keep what is typed (often a name and phone, counted via forms).
    "chat": frozenset({"ip_address", "device"}),
    # Call tracking swaps the number shown per visitor and links calls to visits; most services
    # also record the calls, but not all, so call_recording is left to the policy text.
    "call_tracking": frozenset({"analytics", "usage", "phone", "ip_address", "device"}),
    "forms_crm": frozenset({"ip_address", "device"}),
    "maps": frozenset({"ip_address", "device"}),
    "payments": frozenset({"payment_card", "ip_address", "device"}),
    "video": frozenset({"ip_address", "device"}),
    # Fonts, CDNs and captchas still receive every visitor's IP address and browser.
    "fonts": frozenset({"ip_address", "device"}),
    "cdn": frozenset({"ip_address", "device"}),
    "captcha": frozenset({"ip_address", "device", "usage"}),
    "other": frozenset({"ip_address"}),
}


# ---------------------------------------------------------------------------
# The policy lexicon: how a policy says that it collects a category or follows a practice.
#
# Each rule has a stable id (`<language>.<category>.<name>`), reported with every
# declaration so a reader can see why a sentence counted. A rule fires when one
# of its `phrases` occurs in a sentence and, if it has `context` groups, one
# phrase of every group occurs in the same sentence too (or, for a list item, in
# its lead-in). Words are compared by language:
#   ru - by lemma (pymorphy3), so «третьим лицам» matches «третьи лица»;
#   en - by Snowball stem, so «cookies» matches «cookie»;
#   kk - by prefix of the written word: Kazakh is agglutinative (куәлік, куәлігі,
#        куәлігінің) and neither pymorphy3 nor snowballstemmer has a Kazakh model,
#        so the stem is written out and matched at the word start; a word ending
#        in "=" must match whole.
# Words of a phrase must come in order with at most `gap` other words between them.
# `not_before` looks at the two words before a match («от своего имени»).
# `regex` rules run on the raw sentence instead (names of vendors, laws, e-mails).
# The matching itself lives in analysis/declarations.py.
# ---------------------------------------------------------------------------


@_dataclass(frozen=True)
class LexiconRule:
    rule: str                                   # stable id, e.g. "ru.phone.number"
    categories: tuple[str, ...]                 # taxonomy codes this rule declares
    language: str                               # "ru", "kk", "en" or "any" (regex)
    phrases: tuple[str, ...] = ()               # any one of these ...
    context: tuple[tuple[str, ...], ...] = ()   # ... and one phrase of each group in the same sentence
    regex: str = ""                             # instead of phrases: a regular expression on the raw sentence
    vague: bool = False                         # a broad wording («третьи лица», «технические данные»)
    not_before: tuple[str, ...] = ()            # words that cancel the match right before it («от имени»)
    not_after: tuple[str, ...] = ()             # words that cancel the match right after it («имя пользователя»)
    unless: tuple[str, ...] = ()                # phrases that cancel the rule for the whole sentence
    gap: int = 1
    near: tuple[str, ...] = ()                  # one of these must stand within `window` words of the match
    window: int = 0
    lead_in_context: bool = False               # a list item may take its `context` from its lead-in or heading
    only_in_list: bool = False                  # fires only in an item under a lead-in («- адрес;»)
    own_contact: bool = False                   # fires only on the operator's own e-mail/phone/address (OWN_CONTACT_*)
    not_suffix: tuple[str, ...] = ()            # endings of the match's last word that cancel it (Kazakh cases)


def _rule(rule: str, categories: str, phrases: str = "", *, context: tuple[str, ...] = (), regex: str = "",
          vague: bool = False, not_before: str = "", not_after: str = "", unless: str = "",
          gap: int = 1, near: str = "", window: int = 0, lead_in_context: bool = False,
          only_in_list: bool = False, own_contact: bool = False, not_suffix: str = "") -> LexiconRule:
    """A rule from compact text: alternatives separated by "|", categories by spaces."""
    def split(value: str) -> tuple[str, ...]:
        return tuple(p.strip() for p in value.split("|") if p.strip())
    language = rule.split(".", 1)[0]
    return LexiconRule(rule, tuple(categories.split()), language, split(phrases), tuple(split(g) for g in context),
                       regex, vague, split(not_before), split(not_after), split(unless), gap, split(near), window,
                       lead_in_context, only_in_list, own_contact, split(not_suffix))


# An e-mail domain a template leaves for the owner to fill (yourdomain.com, example.com, site.kz), as a
# lookahead to put right after «@».
PLACEHOLDER_DOMAIN = (r"(?!(?:[\w-]+\.)*(?:your[\w-]*|example|domain|mydomain|mysite|sitename|site|company|"
                      r"companyname|email|test)\.(?:com|kz|ru|org|net)\b)")

# Verbs of handing data over, and who receives it (for third-party rules).
_RU_TRANSFER = ("передавать | передать | передача | передаваться | предоставлять | предоставить | предоставление | "
                "предоставляться | раскрывать | раскрыть | раскрытие | разглашать | разгласить | разглашение | "
                "обмениваться | делиться | поделиться | продавать | продать | продажа | поручать | поручить | "
                "направлять | направить | направляться | получать доступ")
_RU_RECIPIENTS = ("третьи лица | третья сторона | сторонние организации | сторонние компании | сторонние сервисы | "
                  "партнёры | контрагенты | подрядчики | поставщики услуг | сторонние поставщики | агенты | "
                  "аффилированные лица | группа компаний | служба доставки | курьерская служба | платёжная система | "
                  "платёжный провайдер | банк партнёр | хостинг провайдер | поставщик | оператор связи | дата центр | "
                  # «обработчикам по договорам поручения», «в сторонние базы данных»: processors and others' files
                  "обработчик | сторонняя база данных | чужая база данных | другая база данных | рекламодатель | "
                  "брокер данных | кредитное бюро")
_RU_KEEP = ("хранить | храниться | хранение | передавать | передаваться | передача | передать | обрабатывать | "
            "обрабатываться | обработка | размещать | размещаться | размещённый | сервер | перемещать | переносить")
_RU_STORE = ("хранить | храниться | хранение | сохранять | сервер | размещать | размещаться | размещённый | "
             "база данных | локализовать | локализация | резервная копия")
_RU_RIGHT = "вправе | право | мочь | требовать | потребовать | запрашивать | запросить | обратиться | направить запрос"
_RU_SUBJECT = "пользователь | клиент | субъект | вы | ваш | посетитель | покупатель | заказчик"

# «бер» as a verb, not «берушілер» (lenders, givers): its verb forms are written out.
_KK_TRANSFER = ("беру= | беруге | беруі | беріл | беріп | берген | береді | береміз | беред | бермей | бермеу | "
                # «тапсыру», «тапсырылады», not «тапсырыс» (an order: «серіктес тапсырысты қабылдағаннан кейін»)
                "бермейд | тапсыру | тапсырыл | тапсыра | тапсырған | тапсырмай | жібер | ұсын | жария | сат | бөліс")
_EN_TRANSFER = "share | disclose | disclosure | transfer | sell | provide | pass | rent | give access"
_EN_KEEP = "transfer | store | process | host | server | keep"

POLICY_LEXICON: tuple[LexiconRule, ...] = (
    # --- personal-data categories, Russian -------------------------------------------------
    _rule("ru.name.fio", "name", "фамилия | отчество | фио | ф и о | псевдоним | полное имя"),
    _rule("ru.name.first_name", "name", "имя", not_before="от | доменный",
          not_after="пользователь | домен | файл | сайт"),
    _rule("ru.iin.iin", "iin", "иин | индивидуальный идентификационный номер | идентификационный номер"),
    _rule("ru.id_document.id_card", "id_document",
          "удостоверение личности | документ удостоверяющий личность | паспорт | паспортные данные",
          # «указано в документе, удостоверяющем личность», «(в соответствии с документом, …)»: where a name is
          # read, not a copy kept
          not_before="в | соответствие"),
    _rule("ru.birth_date.birth", "birth_date", "дата рождения | день рождения | год рождения | возраст | "
          "данные о рождении | сведения о рождении | место рождения | возрастной диапазон",
          # «не предназначено для детей младше 13 лет»; «если вы не достигли возраста, с которого …»: the age
          # of consent in a minors clause is no age collected.
          unless="младше | не предназначать | не предназначенный | достигнуть возраст | достичь возраст"),
    _rule("ru.phone.number", "phone", "номер телефона | телефонный номер | мобильный номер | телефон | "
          "абонентский номер | номер сотовой связи | номер whatsapp | контактный номер",
          not_before="по",  # «по телефону» is a way to reach the operator, not data taken
          not_after="арқылы",   # nor is a Kazakh «телефон арқылы» (by phone)
          unless="арқылы қабылданады"),   # «сұрақтар телефон / WhatsApp арқылы қабылданады»
    _rule("ru.email.address", "email",
          "адрес электронной почты | электронная почта | электронный адрес | e mail | email | емейл | имейл",
          not_after="мекенжайына | арқылы"),   # a Kazakh «email мекенжайына жіберу»: the way to the operator
    _rule("ru.address.postal", "address",
          "адрес доставки | почтовый адрес | домашний адрес | адрес проживания | адрес регистрации | "
          "адрес места жительства | место жительства | почтовый индекс | город проживания | место проживания | "
          "место пребывания | населённый пункт | страна или регион | регион проживания"),
    # «страна проживания (при наличии)» among the data asked; not «за пределами страны моего проживания» (where
    # servers are), «в зависимости от страны проживания», «по закону, действующему в стране проживания» (which
    # law applies)
    _rule("ru.address.country", "address", "страна проживания",
          not_before="от | предел | пределы | в | законодательство | закон"),
    _rule("ru.address.list_item", "address", "адрес", only_in_list=True,
          not_before="ip | по | юридический | веб | на | почтовый",
          not_after="сайт | страница | электронный | почта | веб | ip"),  # «- адрес, по которому выезжает курьер»
    # «в разделе «Мои адреса»»: the account keeps the user's addresses.
    _rule("ru.address.saved", "address", "мои адреса | сохранённые адреса | адресная книга",
          not_after="электронный | почта | сайт"),
    # «имя, телефон, город, даты заезда», «аты-жөні, телефон, қала, …»: a bare city among a form's fields.
    _rule("any.address.city_item", "address",
          regex=r"(?i)(?:\bимя\b|\bфио\b|телефон|\bаты\b|аты-жөні)[^.;:!?]{0,80}?,\s*(?:город|қала)\s*(?:,|;|\bи\b|"
                r"\bжәне\b)"),
    # «(имя, адрес, телефон, e-mail)»: a bare «адрес» among other personal data in one sentence.
    _rule("ru.address.enumeration", "address", "адрес",
          context=("имя | фамилия | телефон | e mail | email | электронная почта | дата рождения",),
          not_before="ip | по | юридический | веб | на | почтовый | электронный",
          not_after="сайт | страница | электронный | почта | веб | ip | оператор | компания"),
    _rule("ru.credentials.login", "credentials", "логин | пароль | учётные данные",
          not_before="защищать | защитить | защищённый | защищаться",   # «устройства защищены паролем»: security
          # «не несёт ответственности, если пароль стал известен …»; «если Пользователь передал избыточные сведения
          # (например, пароль), Оператор их удалит»: data the operator does not want
          unless="нести ответственность | не отвечать | избыточный"),
    # Messenger accounts are profiles on a third-party network, not credentials for the site
    # («Telegram ID, имя и username», «логин/контакт в мессенджерах»).
    # «Регистрация не требуется … не создаём для вас аккаунт», «На сайте нет форм, регистрации и онлайн-оплаты»,
    # «Тіркелу қажет емес», «Сайтта тіркелу және онлайн төлем жоқ»: a site without accounts keeps no credentials,
    # one without online payment no card data (a rule ending in .none denies what it matches).
    _rule("any.credentials.none", "credentials",
          # At the start of a clause only: «Для заказа по телефону регистрация не требуется» says a way to order
          # needs no account, not that the site has none (a word and a space before it: not at the start).
          regex=r"(?i)(?<!\w[ \t])(?<!\w[ \t]{2})\b(?:регистраци\w*\s+(?:(?:на\s+сайте|в\s+приложении)\s+)?"
                r"не\s+(?:требуется|нужна)|(?:(?:на\s+сайте|в\s+приложении)\s+)?не\s+(?:требуется|нужна)\s+"
                r"регистраци|тіркелу\s+қажет\s+емес|no\s+(?:registration|account)\s+(?:is\s+)?(?:needed|required))|"
                r"\bне\s+созда\w*\s+(?:для\s+вас\s+)?(?:аккаунт|учётн\w+\s+запис|учетн\w+\s+запис)|"
                r"\bнет\s+(?:(?!необходим|нужд|обязательн)[\w-]+,?\s+){0,3}?регистраци|\bаккаунт\s+ашпаймыз|"
                r"\bтіркелу\s+(?:(?!қажет)[\w-]+\s+){0,4}?жоқ\b|\bwe\s+do\s+not\s+create\s+(?:an?\s+)?accounts?"),
    _rule("any.payment_card.none", "payment_card",
          regex=r"(?i)\bнет\s+(?:[\w-]+,?\s+){0,4}?онлайн[- ]?оплат|\bонлайн[- ]?оплат\w*\s+(?:на\s+сайте\s+)?нет\b|"
                r"\bонлайн\s+төлем\w*\s+(?:[\w-]+\s+){0,2}?жоқ\b|\bno\s+online\s+payments?\b"),
    _rule("ru.social_profile.messenger", "social_profile",
          "логин в мессенджер | контакт в мессенджер | аккаунт в мессенджер | профиль в мессенджер | "
          "ник в мессенджер | никнейм | username | telegram id | идентификатор пользователя telegram | "
          "идентификатор telegram | chat id | юзернейм", gap=2),   # «юзернеймы в соцсетях»
    _rule("ru.payment_card.card", "payment_card",
          "платёжные данные | платёжная информация | платёжные реквизиты | данные карты | реквизиты карты | "
          "номер карты | банковская карта | платёжная карта | кредитная карта | дебетовая карта | cvv | cvc | "
          "банковские реквизиты | номер банковского счёта | платёжная транзакция | данные о платежах | "
          "номер расчётного счёта | расчётный счёт | банковские данные | реквизиты банковской карты | "
          # payment transaction data; «не собираем платёжные или финансовые данные»
          "идентификатор транзакции | статус оплаты | история платежей | история оплат | "
          "финансовые данные | финансовая информация"),
    _rule("ru.ip_address.ip", "ip_address", "ip"),
    _rule("ru.device.browser", "device",
          "данные о браузере | информация о браузере | сведения о браузере | данные браузера | тип браузера | "
          "характеристики браузера | сведения об устройстве | данные об устройстве | информация об устройстве | "
          "операционная система | идентификатор устройства | тип устройства | характеристики устройства | "
          "модель устройства | технические характеристики оборудования | user agent | данные устройства | "
          "токен устройства", gap=2),
    _rule("ru.device.technical", "device", "технические данные | техническая информация", vague=True),
    _rule("ru.usage.activity", "usage",
          "время доступа | время посещения | посещённые страницы | адрес запрашиваемой страницы | "
          "адреса запрошенных страниц | запрошенные страницы | "
          "история просмотров | история заказов | история покупок | состав корзины | содержимое корзины | "
          "поведение на сайте | история использования | статистика использования | история поисковых запросов | "
          # an app's: «навигация по экранам, нажатия», «просмотры экранов»
          "навигация по экранам | просмотр экранов | паттерны использования | аналитика использования | "
          "поисковые запросы | информация об активности | активность на сайте | "
          "журналы серверов | лог файлы | взаимодействие с сайтом | "
          "действия на сайте | действия совершаемые на сайте | действия пользователя | "
          "данные об использовании | сведения об использовании | информация об использовании | "
          "страницы посещения | источник перехода | utm метка | реферер | referrer | журнал действий | "
          "история действий | с какого сайта | с какого интернет сайта | посещённые разделы | просмотренные страницы | "
          "дата и время запроса | время запроса | время нахождения на сайте | время на сайте | "
          "время проведённое на сайте",
          gap=2),
    # «данные о посещении», «история посещений» are web usage only about a site, page or app: a gym's or a
    # clinic's visits are not («отметки о посещении тренировок, история посещений»).
    _rule("ru.usage.visits", "usage", "данные о посещении | сведения о посещении | информация о посещении | "
          "история посещений | сведения о посещениях | статистика посещений", gap=2, lead_in_context=True,
          context=("сайт | страница | ресурс | приложение | сервис | платформа | портал | интернет | онлайн | "
                   "браузер | cookie | метрика | аналитика",)),
    _rule("ru.location.geo", "location",
          "данные о местоположении | местоположение устройства | геолокация | геоданные | геопозиция | gps | "
          "отслеживать местоположение | ваше местоположение | местоположение пользователя | "
          "информация о местоположении | сведения о местоположении"),
    _rule("ru.social_profile.network", "social_profile",
          "данные из социальных сетей | информация из профиля | профиль в социальной сети | "
          "аккаунт в социальной сети | учётная запись в социальной сети | имя пользователя в социальной сети | "
          "ссылка на социальную сеть | ссылка на профиль | профиль в соцсети | аккаунт в соцсети"),
    _rule("ru.health.result", "health", "результат анализа | результат исследования | результат обследования"),
    _rule("ru.health.health", "health",
          "состояние здоровья | здоровье | медицинские данные | медицинская информация | диагноз | заболевание | "
          "медицинская карта | медкарта | врачебная тайна | инвалидность | медицинский осмотр | "
          "медицинское заключение | утрата трудоспособности | трудоспособность | "
          # a health app's records: «визиты к врачу, приём лекарств, вакцинация, симптомы»
          "визит к врачу | приём лекарств | приём лекарства | вакцинация | прививка | симптом",
          # «не ставит диагнозов», «не предназначен для выявления заболеваний»: what a service is not, no data;
          # «товары, которые вредят здоровью»: a list of banned goods
          unless="не ставить | не предназначать | не предназначенный | не являться медицинский | не заменять | "
                 "вредить"),
    # «биометрические, медицинские или платёжные данные»: the adjective alone, its noun further on in the list.
    _rule("ru.health.medical_list", "health", "медицинский", near="данные | сведения | информация", window=3,
          not_after="услуга | центр | учреждение | организация | работник | персонал | осмотр | заключение | карта"),
    # The law's «special categories» (race, beliefs, health, intimate life) hold health data; biometric data
    # are a category of their own, so «особые категории» alone says nothing about them.
    _rule("ru.special_categories.generic", "health",
          "специальные категории персональных данных | особые категории персональных данных | "
          "специальные категории данных | особые категории данных", vague=True,
          not_before="иной | другой | прочий"),   # «… сведения о здоровье и иные особые категории»: the list speaks
    _rule("ru.biometric.biometric", "biometric",
          "биометрические данные | биометрический | биометрия | отпечаток пальца | изображение лица"),
    # «селфи с паспортом для верификации», «фото лица для подтверждения личности»: a face photo taken to identify
    # the person. A portrait among a personnel file's data, for no stated identification, is not labelled so
    # (samruk-consent's ruling, docs/realworld.md).
    _rule("ru.biometric.photo", "biometric", "фотография | фото | селфи | изображение лица",
          near="идентификация | верификация | подтверждение личности | распознавание | сравнение", window=8,
          not_before="товар | продукция | продукт",
          not_after="товар | продукция | продукт | сайт | галерея | работа"),
    _rule("ru.call_recording.calls", "call_recording",
          "запись телефонных разговоров | запись разговоров | запись звонков | записывать разговоры | "
          "записывать звонки | аудиозапись", gap=2),
    _rule("ru.contact_data.generic", "phone email", "контактные данные | контактная информация", vague=True,
          not_before="в"),
    # --- practices, Russian ------------------------------------------------------------------
    # Storage like cookies («локальное хранилище браузера») is the same practice for the taxonomy.
    _rule("ru.cookies.cookie", "cookies",
          "cookie | cookies | куки | локальное хранилище | localstorage | local storage | "
          "память браузера | хранилище браузера"),   # «в памяти браузера сохраняется только язык»
    _rule("ru.analytics.counters", "analytics", "счётчик | веб аналитика | аналитика | аналитический | метрика"),
    _rule("ru.analytics.statistics", "analytics", "статистика | статистический", vague=True),
    # «для анализа посещаемости», «для целей анализа и улучшения работы Сайта»: analysing visits.
    _rule("ru.analytics.analysis", "analytics",
          "анализ посещаемости | анализ трафика | анализ поведения | анализ использования | анализ улучшение | "
          "анализ работы сайта", vague=True),
    _rule("ru.advertising.targeting", "advertising",
          "таргетирование | таргетированная реклама | ретаргетинг | ремаркетинг | персонализированная реклама | "
          "рекламная сеть | целевой маркетинг | показ рекламы"),
    _rule("ru.advertising.marketing", "advertising", "реклама | рекламный | маркетинг | маркетинговый",
          vague=True, not_before="о",  # «законов о рекламе» is about the law, not a practice
          # «запрещено рассылать спам или рекламу», «не несёт ответственности за рекламные материалы»
          unless="спам | ответственность"),
    # Newsletters and offers are marketing: «информирование о новых продуктах», «специальные предложения».
    _rule("ru.advertising.newsletter", "advertising",
          "рассылка | специальное предложение | информирование о новых | информирование об услугах | "
          "информирование о продуктах | информация о наших услугах | информация о новых | новости и акции | "
          "уведомление об акциях | уведомление о новых | советы и предложения", gap=2, vague=True,
          not_before="сервис | платформа",   # «хостинг, сервисы рассылок» name processors, not mailings to users
          unless="спам"),   # «запрещено рассылать спам»: a rule for users, no mailing of the site's
    # Sending the operator's own news: «направление информации об услугах Оператора», «предоставление
    # актуальной информации о продукции» (not «информирование о статусе заказа»).
    _rule("ru.advertising.own_news", "advertising", "информация об услугах | информация о продукции | "
          "информация о технологии | информирование о технологии | информация об оказываемых",
          near="направление | направлять | отправка | отправлять | рассылать | предоставление актуальный | "
               "предоставление клиент | предоставление пользователь", window=3,
          gap=2, vague=True),
    _rule("ru.web_beacons.beacon", "web_beacons",
          "веб маяк | пиксель | пиксельный тег | пиксельная метка | прозрачный gif | интернет тег | web beacon"),
    # The verb must stand near the recipient, and «от партнёров» is a source, not a recipient.
    _rule("ru.third_party_sharing.transfer", "third_party_sharing", _RU_RECIPIENTS,
          near=_RU_TRANSFER, window=10, vague=True, not_before="от", lead_in_context=True,
          # «защита от неправомерных действий третьих лиц»; «Запрещается предоставление Пользователем данных третьих
          # лиц без их разрешения»: the user's own duty about other people's data, no flow of the operator's
          unless="неправомерный | несанкционированный | незаконный | предоставление пользователем | "
                 "передача пользователем"),
    # «Мы не продаём ваши данные», «Деректер ешкімге сатылмайды»: a refused sale is a sharing denial even
    # without a recipient (analysis/declarations.py keeps this rule only when it is denied).
    _rule("ru.third_party_sharing.sale", "third_party_sharing", "продавать | продать | продаваться | продажа | "
          "аренда",   # «не продаём, не обмениваем и не сдаём в аренду вашу личную информацию»
          near="данные | информация | сведения | база", window=4, vague=True),
    _rule("kk.third_party_sharing.sale", "third_party_sharing", "сатпаймыз | сатылмайды | сатпайды | сатпайтын",
          near="дерек | ақпарат", window=4, vague=True),
    _rule("en.third_party_sharing.sale", "third_party_sharing", "sell", near="data | information", window=4,
          vague=True),
    # «Эти сервисы технически получают IP-адрес», «бұл қызметтер IP-мекенжайды алады»: named services
    # that receive data are recipients.
    _rule("any.third_party_sharing.services_receive", "third_party_sharing", vague=True,
          regex=r"(?i)\b(?:эти|данные|указанные|такие|перечисленные|сторонние|внешние)\s+сервисы\s+"
                r"(?:[\w-]+\s+){0,2}?получают|\b(?:бұл|осы|аталған)\s+(?:сервистер|қызметтер)\s+"
                r"(?:[\w-]+\s+){0,4}?алады"),
    # «Для работы Сайта мы используем сервисы следующих третьих лиц:», «We use the following third-party services»:
    # the services the site runs on receive what it collects.
    _rule("any.third_party_sharing.services_used", "third_party_sharing", vague=True,
          # (not «не используем сервисы третьих лиц», «do not use»: no flow is claimed there)
          regex=r"(?i)(?<!\bне[ \t])(?<!\bnot[ \t])\b(?:использ\w+|пользуемся|применяем|подключ\w+|we\s+use|uses)\s+"
                r"(?:[\w-]+\s+){0,2}?"
                r"(?:сервис\w*|услуг\w*|инструмент\w*|services|tools)\s+(?:[\w-]+\s+){0,2}?"
                r"(?:третьих\s+лиц|сторонних\s+(?:компаний|организаций|поставщиков)|партн[её]р\w*)|"
                r"(?<!\bnot[ \t])\b(?:we\s+use|uses)\s+(?:the\s+)?(?:following\s+)?third[- ]party\s+"
                r"(?:services|tools|providers)"),
    # «Данные проходят через сервисы: хостинг, мессенджер, Kaspi», «сообщение передаётся через WhatsApp»,
    # «…арқылы жіберіледі»: a service the data pass through is a processor that receives them.
    _rule("any.third_party_sharing.through", "third_party_sharing", vague=True,
          regex=r"(?i)\b(?:проход\w*|переда[её]\w*ся|передаю\w*ся|отправля\w*ся|пересыла\w*ся|обрабатыва\w*ся)\s+"
                r"(?:[\w-]+\s+){0,2}?через\s+(?:[\w.-]+\s+){0,3}?(?:сервис|инфраструктур|хостинг|мессенджер|облачн|WhatsApp|"
                r"Telegram|Kaspi|платформ)|"
                # «… WhatsApp сервисі арқылы өтеді», «Telegram-бот арқылы оператордың чатына … жібереді»
                r"\b(?:WhatsApp|Telegram|мессенджер\w*|сервис\w*|хостинг\w*)(?:-[^\W\d_]+)?\s+арқылы\s+"
                r"(?:[\w-]+\s+){0,5}?(?:жібер|беріл|өңдел|өтеді)"),
    # «деректер … (Supabase инфрақұрылымында) сақталады», «Сайт Cloudflare Pages платформасында орналасқан»: a
    # named cloud provider that hosts the data processes them for the operator.
    _rule("any.third_party_sharing.cloud_host", "third_party_sharing", vague=True,
          regex=r"(?i)\b(?:Supabase|Firebase|AWS|Amazon\s+Web\s+Services|Google\s+Cloud|Vercel|Netlify|"
                r"Cloudflare(?:\s+Pages)?|Heroku|Azure|DigitalOcean|Hetzner|Yandex\s+Cloud|Яндекс\s+Облак\w*)"
                r"\s*(?:инфрақұрылым\w*|инфраструктур\w*|платформа\w*|серверлер\w*|infrastructure|"
                # «Supabase (база), Vercel (хостинг)»: a named host and what it does for the site
                r"\(\s*(?:база|хостинг|hosting|database|сервер\w*|storage|деректер\s+қоры))"),
    # «мәтіні … Google-ға жіберіледі», «деректер OpenAI-ға беріледі»: a named company that data are sent to.
    _rule("kk.third_party_sharing.named_company", "third_party_sharing", vague=True,
          regex=r"(?i)\b(?:Google|Yandex|Яндекс|Meta|Facebook|Amazon|Microsoft|OpenAI|Apple|Telegram|WhatsApp)"
                r"-?(?:ға|ге|қа|ке|а|е)\s+(?:[\w-]+\s+){0,2}?(?:жіберіл|беріл|тапсырыл)"),
    # «хранятся на защищённых серверах (EU, Франкфурт)», «AWS серверлерінде EU-North-1 аймағында (Швеция)»:
    # servers placed abroad hold the data.
    _rule("any.cross_border_transfer.foreign_servers", "cross_border_transfer",
          regex=r"(?i)сервер\w*[^.;:!?]{0,40}?(?<![\w-])(?:EU|ЕС|ЕО|Европ\w*|Еуроп\w*|Франкфурт\w*|Герман\w*|США|АҚШ|"
                r"Швеци\w*|Нидерланд\w*|Финлянди\w*|Ирланди\w*|Frankfurt|Germany|USA)(?![\w])"),
    # «Supabase — хранение учётной записи (US/EU инфраструктура)», «(US/EU infrastructure)»: data kept on
    # infrastructure abroad.
    _rule("any.cross_border_transfer.foreign_infrastructure", "cross_border_transfer",
          regex=r"(?<![\w-])(?:US|EU|USA|США|ЕС|АҚШ)(?:\s*/\s*(?:US|EU|USA|США|ЕС|АҚШ))*\s+(?i:инфраструктур\w*|"
                r"infrastructure|инфрақұрылым\w*)"),
    # «Оператор до начала трансграничной передачи обязан уведомить …» states the law's duty, not a transfer.
    _rule("ru.cross_border_transfer.explicit", "cross_border_transfer", "трансграничная передача | трансграничный",
          unless="обязанный | обязанность | предполагаемый | не отвечать требование | не отвечающий требование | "
                 "не отвечающий вышеуказанный требование | не отвечать вышеуказанный требование | "
                 "не отвечать указанный требование | "
                 "не обеспечивать защита | не обеспечивающий"),
    _rule("ru.cross_border_transfer.outside", "cross_border_transfer",
          "вне территории | за пределы республики | за пределами республики | за пределы казахстана | "
          "за пределами казахстана | за пределы рк | за пределами рк | за рубеж | за рубежом | "
          "иностранное государство | другие страны | некоторые страны | другое государство | зарубежный сервер | "
          "разные страны | ес сша | в сша | в европейском союзе",
          context=(_RU_KEEP,), unless="обязанный | обязанность | не отвечать требование | не отвечающий требование | "
                                     "не отвечать вышеуказанный требование | не отвечающий вышеуказанный требование"),
    _rule("ru.storage_in_kz.territory", "storage_in_kz",
          "на территории республики казахстан | на территории казахстана | на территории рк | "
          "в республике казахстан | в казахстане", context=(_RU_STORE,),
          unless="или другой страна | или другое государство | или иностранное государство | либо другой страна | "
                 "или за рубеж | или за пределы"),   # «в Казахстане и/или в других странах» claims nothing
    _rule("ru.retention.period", "retention",
          "в течение | на протяжении | до достижения | до момента | бессрочно | без ограничения срока | "
          "неограниченный срок | не более | не дольше | необходимый срок | необходимый период | "
          "столько сколько необходимо | не превышающий",   # «в срок, не превышающий 30 дней»
          context=("хранить | храниться | хранение | сохранять | обработка | обрабатывать | обрабатываться | "
                   "уничтожать | уничтожение | удалять",
                   "персональные данные | персональная информация | данные | сведения | информация")),
    _rule("ru.retention.duration", "retention", "год | месяц | день | неделя", near=(
          "хранить | храниться | хранение | сохранять | удалять | удаляться | уничтожать | уничтожаться"),
          window=6, not_after="рождение"),   # «хранятся три года», «удаляются через 30 дней»
    # «удалим в течение 10 рабочих дней», «3 года после последнего контакта», «до удаления Приложения»:
    # a term counted from an event is a retention rule.
    _rule("ru.retention.delete_within", "retention", "в течение | через", near="удалить | уничтожить | стереть",
          window=6),
    _rule("ru.retention.after_event", "retention", "после последнего | после завершения | после окончания | "
          "после прекращения | после удаления | после закрытия | с последнего | с момента последнего | "
          "с даты последнего", near="год | месяц | день | неделя", window=4),
    _rule("ru.retention.until_deletion", "retention", "до удаления", near="хранить | храниться | сохраняться",
          window=8),
    # «хранятся, пока аккаунт активен», «пока действует подписка»: kept while something holds.
    _rule("ru.retention.while", "retention", "пока | до тех пор пока", near="хранить | храниться | сохраняться",
          window=4),
    _rule("ru.retention.term", "retention", "срок хранения | срок обработки | период хранения", vague=True),
    # «До достижения целей обработки или отзыва согласия» (a consent's «Сроки»): the usual term, said alone.
    _rule("ru.retention.until_purpose", "retention", "до достижения целей обработки | до достижения цели обработки",
          gap=0),
    _rule("ru.user_rights.withdraw", "user_rights",
          "отозвать согласие | отзыв согласия | отказаться от согласия | отзыв своего согласия | согласие отозвать",
          gap=3),   # «настоящее согласие может быть отозвано»
    # A consent's own term is the rule of how long the data are kept under it («Согласие действует … до
    # достижения целей обработки», «в течение 10 лет»), in a consent as in a policy.
    _rule("ru.retention.consent_term", "retention",
          "согласие действовать | срок действия согласия | согласие предоставляться на | согласие даваться на",
          near="до | в течение | лет | год | срок | бессрочно | неопределённый | неограниченный", window=8,
          gap=2),
    # «удалив учётную запись через настройки или направив запрос»: deleting one's account is a right (not the
    # operator's sanction: «Администрация вправе удалить учётную запись нарушителя»).
    _rule("ru.user_rights.account_deletion", "user_rights",
          "удалить учётную запись | удаление учётной записи | удалив учётную запись | удалить аккаунт | "
          "удаление аккаунта | удалив аккаунт",
          # («удаление аккаунта не отменяет подписку»: a subscription's terms)
          unless="вправе удалить | оставлять за собой право | нарушение | блокировать | блокировка | подписка"),
    # «отказаться от рекламных рассылок», «В случае отказа от информационных и рекламных сообщений …»: objecting
    # to marketing is a right of the data subject.
    _rule("ru.user_rights.opt_out", "user_rights", "отказ от | отказаться от | отписаться от",
          near="рассылка | сообщение | уведомление | реклама | рекламный | информационный", window=5),
    # «вправе запросить информацию об обработке своих данных», «запросить удаление данных»: asking is the right.
    _rule("ru.user_rights.ask", "user_rights", "запросить | запрашивать | направить запрос",
          # (not an app asking for access to the contacts or the camera: «не запрашиваем доступ к списку контактов»)
          near="удаление | исправление | информация об обработке | доступ к своим | доступ к персональным", window=4,
          context=("данные | сведения | информация",)),
    _rule("ru.user_rights.request", "user_rights",
          "доступ к персональным данным | изменить | изменение | обновить | обновление | дополнить | удалить | "
          "удаление | уничтожение | уточнение | исправление | блокирование | перечень | анонимизация | "
          "деперсонализация | редактирование | редактировать | ограничение обработки | ограничить обработку",
          gap=2,
          context=(_RU_SUBJECT, _RU_RIGHT), lead_in_context=True,   # «Пользователь вправе:» + «- требовать ...»
          near="персональные данные | персональная информация | свои данные | предоставленная информация | "
               "свои сведения", window=5,
          unless="изменение в политику | изменение политики | cookie | браузер"),  # deleting cookies is not a right
    # «напишите нам на электронную почту», «адрес электронной почты Оператора»: a way to reach the operator.
    _rule("ru.contact.own_channel", "contact",
          "адрес электронной почты | электронная почта | электронный адрес | e mail | email | номер телефона | "
          "телефон | почтовый адрес | юридический адрес | фактический адрес | адрес | контакты", vague=True,
          own_contact=True),
    _rule("ru.contact.form", "contact",
          "форма обратной связи | раздел контакты | контактная информация администрации | по контактам",
          vague=True, not_before="поле | заполнение | заполнять | из | в",  # «полей форм», «из форм»: collection
          unless="указанный на сайт | размещённый на сайт"),  # «по контактам, указанным на Сайте»: none given here
    # What the form rules quote: how consent is given, how data is protected in transit.
    _rule("ru.consent.given", "consent",
          "согласие на обработку | согласие на сбор", gap=2),
    _rule("ru.security.encryption", "security",
          "шифрование | зашифрованный | шифровать | ssl | tls | защищённый канал | защищённое соединение | "
          "защищённый протокол | криптографический"),
    _rule("ru.security.measures", "security",
          "меры защиты | меры по защите | меры безопасности | технические меры | организационные меры | "
          "необходимые меры", vague=True),

    # --- Kazakh (stems matched by prefix; see above) -----------------------------------------
    # Stems drop a final к / қ / п, which voice before a vowel (денсаулық -> денсаулығы, құрылғы,
    # куәлік -> куәлігі): «денсаулы» matches both. A word with "=" must match whole.
    _rule("kk.name.full_name", "name", "аты жөн | атыңыз | тегі= | тегіңіз | толық аты | әкесінің аты | таә= | "
          "есімі= | есіміңіз | есімін | "
          "есіміңіз | тегін көрсет", not_before="компания | ұйым | сайт | өнім | тауар"),
    # «автордың атын … көрсетеміз», «қатысушының аты»: the name of a person the site deals with.
    _rule("kk.name.person_name", "name", "автордың аты | авторының аты | қатысушының аты | оқушының аты | "
          "баланың аты | пайдаланушының аты | клиенттің аты"),
    # A bare «Аты», «Есімі» is a name only as a list item («- Аты;» under a lead-in or in a consent).
    _rule("kk.name.list_item", "name", "аты= | есім= | аты жөні", only_in_list=True),
    # «Т. А. Ә.» (тегі, аты, әкесінің аты): the full name, abbreviated as forms write it.
    _rule("kk.name.initials", "name", regex=r"(?<!\w)Т\.\s?А\.\s?Ә\.(?!\w)"),
    # «аты, телефон нөмірі және/немесе email»: a bare «аты» among other personal data.
    _rule("kk.name.enumeration", "name", "аты=", context=("телефон | пошта | email | e mail | мекенжай | тегі=",),
          not_before="сайт | компания | ұйым | өнім | тауар | файл | қызмет"),
    _rule("kk.iin.iin", "iin", "жсн | жеке сәйкестендіру нөмір"),
    _rule("kk.id_document.id_card", "id_document",
          "жеке куәлі | төлқұжат | паспорт | жеке басын куәландыратын құжат | басын куәландыратын | "
          "куәландыратын құжат | басыңызды растайтын құжат | басын растайтын құжат"),
    _rule("kk.birth_date.birth", "birth_date", "туған күн | туған жыл | туған уақыт | жасыңыз | жас диапазон"),
    # «аты-жөні, email, телефон, жасы және …»: «жасы» (the age) among other personal data.
    _rule("kk.birth_date.age_item", "birth_date", "жасы=",
          context=("аты | тегі | телефон | email | e mail | электрондық пошта",)),
    _rule("kk.phone.number", "phone", "телефон | ұялы нөмір | байланыс нөмір | ұялы байланыс нөмір",
          not_before="біздің", not_suffix="дағы | дегі | тағы",   # «телефоныңыздағы»: on the device
          unless="арқылы қабылдан"),   # «сұрақтар телефон / WhatsApp арқылы қабылданады»: the operator's line
    _rule("kk.email.address", "email",
          "электрондық пошта | электронды пошта | эл пошта | электрондық мекенжай | e mail | email | "
          "поштаңыз",   # «атыңыз, поштаңыз»: «your mail» is an e-mail address
          not_before="біздің",
          # «атыңыз да, поштаңыз да … жоқ»: what an event does not hold; «сұрауды email мекенжайына жібере
          # алады», «ресми өтініштер email арқылы»: the way a message reaches the operator
          not_after="да | де | мекенжайына | арқылы"),
    # «Тұру / жұмыс елі және қаласы», «елі, қаласы»: the country and city a person lives in.
    _rule("kk.address.postal", "address", "мекенжай | мекен жай | тұрғылықты жер | тұратын жер | елді мекен | "
          "елі және қала | елі= қала | тұратын қала",
          # «электрондық пошта мекенжайы» is an e-mail, «IP мекенжайы» an IP address;
          # «пошталық мекенжай» (postal) is an address.
          not_before="пошта= | поштаның= | поштасының= | поштасы= | ip= | веб= | сайт | email= | mail=",
          # «… мекенжайына жүгіну / жазу арқылы» is the way to the operator; «/terms мекенжайында жарияланған» a
          # web address; «тұратын жеріңізге байланысты» (depending on where you live) asks for nothing.
          not_after="жүгін | жаз | жібер | хабарлас | жарияла | байланысты",
          not_suffix="дан | ден | нан | нен"),   # «… мекенжайдан жіберіңіз»: the address a message comes from
    _rule("kk.credentials.password", "credentials", "құпиясөз | құпия сөз | логин | пароль | тіркелгі дерек",
          not_after="қорғал",   # «құпиясөзбен қорғалған» protects a device: security
          # «құпиясөзді сақтауға өзіңіз жауап бересіз», «… құпиясөздерін қорғауы тиіс», «құпиясөздің таралуы
          # күдігі болса, хабарлаңыз»: the user's duties
          unless="жауап бер | жауапты | жауапкершіл | қорғауы тиіс | қорғау керек | қорғауға тиіс | таралу | күдік | "
                 "айтпау"),   # «құпиясөзіңді ешкімге айтпауға міндеттісің»: a duty
    _rule("kk.social_profile.messenger", "social_profile",
          "telegram идентификатор | telegram пайдаланушы идентификатор | username | никнейм | мессенджердегі | "
          "никіңіз | ник="),   # «Telegram-дағы никіңіз»
    _rule("kk.payment_card.card", "payment_card",
          "төлем карта | банк карта | банктік карта | карта дерек | карта нөмір | карточка | төлем дерек | "
          "төлем реквизит | "
          # «төлем туралы мәліметтер (сома, мәртебе, транзакция идентификаторы)»: payment transaction data
          "төлем туралы мәлімет | төлем туралы дерек | транзакция идентификатор | төлем= мәртебе | "
          "төлем тарих | қаржылық дерек | қаржылық мәлімет",   # «төлемдер тарихы»: the payments made
          not_before="клинер | шебер | маман | қызметкер | курьер | өнім | тауар",   # «клинер карточкасы»: a profile
          # «билетті банк картасына қайтарған кезде» (a refund to the card), «жарамсыз төлем деректерін пайдалану
          # салдарына жауапкершілік көтермейді» (a liability clause): no card data kept
          unless="қайтарған | қайтарылады | жауапкершілік"),
    _rule("kk.ip_address.ip", "ip_address", "ip"),
    # What is read about the device, not the device itself («cookie файлдары құрылғыңызда сақталады»).
    _rule("kk.device.device", "device", "құрылғы туралы | құрылғы дерек | құрылғы ақпарат | құрылғы түр | "
          "құрылғы идентификатор | құрылғы модел | браузер туралы | браузер түр | браузер дерек | браузер ақпарат | "
          "браузер нұсқа | операциялық жүйе | user agent | құрылғы токен"),
    _rule("kk.device.technical", "device", "техникалық дерек | техникалық ақпарат | техникалық мәлімет", vague=True),
    _rule("kk.usage.visits", "usage",
          "кіру уақыт | қаралған бет | кірген бет | белсенділі | келу уақыт | қаралым | бет қара | "
          "тапсырыс тарих | шолу тарих | қарау тарих | іздеу сұрау | сервер журнал | келу тарих | кіру тарих | "
          "сайттағы әрекет | әрекеттер тарих | шолған бет | өту көз | utm | сұрау күні мен уақыт | сайтта болу уақыт | "
          # «пайдалану деректері» (usage data), «кіру күні мен уақыты», «API сұрауларының журналдары»
          "пайдалану= дерек | кіру күні | сұрауларының журнал | "
          "экрандар бойынша шарла | экрандарды қарау | түртулер | жасаған әрекет",   # an app's screens and taps
          # «қосымшаны пайдалану деректерді өңдеуге келісім береді»: using the app is consent to processing
          not_after="өңдеуге"),
    _rule("kk.location.geo", "location", "геолокац | орналасқан жер | геодерек | орналасу дерек",
          # «сатушының орналасқан жері бойынша»: where a party is seated (jurisdiction), not where the user is
          not_before="иесі | сатушы | оператор | компания | ұйым | серіктестік | тарап | кеңсе | офис"),
    _rule("kk.social_profile.network", "social_profile", "әлеуметтік желі"),
    # «через Apple Sign-In», «Apple, Google немесе ВКонтакте арқылы кірсеңіз» (any.social_profile.network_data reads
    # «при входе через Telegram … получает данные»): a
    # sign-in with another network's account hands its profile (an identifier, often the e-mail) to the site.
    _rule("any.social_profile.sign_in", "social_profile",
          regex=r"(?i)\b(?:Apple|Google|Facebook|VK|ВКонтакте|Telegram|Yandex|Яндекс)\s*[- ]?Sign[- ]?In\b|"
                r"\bsign\s+in\s+with\s+(?:Apple|Google|Facebook|VK|Telegram)\b|"
                # «Google (OAuth кіру)», «через сторонних провайдеров входа (например, Google)»
                r"\b(?:Apple|Google|Facebook|VK|Telegram|Yandex)\s*\(\s*OAuth|провайдер\w*\s+входа|"
                r"\b(?:Apple|Google|Facebook|VK|ВКонтакте|Telegram)\s+(?:[\w-]+\s+){0,3}?арқылы\s+кір"),
    # «Instagram-ға не 2ГИС-ке сілтеме»: a link to the user's own social-network page.
    _rule("kk.social_profile.link", "social_profile", "instagram | tiktok | facebook | vk= | вконтакте",
          near="сілтеме", window=4),
    _rule("kk.health.health", "health", "денсаулы | медициналық дерек | медициналық мәлімет | медициналық ақпарат | "
          "анализ нәтиже | талдау нәтиже | зерттеу нәтиже | медкарта | медициналық карта | "
          "медициналық құжат | диагноз | ауру= | аурулар | "
          "дәрігерге бару | дәрі қабылдау | вакцинация | екпе= | екпелер | симптом",
          unless="еңсерілмейтін күш | форс мажор"),   # force majeure lists epidemics, not anyone's health
    _rule("kk.special_categories.generic", "health", "ерекше санатта | арнаулы санат", vague=True),
    _rule("kk.biometric.biometric", "biometric", "биометриял"),
    _rule("kk.call_recording.calls", "call_recording", "қоңырау жаз | әңгіме жаз | сөйлесу жаз | қоңырауларды жаз",
          gap=2),
    _rule("kk.contact_data.generic", "phone email", "байланыс= дерек | байланыс= ақпарат", vague=True,
          not_before="біздің"),   # not «онымен байланысты деректер» (the data related to it)
    _rule("kk.contact.own_channel", "contact",
          "электрондық пошта | электронды пошта | эл пошта | e mail | email | телефон | мекенжай | мекен жай | "
          "байланыс нөмір", vague=True, own_contact=True),
    _rule("kk.cookies.cookie", "cookies", "cookie | куки | локалдық сақта | жергілікті сақтау= | localstorage | "
          "браузер жады"),   # «браузер жадында тек тіл сақталады»: storage like cookies
    _rule("kk.analytics.counters", "analytics", "аналитика | есептегіш | веб талдау | метрика"),
    _rule("kk.analytics.statistics", "analytics", "статистика", vague=True),
    _rule("kk.analytics.analysis", "analytics", "талдау жақсарт | кірушілерді талдау | келушілерді талдау | "
          "трафикті талдау | трафигін талдау | трафигі талдау | сайтқа кіруді талдау | қаралым талдау | "
          "кірулерді талдау | "
          "тиімділігін талдау",   # «жарнама тиімділігін талдау үшін»: analysing how campaigns perform
          gap=2, vague=True),
    _rule("kk.advertising.targeting", "advertising", "таргет | ретаргетинг | ремаркетинг | жарнамалық желі | "
          "жарнама көрсет"),
    _rule("kk.advertising.ads", "advertising", "жарнама | маркетинг", vague=True,
          unless="кодекс"),   # «Азаматтық кодекстің … бабына сәйкес жарнама … ұсыныс болып табылмайды»: the law
    _rule("kk.advertising.newsletter", "advertising", "арнайы ұсыныс | жаңалықтар тарату | ақпараттық хат | "
          "ақпараттық тарату | жаңа өнімдер | жаңа қызметтер | акциялар туралы | купон | жаппай хабарлама | "
          "жаппай тарату | кеңестер және ұсыныстар", gap=2, vague=True),
    _rule("kk.advertising.own_news", "advertising", "қызметтері туралы ақпарат | сервистері туралы ақпарат | "
          "өнім туралы ақпарат | өнім туралы өзекті ақпарат", near="жібер | ұсын | тарат", window=3, gap=2,
          vague=True),
    _rule("kk.web_beacons.pixel", "web_beacons", "пиксел | веб маяк"),   # «пиксель», «пикселдер»
    _rule("kk.third_party_sharing.transfer", "third_party_sharing",
          "үшінші тұлға | үшінші тарап | серіктес | мердігер | контрагент | қызмет көрсетуші | жеткізуші | "
          "курьерлік қызмет | курьер қызмет | жеткізу қызмет | төлем жүйе | төлем провайдер | хостинг | провайдер | "
          "өңдеуші | жарнама беруші | деректер брокер | несие бюро",
          near=_KK_TRANSFER, window=10, vague=True, lead_in_context=True,
          not_suffix="дан | ден | тан | тен | нан | нен",   # «үшінші тұлғадан алынса»: received *from* them
          # «үшінші тұлғалардың заңсыз әрекеттерінен қорғау»; «… берілген үшінші тұлғалар туралы мәліметтерді
          # алуға құқылысыз»: the right to learn who received data is no transfer
          # «үшінші тұлғалардың сайттарында орналастырылған мәліметтер үшін жауап бермейміз»: others' sites
          unless="заңсыз | рұқсатсыз | құқыққа қайшы | тұлғалар туралы мәлімет | тұлғалар туралы ақпарат | "
                 "тұлғалардың сайттары | тараптардың сайттары | "
                 "кепілдік бермей | "   # «… төлем провайдерімен үйлесімділікке кепілдік бермейді»: no guarantee
                 "жауап береді"),   # «… үшін мейрамхана-серіктес жауап береді»: who is liable, no transfer
    # «хостинг, дерекқор, пошта … провайдерлері техникалық өңдеу жүргізуі мүмкін»: processors that handle data.
    _rule("kk.third_party_sharing.processors", "third_party_sharing", "провайдер | өңдеуші | қызмет көрсетуші",
          near="өңде", window=5, vague=True, not_suffix="дан | ден | тан | тен | нан | нен"),
    _rule("kk.cross_border_transfer.explicit", "cross_border_transfer", "трансшекаралы | шекараалды",
          unless="бастамас бұрын | міндетті | болжанып отырған | болжамды | сәйкес келмейтін"),   # the law's duty
    _rule("kk.cross_border_transfer.outside", "cross_border_transfer",
          "аумағынан тыс | шетел | шет мемлекет | басқа елдер | басқа мемлекет | қазақстаннан тыс | елден тыс | "
          "елінен тыс | әртүрлі елдер | түрлі елдер | немесе одан тыс",   # «Қазақстан ішінде немесе одан тыс»
          context=("сақта | бер | тапсыр | өңде | сервер",),
          # «… аумағында және шетелде қолданылатын лицензия»: where a licence applies, not where data go
          unless="бастамас бұрын | міндетті | болжанып отырған | болжамды | сәйкес келмейтін | лицензия"),
    _rule("kk.storage_in_kz.territory", "storage_in_kz", "қазақстан республикасының аумағында | қазақстан аумағында | "
          "қазақстан республикасында | қазақстанда", context=("сақта | сервер | орналас | дерекқор",),
          unless="немесе басқа ел | немесе шетел | немесе басқа мемлекет"),
    _rule("kk.retention.term", "retention", "сақтау мерзім | сақталу мерзім | өңдеу мерзім | мерзімсіз", gap=2,
          not_after="жазылым"),   # «апталық, айлық немесе мерзімсіз жазылым»: a subscription's term
    # «алты ай сақталады»; the month is «ай=» (whole word) so that «айқындайды» is not one.
    # «10 жұмыс күні ішінде өшіреміз», «соңғы байланыстан кейін 3 жыл», «Қолданбаны жойғанша сақталады»
    _rule("kk.retention.delete_within", "retention", "ішінде", near="өшір | жой", window=5),
    _rule("kk.retention.after_event", "retention", "кейін", near="жыл | ай=", window=3),
    _rule("kk.retention.until_deletion", "retention", "жойғанша | өшіргенше", near="сақта", window=10),
    # «аккаунт белсенді болғанша сақталады», «жойылғанша сақтаймыз»: kept until or while something holds.
    _rule("kk.retention.until_converb", "retention",
          # (not «жойғанша», «өшіргенше»: kk.retention.until_deletion reads those)
          regex=r"(?i)\b(?!жой|өшір)[^\W\d_]+(?:ғанша|генше|қанша|кенше)\b[^.;!?]{0,40}?\bсақта|"
                r"\bсақта[^\W\d_]*\b[^.;!?]{0,40}?\b(?!жой|өшір)[^\W\d_]+(?:ғанша|генше|қанша|кенше)\b"),
    _rule("kk.retention.duration", "retention", "жыл | ай= | күн", near="сақта | жой", window=4,
          not_before="туған",
          unless="күші жойыл | күшін жой"),   # «іс-шараның күші жойылған … басқа күнге»: an event cancelled
    # «мақсатқа қол жеткізілгенге дейін сақталады»: until the purpose is reached.
    _rule("kk.retention.until", "retention",
          "дейін | бойы= | бойына= | қажетті мерзім | қажет мерзім | мерзім ішінде | "
          "мерзімде | мерзімге",   # «заңнамада көзделген мерзімде / заң талап еткен мерзімге сақталады»
          near="сақта | өңде", window=4,
          not_after="жасалған | жүргізілген"),   # «кері қайтарғанға дейін жасалған өңдеу»: processing done before
    _rule("kk.retention.consent_term", "retention", "келісімнің қолданылу мерзім | келісім қолданыл | "
          "келісімнің мерзім | келісім жарамды | мерзімге жарамды", gap=3),
    _rule("kk.user_rights.withdraw", "user_rights", "кері қайтар | кері шақыр | қайтарып ал | келісімді қайтар | "
          "келісімін кері ал | келісімді кері ал",
          unless="лицензия"),   # «кері қайтарылатын … лицензия»: a revocable licence, no withdrawal of consent
    _rule("kk.user_rights.request", "user_rights",
          "өзгерт | жою | жойы | өшір | түзет | қол жеткіз | бұғатта | толықтыр | нақтыла",
          context=("құқ | талап | сұрау",), lead_in_context=True,
          # «авторлық құқық белгілерін жоюға тыйым салынады» is copyright; «Оператор … пайдаланушының есептік
          # жазбасын бұғаттауға құқылы» is the operator's sanction, not a data-subject right
          # «… өзгерту құқығын өзіне қалдырады»: the operator reserves a right of its own
          # «заңсыз немесе кездейсоқ қол жеткізуге, жоюға, өзгертуге жол бермеу»: protecting the data, no right
          unless="авторлық | есептік жазбасын бұғатта | аккаунтын бұғатта | аккаунтты бұғатта | өзіне қалдыр | "
                 "өзімізде қалдыр | заңсыз | кездейсоқ | рұқсатсыз"),
    # «Аккаунтын жою үшін … қолдау қызметіне жүгінуі тиіс»: deleting one's account on request is a right.
    _rule("kk.user_rights.account_deletion", "user_rights", "аккаунтын жою | аккаунтты жою | есептік жазбаны жою | "
          "есептік жазбасын жою | аккаунтыңызды жою | аккаунтыңды жою",
          near="үшін | сұра | жүгін | хабарлас | жазыңыз | өтініш | қаласаң | байланыс", window=8),
    # «қандай деректерді аламыз … және қалай жоюға болады»: how the user has the data deleted.
    _rule("kk.user_rights.how_delete", "user_rights", "жоюға бола | өшіруге бола | жоюды сұра | өшіруді сұра",
          near="дерек | мәлімет | ақпарат", window=8),
    _rule("kk.consent.given", "consent", "келісім бер | келісімін бер | келісімді бер | келісесіз | келісемін"),
    _rule("kk.security.encryption", "security", "шифрла | қорғалған арна | қорғалған байланыс | ssl"),
    _rule("kk.security.measures", "security", "қорғау шара", vague=True),

    # --- English (Snowball stems) --------------------------------------------------------------
    _rule("en.name.name", "name", "full name | first name | last name | surname | your name | name",
          not_before="domain | company | user | file | brand", not_after="of"),
    _rule("en.iin.iin", "iin", "iin | individual identification number"),
    _rule("en.id_document.id_card", "id_document", "passport | identity document | id card | identity card"),
    _rule("en.birth_date.birth", "birth_date", "date of birth | birth date | birthday"),
    _rule("en.phone.number", "phone", "phone number | telephone | phone | mobile number"),
    _rule("en.email.address", "email", "email address | email | e mail",
          not_after="мекенжайына | арқылы"),   # a Kazakh «email мекенжайына жіберу»: the way to the operator
    _rule("en.address.postal", "address",
          "postal address | delivery address | home address | billing address | shipping address | mailing address | "
          "postcode | zip code", not_before="e"),   # «e-mail address» is not a «mailing address»
    _rule("en.credentials.password", "credentials", "password | login | username | credentials",
          # a network's username is its profile; «credential harvesting» in a list of forbidden uses is no
          # credentials the site takes
          unless="telegram | facebook | instagram | vk | google account | harvesting"),
    _rule("en.payment_card.card", "payment_card",
          "card number | credit card | debit card | payment card | bank card | payment details | payment information | "
          "billing information | card data | card details | payment transaction"),
    _rule("en.ip_address.ip", "ip_address", "ip address | ip"),
    _rule("en.device.browser", "device",
          "browser type | browser version | browser information | device information | information about your device | "
          "device identifier | device id | device type | device data | device model | operating system | user agent",
          gap=2),
    _rule("en.usage.activity", "usage",
          "pages visited | pages you visit | access time | browsing history | usage data | log files | "
          "search history | referring url | order history | purchase history | cart contents | screen views | "
          "screens viewed | taps"),
    _rule("en.location.geo", "location", "location data | geolocation | gps | precise location"),
    _rule("en.social_profile.network", "social_profile",
          "social media profile | social network | social media account"),
    _rule("en.health.health", "health", "health | medical | diagnosis | test results | lab results"),
    _rule("en.biometric.biometric", "biometric", "biometric | fingerprint | facial recognition"),
    _rule("en.call_recording.calls", "call_recording", "call recording | recording of calls | record calls | "
          "record phone calls | recorded calls", gap=2),
    _rule("en.contact.own_channel", "contact", "email address | email | e mail | phone number | phone | address",
          vague=True, own_contact=True),
    _rule("en.cookies.cookie", "cookies", "cookies | cookie | local storage | localstorage"),
    _rule("en.analytics.analytics", "analytics", "analytics | web analytics | visitor counters | counters"),
    _rule("en.analytics.statistics", "analytics", "statistics | statistical", vague=True),
    _rule("en.advertising.targeting", "advertising",
          "targeted advertising | remarketing | retargeting | personalised ads | personalized ads | interest based"),
    _rule("en.advertising.marketing", "advertising", "advertising | marketing | ads", vague=True),
    _rule("en.advertising.newsletter", "advertising", "newsletter | special offers | promotional | promotions",
          vague=True),
    _rule("en.web_beacons.pixel", "web_beacons", "web beacon | pixel | pixel tag | tracking pixel | clear gif"),
    _rule("en.third_party_sharing.transfer", "third_party_sharing",
          "third parties | third party | partners | service providers | contractors | affiliates | vendors",
          near=_EN_TRANSFER, window=10, vague=True, not_before="from",
          unless="unauthorized | unauthorised | unlawful"),
    _rule("en.cross_border_transfer.outside", "cross_border_transfer",
          "cross border | outside kazakhstan | outside the republic of kazakhstan | other countries | abroad | "
          "foreign countries | international transfer", context=(_EN_KEEP,)),
    _rule("en.storage_in_kz.territory", "storage_in_kz",
          "in kazakhstan | in the republic of kazakhstan | territory of kazakhstan | "
          "territory of the republic of kazakhstan", context=("store | server | host | locate | database",),
          unless="or other countries | or other country | or abroad"),
    _rule("en.retention.duration", "retention", "year | month | day | week",
          near="keep | kept | retain | store | delete | deleted | erase", window=6),
    _rule("en.retention.period", "retention",
          "retain | retention period | as long as necessary | indefinitely | storage period | for as long as | "
          "processing period | until the purposes | achievement of the purposes | no longer than | period necessary | "
          "period required | period needed | as long as required | as long as needed"),
    _rule("en.user_rights.rights", "user_rights",
          "right to access | right to delete | right to rectification | right to erasure | withdraw consent | "
          "withdraw your consent | request access | request deletion | delete your data | correct your data | "
          "request removal | request the removal | right to request", gap=2),
    _rule("en.consent.given", "consent",
          "you consent | give consent | give your consent | by submitting | by clicking | by ticking | "
          "consent to the processing | agree to the processing"),
    _rule("en.security.encryption", "security", "encryption | encrypted | ssl | tls | secure connection"),
    _rule("en.security.measures", "security",
          "security measures | technical and organisational measures | technical and organizational measures | "
          "appropriate measures | safeguards", vague=True),

    # --- any language: names, numbers and vendors found by regular expression -------------------
    _rule("any.analytics.vendor", "analytics",
          regex=r"(?i)google\s+analytics|\bGA4\b|яндекс[\s.-]?метрик\w*|yandex[\s.-]?metri[ck]a|liveinternet|"
                r"hotjar|microsoft\s+clarity|top\.mail\.ru|рейтинг\s+mail\.ru|вебвизор|webvisor"),
    _rule("any.advertising.vendor", "advertising",
          regex=r"(?i)google\s+ads|google\s+adwords|doubleclick|яндекс[\s.-]?директ\w*|yandex[\s.-]?direct|"
                r"(?:facebook|meta|vk|tiktok)\s+pixel|пиксел\w+\s+(?:vk|вконтакте|facebook|meta)|mytarget|"
                r"\bmyTarget\b"),
    # A template's placeholder (support@yourdomain.com, info@example.com) is no address to write to.
    _rule("any.contact.email", "contact",
          regex=r"[\w.+-]+@" + PLACEHOLDER_DOMAIN + r"[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}"),
    # «Telegram: @support_demo», «t.me/support_demo»: a messenger handle a person can write to.
    _rule("any.contact.messenger", "contact",
          regex=r"(?i)(?:telegram|телеграм\w*|tg)\s*[:\-–—]?\s*@[a-z0-9_]{4,}|\bt\.me/[a-z0-9_]{4,}"),
    # «Данные Telegram: …», «Telegram деректері», «Facebook account»: what the network account tells.
    _rule("any.social_profile.network_data", "social_profile",
          regex=r"(?i)(?:данн\w+|сведени\w+|информаци\w+|data|деректер\w*)\s+(?:из\s+|from\s+)?(?:аккаунт\w*\s+)?"
                r"(?:telegram|facebook|vk|вконтакте|instagram|apple\s+id)\b|"
                r"\b(?:telegram|facebook|vk|вконтакте|instagram|github)\s+(?:data|деректер\w*|данн\w+|account|профил\w*|"
                r"аккаунт\w*)|(?:войти|вход\w*|sign\s+in)\s+(?:через|with)\s+github\b|\bgithub\s+арқылы\s+кір|(?:никнейм\w*|ник|username|аккаунт\w*|профил\w*)\s+(?:в|во|from|in|on)\s+"
                r"(?:telegram|facebook|vk|вконтакте|instagram)\b"),
    _rule("any.contact.phone", "contact",
          regex=r"(?<![\w+])(?:\+7|8)[\s-]?\(?\d{3}\)?[\s-]?\d{3}[\s-]?\d{2}[\s-]?\d{2}(?!\d)"),
    # «г. Нур-Султан, пр. Кабанбай батыра, 15», «Алматы қ., Абай даңғылы, 10»: a postal address to write to.
    _rule("any.contact.street_address", "contact",
          regex=r"(?:\bг\.\s*[А-ЯЁ][\w-]+|[А-ЯЁӘҒҚҢӨҰҮҺІ][\w-]+\s+(?:қ\.|к\.|қаласы))\s*,\s*(?:[\w-]+\s+){0,3}?"
                r"(?:ул\.|улица|пр\.|просп\w*|мкр\w*|бульвар|көшесі|к-сі|даңғылы|даң\.|шағын\s+аудан)"
                r"[^\n<>\[\]]{0,40}?\d"),
    # «мессенджер (WhatsApp, Telegram)» asked of the user: an account on a messaging network.
    _rule("any.social_profile.messenger", "social_profile",
          regex=r"(?i)мессенджер\w*\s*\(\s*(?:WhatsApp|Telegram|Viber)"),
    _rule("any.operator_identity.legal_name", "operator_identity", regex="LEGAL_NAME"),
    _rule("any.operator_identity.bin", "operator_identity",
          regex=r"(?:\bБИН|\bBIN|\bБСН)\s*(?:№|:|-)?\s*\d{12}\b|"
                # «ИП Бисенов, ИИН 0705…», «ЖК Бисенов, ЖСН …»: an entrepreneur's IIN is its registration number
                r"(?:\bИП|\bЖК)\s+[А-ЯЁӘҒҚҢӨҰҮҺІ][а-яёәғқңөұүһі]+,?\s+(?:ИИН|ЖСН)\s*(?:№|:|-)?\s*\d{12}\b"),
    _rule("any.law_reference.kz_94v", "law_reference", regex="LAW:kz_94v"),
)

# Vendors a policy may name, as regular expressions; the declaration keeps the name as written.
# Longer names first, so «Google Analytics» is found before «Google».
VENDOR_PATTERNS: tuple[str, ...] = (
    r"Google\s+(?:Analytics|Tag\s+Manager|Ads|AdWords|Maps|Fonts|reCAPTCHA|Firebase|Cloud)", r"Google", r"Гугл\w*",
    r"Яндекс[\s.-]?(?:Метрик|Директ|Карт|Маркет|Облак|Cloud)\w*", r"Яндекс\w*",
    r"Yandex[\s.-]?(?:Metri[ck]a|Direct|Maps|Cloud)", r"Yandex",
    r"Meta\s+Pixel", r"Facebook\s+Pixel", r"Facebook", r"\bMeta\b", r"Instagram", r"WhatsApp",
    r"VK\s+(?:Pixel|Ads)", r"ВКонтакте", r"\bVK\b", r"\bВК\b", r"Top\.Mail\.Ru", r"Mail\.ru", r"myTarget",
    r"JivoSite|JivoChat|Jivo\b|Живосайт", r"Bitrix24|Битрикс\s?24|Битрикс\w*", r"amoCRM", r"Roistat", r"Calltouch",
    r"CoMagic", r"Binotel", r"Живой\s+сайт", r"Hotjar", r"Microsoft\s+Clarity", r"Microsoft", r"TikTok",
    r"Telegram", r"LinkedIn", r"Twitter", r"YouTube", r"Pinterest", r"\bApple\b", r"Adobe", r"Kaspi(?:\.kz)?",
    r"Halyk\s?Bank|Халык\s?банк\w*",
    r"Epay", r"CloudPayments", r"PayBox", r"Tilda", r"Wazzup", r"2GIS|2ГИС", r"Cloudflare",
    r"Amazon\s+Web\s+Services|\bAWS\b", r"Zoom", r"Carrot\s?quest", r"Tawk\.to", r"Chatra", r"Envybox",
)

# Legal forms of an operator's name: «ТОО «Ромашка»», «Товарищество с ограниченной ответственностью «…»»,
# «ИП Иванов», ««Атау» ЖШС», «Acme LLP». Group "name" holds the name inside the quotes.
_QUOTED = r"[«\"“„'][ \t]*(?P<name>[^»\"”'\n]{1,80}?)[ \t]*[»\"”']"
LEGAL_NAME_PATTERNS: tuple[str, ...] = (
    # (the legal form a word of its own: not «АҚ» at the start of «АҚПАРАТ»)
    r"(?:\b(?:ТОО|АО|НАО|ОО|ОЮЛ|ПК|ЧУ|ГКП|РГП|КГП|ОФ|ООО|АҚ|АҚҚ|КЕАҚ|ЖШС|ИП|ЖК|LLP|LLC|JSC|Ltd\.?)(?![^\W\d_])|"
    r"(?i:товарищество\s+с\s+ограниченной\s+ответственностью|акционерное\s+общество|частное\s+учреждение|"
    r"общественный\s+фонд|общество\s+с\s+ограниченной\s+ответственностью|"
    r"жауапкершілігі\s+шектеулі\s+серіктестігі|limited\s+liability\s+partnership))[ \t]*"
    r"(?:[А-ЯЁA-Z][\w-]*[ \t]+(?:[а-яёa-z][\w-]*[ \t]+){0,2})?" + _QUOTED,
    r"[«\"“][ \t]*(?P<name>[^»\"”\n]{1,80}?)[ \t]*[»\"”][ \t]*(?:ЖШС|АҚ|LLP|LLC|JSC|ТОО|АО|"
    r"(?i:жауапкершілігі\s+шектеулі\s+серіктестіг\w*|акционерлік\s+қоғам\w*))\b",
    r"(?:\bИП|Индивидуальный\s+предприниматель|\bЖК)\s+(?P<name>[А-ЯЁӘҒҚҢӨҰҮҺІ][а-яёәғқңөұүһі]+"
    r"(?:\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.?|(?:\s+[А-ЯЁӘҒҚҢӨҰҮҺІ][а-яёәғқңөұүһі]+){1,2})"
    # «ИП Path of Peaks», «ИП SMART STUDIO»: a Latin trade name after the legal form
    r"|[A-Z][\w&-]*(?:\.[\w&-]+)*(?:\s+(?:of|and|&|[A-Z][\w&-]*(?:\.[\w&-]+)*)){0,3})",
    # «ТОО GGNetworks», «ЖШС Qazaq Soft»: a Latin name without quotes after the legal form
    r"(?:\b(?:ТОО|АО|ЖШС|АҚ|LLP))[ \t]+(?P<name>[A-Z][\w&.-]*[a-z][\w&.-]*(?:[ \t]+[A-Z][\w&.-]*){0,2})\b",
    # «Acme LLP», «DAAR ЖШС»: a Latin name before the legal form
    r"\b(?P<name>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,3})\s+(?:LLP|LLC|JSC|ЖШС|ТОО|АҚ)(?![\w-])",
)

# Laws a policy cites, by code. kz_94v is Kazakhstan's «О персональных данных и их защите»
# (No 94-V of 21 May 2013); the title is matched only capitalised, as a citation, so that
# «законодательством о персональных данных и их защите» does not count.
LAW_PATTERNS: dict[str, str] = {
    "kz_94v": r"\b94\s*[-–—]?\s*[VВ]\b|О\s+персональных\s+данных\s+и\s+их\s+защите|"
              # the Kazakh title, also as real documents shorten it («Жеке деректерді қорғау туралы» Заң)
              r"(?:Дербес|Жеке)\s+деректер\s+және\s+оларды\s+қорғау\s+туралы|"
              r"[«\"“](?:Дербес|Жеке)\s+деректер\w*\s+(?:және\s+оларды\s+)?(?:қорғау\s+)?туралы[»\"”]|"
              # a loose Russian title tied to Kazakhstan («Закон РК «О защите персональных данных»»)
              r"(?:Республики\s+Казахстан|\bРК\b)[^.«»\"\n]{0,40}[«\"“]О\s+(?:защите\s+)?персональных\s+данных|"
              r"(?i:on\s+personal\s+data\s+and\s+(?:their|its)\s+protection)",
    "ru_152fz": r"\b152\s*[-–]?\s*ФЗ\b|(?i:федеральн\w*\s+закон\w*)\s+(?:от\s+27\.07\.2006\s*(?:г\.?\s*)?)?"
                r"(?:№\s*152|«О\s+персональных\s+данных»)",
    # Russian law by name; «серверы в Российской Федерации» says where data goes, not which law applies.
    "ru_law": r"(?i:федеральн\w*\s+закон\w*)|(?i:закон\w*|законодательств\w*|кодекс\w*|прав[оа])\s+"
              r"(?:\w+\s+){0,2}(?:Российской\s+Федерации|РФ)\b|"
              # in Kazakh and English, and Russia's data-protection regulator, the mark of the same template
              r"Ресей\s+Федерациясының\s+(?:\w+\s+)?заң\w*|(?i:laws?\s+of\s+the\s+Russian\s+Federation)|"
              r"\bРоскомнадзор\w*",
    "gdpr": r"\bGDPR\b|(?i:general\s+data\s+protection\s+regulation)|\b2016/679\b|"
            r"(?i:общ\w+\s+регламент\w*\s+(?:по\s+)?защит\w+\s+(?:персональных\s+)?данных)",
}
# Codes of LAW_PATTERNS that are foreign law a Kazakhstan site's policy should not rest on
# (a template copied from a Russian site); the GDPR may rightly apply, so it is not a warning.
FOREIGN_LAWS = frozenset({"ru_152fz", "ru_law"})

# What kind of document a policy candidate is, by the title it opens with (analysis/policy_facts.py).
# A consent («Согласие на обработку персональных данных», «…өңдеуге келісім») lists what the user agrees
# to; terms («Пользовательское соглашение», «Публичная оферта») are a contract that may hold a privacy part.
DOCUMENT_TYPES = ("privacy_policy", "consent", "terms")
DOCUMENT_TYPE_TITLES: dict[str, str] = {
    "consent": r"(?i)согласи[ея]\s+(?:субъекта\s+|пользователя\s+|клиента\s+)?(?:персональных\s+данных\s+)?"
               r"(?:на\s+(?:сбор\s+и\s+)?обработк\w*|на\s+сбор)|"
               r"(?:деректер\w*|дерек\w*)\s+(?:жинауға\s+(?:және\s+)?)?(?:өңдеуге|жинауға)\s+(?:арналған\s+)?келісім|"
               r"consent\s+to\s+(?:the\s+)?(?:collection\s+and\s+)?processing",
    "terms": r"(?i)пользовательск\w+\s+соглашени|публичн\w+\s+оферт|договор\w*\s+(?:публичной\s+)?оферт|"
             r"услови\w+\s+использовани|правила\s+(?:пользования|использования)|пайдаланушы\w*\s+келісім|"
             r"жария\s+оферт|terms\s+(?:of\s+(?:use|service)|and\s+conditions)|user\s+agreement",
    "privacy_policy": r"(?i)политик\w+\s+(?:конфиденциальности|обработки|в\s+отношении|защиты|о\s+защите)|"
                      r"положени\w+\s+(?:об?\s+)?(?:обработке|защите)\s+персональных|"
                      r"құпиялылық\s+саясат|деректер\w*\s+(?:өңдеу|қорғау)\s+(?:туралы\s+)?саясат|"
                      r"privacy\s+(?:policy|notice)|data\s+protection\s+policy|personal\s+data\s+policy",
}
# The first-person voice of a consent without such a title («Я, …, даю согласие», «Мен … келісім беремін»).
CONSENT_VOICE = (r"(?i)(?:\bя\b|настоящим)[^.]{0,200}?\bда(?:ю|ём)\s+(?:сво[её]\s+|полное\s+)?согласие|"
                 r"\bмен\b[^.]{0,200}?келісім\w*\s+беремін|\bI\b[^.]{0,120}?\b(?:hereby\s+)?(?:give\s+(?:my\s+)?consent|"
                 r"consent\s+to)")
# Characters from the start of a text where its title is looked for, and where a consent's voice is.
DOCUMENT_TITLE_CHARS = 600
CONSENT_VOICE_CHARS = 1500

# --- cue words for the status of a declaration (used by analysis/declarations.py) -------------

# Verbs (and their nouns) of handling data, as Russian lemmas and English words: a negation
# denies only when it falls on one of these, so «не несёт ответственность» denies nothing.
PROCESSING_VERBS: dict[str, frozenset[str]] = {
    "ru": frozenset("""
        собирать собрать сбор собираться собираемый хранить храниться хранение сохранять сохраниться
        обрабатывать обработать обработка обрабатываться передавать передать передача передаваться раскрывать
        раскрыть раскрытие раскрываться разглашать разгласить разглашение продавать продать продажа
        продаваться использовать использоваться использование осуществлять осуществляться производить
        производиться получать получить получаться запрашивать запросить предоставлять предоставить
        предоставление предоставляться размещать размещаться устанавливать применять применяться вести
        вестись допускать допускаться обмениваться делиться поделиться записывать записываться накапливать
        отслеживать анализировать читать прочитать просить попросить спрашивать сохраняться отправлять
        отправляться отправить обменивать сдавать предназначить""".split()),
    # «не обмениваем и не сдаём в аренду» (en: rent); «не предназначен для хранения номеров карт»
    "en": frozenset("""collect store process share disclose transfer sell use retain keep provide give rent
        track record gather obtain request ask save host""".split()),
}
# Verbs of handing data over: a negation of one denies the transfer, not that the data are held
# («контактные данные никогда не будут проданы» says nothing against collecting the phone number).
TRANSFER_VERBS: dict[str, frozenset[str] | tuple[str, ...]] = {
    "ru": frozenset("""передавать передать передача передаваться продавать продать продажа продаваться раскрывать
        предоставлять предоставить предоставляться предоставление
        раскрыть раскрытие раскрываться разглашать разгласить разглашение публиковать опубликовать делиться
        поделиться обмениваться""".split()),
    "en": frozenset("share disclose transfer sell rent give publish".split()),
    "kk": ("бер", "сат", "жарияла", "тарат", "тапсыр", "жібер"),
}
# Words that may stand between a negation and its verb («не может быть передана», «will not be shared»).
NEGATION_BRIDGES: dict[str, frozenset[str]] = {
    "ru": frozenset("мочь может быть будет вправе должный должен стать иметь право намереваться".split()),
    "en": frozenset("will be been we ever under any circumstances knowingly".split()),
}
# Words that say something is absent, denying the nearest match before or after them
# («Счётчиков ... на сайте нет», «There are no counters», «... қызметтер жоқ»).
ABSENCE_WORDS: dict[str, frozenset[str]] = {
    "ru": frozenset({"нет", "отсутствовать", "отсутствует", "отсутствуют"}),
    "en": frozenset({"no"}),
    "kk": frozenset({"жоқ", "қолжетімсіз"}),   # «картамен онлайн төлем уақытша қолжетімсіз»: unavailable
}
# «Других файлов cookie ... нет», «no other third parties»: a denial of the *other* ones leaves the
# named ones declared.
OTHER_WORDS = frozenset({"иной", "другой", "прочий", "other", "басқа"})
NEGATIONS: dict[str, frozenset[str]] = {
    "ru": frozenset({"не", "ни", "никогда"}),
    "en": frozenset({"not", "never", "no", "cannot"}),
}
# Kazakh negation is a suffix on the verb: жина-ма-ймыз, сақта-ма-йды, бер-ме-йміз, сат-па-ймыз, өңде-л-мей-ді.
KK_NEGATED_VERB = (r"^(?:бөлме(?:й|у)|"   # «жарнама мақсатында бөлмейміз» (we do not hand out); not «бөлмесі»
                   r"(?:жина|сақта|өңде|бер|тапсыр|жібер|пайдалан|қолдан|жарияла|сат|ұсын|тарат|жаз|оқы|бөліс|"
                   r"жоспарла|сұра|көрсет)"
                   r"(?:ыл|іл|л|ын|ін|н)?(?:ма|ме|ба|бе|па|пе)(?:й|с|ған|ген|ң|у)|"
                   # «алмаймыз», «алынбайды» (do not take); not «алмасу» (exchange), «алмас»
                   r"ал(?:ын)?(?:ма|ба)(?:й|ған)|"
                   # «үшінші тұлғаларға жария етілмейді» (is not disclosed): the passive only, not «әсер етпейді»
                   r"етіл(?:ме|бе)(?:й|ген|у))")
# An exception turns «не передаём ... за исключением» into a declaration (PoliCheck: the flow can happen).
# It speaks for the negation it stands next to, not for every negation of the sentence.
EXCEPTION_PATTERN = (
    r"(?i)за\s+исключением|\bкроме(?!\s+того\b)|\bпомимо\s+случа|исключая|если\s+иное|иначе\s+как|"
    r"без\s+(?:\w+\s+){0,3}(?:согласия|разрешения)|только\s+(?:с\s+|при\s+|в\s+случа|на\s+основани|по\s+)|"
    r"\bexcept\b|\bunless\b|other\s+than|apart\s+from|save\s+(?:for|as)\b|excluding|"
    r"without\s+(?:\w+\s+){0,2}(?:consent|permission)|"
    r"only\s+(?:with|when|if|to)|қоспағанда|келісім\w*сіз|рұқсат\w*сыз|тек\s+қана|тек\s|"
    # «Иным третьим лицам данные не передаются»: the ones named before do receive them.
    r"(?<!нам\sи\s)(?<!нам,\s)\b(?:иным|другим|прочим|иных|других|прочих)\s+(?:третьим\s+|третьих\s+)?"
    r"(?:лицам|лиц)\b|"
    r"\b(?:any\s+)?other\s+third\s+part|(?<!немесе\s)басқа\s+үшінші|"
    # Kazakh «unless you …»: a negated conditional («өзіңіз ұсынбасаңыз, … жинамаймыз»)
    r"[^\W\d_]+(?:ма|ме|ба|бе|па|пе)(?:са|се)(?:ңыз|ңіз)\b|жағдайлардан\s+басқа|басқа\s+(?:кезде|жағдайда)|"
    # «сатпайды және бермейді, мыналардан басқа: …» (except the following)
    r"(?:мыналардан|төмендегілерден)\s+басқа|"
    # «ережеде көрсетілген жағдайлардан тыс … бөліспейміз» (outside the cases stated)
    r"жағдайлардан\s+тыс|"
    # «курьерге беруден басқа» (except handing it to a courier): an ablative and «басқа»; not «бұдан / одан басқа»
    # (besides, moreover)
    r"\b(?!(?:бұдан|одан|осыдан|мұнан|сонан)\b)[^\W\d_]+(?:дан|ден|тан|тен|нан|нен)\s+басқа\b")
# An exception that names only what the law requires («за исключением случаев, предусмотренных
# законодательством», «… уполномоченным государственным органам») declares no flow: state bodies are
# not third parties. It does declare when it also names a recipient or consent («без согласия»,
# «курьерской службе», «партнёрам»). The scope is the exception's clause, at most this many characters.
EXCEPTION_SCOPE_CHARS = 200
# (A need to serve the user — «когда это необходимо для выполнения ваших запросов» — is a flow reason.)
LEGAL_EXCEPTION = (r"(?i)законодательств|\bзакон\w*|предусмотренн|\bсуд\w*|государственн\w+\s+орган|"
                   r"уполномоченн\w+\s+орган|правоохранительн|заңнама|заңда|заңмен|\bсот\b|мемлекеттік\s+орган|"
                   r"уәкілетті\s+орган|\blaw\b|\blaws\b|legal|court|authorit")
FLOW_EXCEPTION = (r"(?i)согласи|разрешени|партн[её]р|служб|курьер|доставк|банк|платёж|платеж|подрядчик|агент|"
                  r"контрагент|поставщик|аффилир|хостинг|келісім|рұқсат|серіктес|курьер|жеткізу|төлем|"
                  r"необходим\w*\s+для|выполнени|оказани\w*\s+услуг|исполнени\w*\s+(?:договор|заказ|обязательств)|"
                  r"қажет\s+болған|қызмет\w*\s+көрсет|"
                  r"consent|permission|partner|provider|vendor|courier|delivery|payment|affiliat|contractor|"
                  r"necessary\s+(?:to|for)|needed\s+(?:to|for)|provide\s+(?:the\s+|our\s+)?service|fulfil")
# «…, тек таңдалған тақырып сақталады», «… және тек қызметті жақсарту үшін пайдаланамыз»: «тек» (only)
# before an affirmative use or storage verb of its own clause restricts that clause; it is no exception
# to a refusal before it.
KK_ONLY_AFFIRMATIVE = r"(?i)тек\s[^;.]*?\b(?:пайдалан|қолдан|сақта|өңде)\w*(?:мыз|міз|ады|еді|ды|ді)\b"
# «біле алмаймыз», «жасай алмаймыз»: after a converb in -а/-е/-й, «алмау» says «cannot», not «do not take».
KK_CONVERB_ENDINGS = ("а", "е", "й", "я")
# A limit on storage is a retention rule, not a denial of storage: «хранятся не дольше, чем необходимо»,
# «stored no longer than necessary», «қажет мерзімнен артық сақталмайды».
RETENTION_LIMIT = (r"(?i)не\s+дольше|не\s+более|не\s+превыша\w*|no\s+longer|not\s+longer|not\s+more\s+than|"
                   r"артық\s+сақта|аспайтын|аспауы")   # «… мерзімнен артық сақтамайды / сақталмайды»
# «не использует рекламные cookies», «жарнамалық cookie қолданбаймыз», «no analytics cookies»: a refusal of a
# kind of cookies (these words right before the cookie word) denies that kind, not every cookie.
COOKIE_KIND_STEMS = ("рекламн", "аналитическ", "маркетингов", "отслежива", "трекинг", "сторонн", "жарнама",
                     "аналитика", "маркетинг", "бақылау", "advertis", "analytic", "marketing", "tracking", "third")
# «жауап бермейді» (is not liable), «кепілдік бермейді» (gives no guarantee): a Kazakh negated verb after
# these words denies nothing about data.
KK_NOT_PROCESSING_BEFORE = ("жауап", "кепілдік")
# A sentence that opens with an exception qualifies the negation of the sentence before it
# («Данные третьим лицам не передаются. Исключение составляют случаи, …»).
EXCEPTION_FOLLOWS = (r"(?i)^\W*(?:исключени\w*\s+(?:составля|являют|допуска)|за\s+исключением|кроме\s+(?:случа|как)|"
                     r"this\s+does\s+not\s+apply|exceptions?\s+(?:are|is|include)|бұл\s+.{0,60}қоспағанда|"
                     # «Данные могут быть переданы только в следующих случаях: …» after a denial
                     r"(?:[\w-]+\s+){0,3}мог\w*\s+быть\s+(?:передан|предоставлен)\w*\s+только)")

# --- the operator's own contact details are not data it collects ------------------------------
# «Наш e-mail», «адрес электронной почты Оператора», «напишите нам на электронную почту»,
# «біздің телефон», «поштаға жазыңыз»: a channel to the operator. The e-mail, phone or address
# word there declares `contact`, never the category of data taken from users.
OWN_DETAIL_CATEGORIES = frozenset({"email", "phone", "address"})
# Right before the word: «наш», «біздің», «our», the operator's own legal or office address.
OWN_CONTACT_BEFORE = (r"(?i)(?:\bнаш\w*|\bбіздің|\bour|\bюридическ\w*|\bфактическ\w*|\bзаңды|"
                      r"\bслужб\w+\s+поддержки|\bдля\s+(?:связи|обращений|справок))\s+(?:[\w-]+\s+){0,2}$")
# Right after the word: whose it is («… Оператора», «… Компании», «… указанный на сайте», «… для связи»).
OWN_CONTACT_AFTER = (r"(?i)^[\s:—–-]{0,3}(?:оператор\w*|компани\w*|администрац\w*|организац\w*|обществ\w*|"
                     r"товариществ\w*|владельц\w*\s+сайта|продавц\w*|исполнител\w*|службы\s+поддержки|"
                     r"для\s+(?:связи|обращени\w*|справок|вопросов|запросов)\s*[:—–-]|"
                     # «… указаны на странице Контакты», «… негізгі бетте көрсетілген»
                     r"(?:указан\w*|размещен\w*|приведен\w*|опубликован\w*)\s+(?:на|в)\s+(?:\w+\s+)?"
                     r"(?:сайт|страниц|раздел)|(?:\w+\s+){0,2}(?:бет|сайт|бөлім)\w*\s+(?:көрсетілген|берілген|"
                     r"орналастырылған)|указанн\w+\s+(?:на\s+сайте|в\s+раздел|ниже|"
                     r"выше|в\s+пункте|в\s+настоящ)|оператордың|компанияның|әкімшілі\w*|"
                     # «Адрес: г. Алматы, …», «Мекенжай: Алматы қ., …»: a label with a postal value
                     r"\s*:\s*(?:(?:Республика\s+Казахстан|Қазақстан\s+Республикасы|РК|Казахстан|Қазақстан),?\s+)?"
                     r"(?:г\.|город\b|ул\.|улица\b|пр\.|проспект\b|мкр|\d{6}\b|[\w-]+\s+(?:қ\.|қаласы)|"
                     r"(?:Алматы|Астана|Нур-Султан|Шымкент|Караганд\w+|Қарағанды|Актобе|Ақтөбе|Атырау|Павлодар|"
                     r"Усть-Каменогорск|Өскемен|Тараз|Костанай|Қостанай|Кокшетау|Көкшетау|Актау|Ақтау|Уральск|"
                     r"Орал|Семей|Туркестан|Түркістан|Петропавловск|Петропавл|Kazakhstan|Almaty|Astana)\b)|"
                     r"of\s+(?:the\s+)?(?:operator|company|controller|our)|for\s+(?:enquiries|inquiries|questions|"
                     r"contact)|(?:listed|given|shown)\s+(?:below|above|on\s+the\s+site))")
# A sentence telling the reader to write or call (imperative, or the user's right to apply) ...
OWN_CONTACT_VERBS = (r"(?i)напишите|пишите|направьте|отправьте|обращайтесь|обратитесь|обратиться|обратившись|"
                     r"свяжитесь|связаться|позвоните|звоните|направив|отправив|написав|"
                     r"(?:направ|отправ)\w*\s+(?:\w+\s+)?(?:запрос|обращени|заявлени|письменн|уведомлени\w*\s+об\s+отзыве)|"
                     r"жазыңыз|жолдаңыз|хабарласыңыз|хабарласу|хабарласа|жүгініңіз|жүгінуге|жіберіңіз|жазу\s+арқылы|"
                     r"contact\s+us|write\s+to\s+us|email\s+us|call\s+us|reach\s+us|send\s+(?:us|a\s+request)")
# ... where the word is the way in («на электронную почту», «по электронной почте», «via e-mail»),
OWN_CONTACT_CHANNEL = r"(?i)(?:\bна|\bпо|\bчерез|\bto|\bat|\bvia|\bby)\s+(?:[\w-]+\s+){0,2}$"
# An own-channel word declares `contact` only with something concrete in its sentence: an e-mail, a
# number, a messenger handle or a postal address («Адрес: г. Алматы, …»).
CONTACT_VALUE = (r"(?i)[\w.+-]+@" + PLACEHOLDER_DOMAIN + r"[\w-]+\.\w|"
                 r"\+?\d[\d\s()\-]{6,}\d|\bt\.me/|(?<!\w)@[a-z0-9_]{4,}|"
                 r"\bг\.|\bул\.|\bқ\.|к-сі|\bпр\.|қаласы|\b\d{6}\b")
# A Kazakh word is the way in by its case ending («поштаға», «мекенжайына») or «арқылы» after it.
OWN_CONTACT_KK_CASE = ("ға", "ге", "қа", "ке", "на", "не")
# unless it is the user's own («… Пользователя», «… указанный Вами»).
OWN_CONTACT_USER = (r"(?i)^[\s,]{0,3}(?:пользовател\w*|клиент\w*|субъект\w*|покупател\w*|заказчик\w*|"
                    r"посетител\w*|заявител\w*|указанн\w+\s+(?:вами|пользовател|клиент|при\s+регистрации)|"
                    r"пайдаланушы\w*|клиенттің|of\s+the\s+user|you\s+(?:provide|gave))")

# Advice to the user («рекомендуем не передавать пароль третьим лицам») says nothing about the site.
ADVICE_PATTERN = (r"(?i)рекоменду|советуем|ұсынамыз|кеңес береміз|we\s+recommend|we\s+advise|we\s+urge|"
                  # «Не указывайте в форме …», «… көрсетпеңіз», «Do not include …»: what the reader should
                  # not send tells nothing of what the site collects.
                  r"\bне\s+(?:указывайте|сообщайте|отправляйте|вводите|прикрепляйте|пишите|присылайте)\b|"
                  r"(?:көрсет|жаз|жібер|енгіз|тірке|салы)(?:пе|бе|ме|па|ба|ма)ңіз\b|"
                  r"\b(?:do\s+not|don'?t)\s+(?:include|enter|send|submit|post|attach)\b")
# Kinds of recipient that make a vague «третьи лица» specific («платёжные системы», «службы доставки»).
RECIPIENT_KINDS: dict[str, str] = {
    "ru": "платёжный | платёж | банк | эквайринг | эквайринговый | доставка | курьер | курьерский | аналитика | "
          "хостинг | облачный | рекламный | маркетинг | почтовый | логистический | страховой | аудитор",
    "en": "payment | bank | delivery | courier | analytics | hosting | cloud | advertising | marketing | logistics | "
          "insurance | auditor",
    "kk": "төлем | банк | жеткізу | курьер | хостинг",
}

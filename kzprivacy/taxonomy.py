"""The shared vocabulary: data categories, practices, declaration statuses and verdicts.

One concept, one place: the crawler (form fields) and the analysis (policies) both
import their codes from here (../shared/spec/taxonomy.md).
"""

from __future__ import annotations

# code -> (English meaning, Russian meaning)
DATA_CATEGORIES: dict[str, tuple[str, str]] = {
    "name": ("surname, first name, patronymic", "фамилия, имя, отчество"),
    "iin": ("national identification number (IIN / BIN)", "ИИН / БИН"),
    "id_document": ("identity document: ID card, passport, their scans", "удостоверение личности, паспорт"),
    "birth_date": ("date of birth, age", "дата рождения, возраст"),
    "phone": ("phone number", "номер телефона"),
    "email": ("e-mail address", "адрес электронной почты"),
    "address": ("postal or delivery address", "почтовый адрес, адрес доставки"),
    "credentials": ("login and password", "логин и пароль"),
    "payment_card": ("bank-card or other payment details", "данные платёжных карт"),
    "ip_address": ("IP address", "IP-адрес"),
    "device": ("browser, operating system, device identifiers", "данные о браузере и устройстве"),
    "usage": ("pages visited, access times, activity history", "посещённые страницы, время доступа"),
    "location": ("geolocation", "геолокация"),
    "social_profile": ("data from social-network accounts", "данные из социальных сетей"),
    "health": ("health data (a special category)", "данные о здоровье"),
    "biometric": ("biometric data, face photos for identification", "биометрические данные"),
    "call_recording": ("recordings of phone calls", "запись телефонных разговоров"),
}

PRACTICES: dict[str, tuple[str, str]] = {
    "cookies": ("the site uses cookies or similar storage", "сайт использует файлы cookie"),
    "analytics": ("counters, web analytics, statistics", "счётчики, веб-аналитика"),
    "advertising": ("targeted advertising, marketing, remarketing", "таргетированная реклама, маркетинг"),
    "web_beacons": ("pixels, web beacons", "пиксели, веб-маяки"),
    "third_party_sharing": ("data passed to third parties", "передача третьим лицам"),
    "cross_border_transfer": ("data transferred, stored or processed outside Kazakhstan", "трансграничная передача"),
    "storage_in_kz": ("the policy claims storage on the territory of Kazakhstan", "хранение на территории РК"),
    "retention": ("a retention period or rule is stated", "срок хранения"),
    "user_rights": ("the data subject's rights", "права субъекта данных"),
    "contact": ("a concrete contact for data-protection requests", "контакт для обращений"),
    "operator_identity": ("the operator is named (legal name, BIN)", "оператор назван (наименование, БИН)"),
    "law_reference": ("the Kazakhstan personal-data law is cited", "ссылка на Закон РК о персональных данных"),
}

CATEGORIES: dict[str, tuple[str, str]] = {**DATA_CATEGORIES, **PRACTICES}

DECLARATION_STATUSES = ("declared", "denied")

# verdict -> (English meaning, Russian meaning)
VERDICTS: dict[str, tuple[str, str]] = {
    "clear": ("the policy names the category (and the vendor or its kind)", "политика прямо называет категорию"),
    "vague": ("only a broader statement covers it", "покрыто лишь общей формулировкой"),
    "omitted": ("nothing in the policy covers it", "политика об этом молчит"),
    "incorrect": ("the policy denies it", "политика это отрицает"),
    "ambiguous": ("the policy both declares and denies it", "политика и заявляет, и отрицает"),
    "no_policy": ("personal data collected and no policy found", "данные собираются, политики нет"),
}

SEVERITIES = ("high", "medium", "low", "info")

PAGE_KINDS = ("home", "policy", "form", "other")

# Site statuses: a crawl records one per site; everything but "ok" is a failure kind.
SITE_STATUSES: dict[str, str] = {
    "ok": "the site answered and was crawled",
    "pending": "not crawled yet (an interrupted crawl)",
    "dns_error": "the domain does not resolve",
    "timeout": "the site did not answer in time",
    "tls_error": "https failed and http was not available",
    "http_error": "the home page answered with an HTTP error status",
    "robots_blocked": "robots.txt forbids crawling the home page",
    "refused": "the connection was refused or reset",
    "blocked_private_address": "the domain resolves to a private or loopback address",
    "redirect_loop": "the home page redirects in a loop or too many times",
    "too_large": "the home page exceeds the maximum download size",
    "proxy_error": "the proxy could not reach the site",
    "invalid": "the entry is not a valid domain",
    "error": "another error; see the error column",
}

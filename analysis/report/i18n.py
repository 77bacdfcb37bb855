"""The reports' words in Russian, English and Kazakh, and the rule explanations.

UI strings are looked up by key; a key missing in Kazakh falls back to Russian (the
language most Kazakhstan regulators work in), a key missing everywhere shows as the
key itself so a gap is visible rather than silent. Taxonomy meanings come from
kzprivacy.vocabulary.taxonomy (English and Russian); Kazakh falls back to Russian there too.

Rule explanations: the findings table stores one explanation in one language, but the
rule code is stable, so RULE_EXPLANATIONS maps a rule code to a template per language.
The templates are the analysis's own (analysis/rules.py, the one place rules are
defined); they use {category} (English meaning), {category_ru}, {observed} and {country},
filled here from the finding (the country from the knowledge base, by the finding's
service_id). A rule with no template, or one whose placeholders cannot all be filled,
keeps the explanation the analysis stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

from kzprivacy.vocabulary.taxonomy import CATEGORIES, SITE_STATUSES, SITE_STATUSES_RU, VERDICTS

LANGUAGES = ("ru", "en", "kk")
FALLBACK = {"kk": "ru", "ru": "en", "en": "ru"}

UI: dict[str, dict[str, str]] = {
    "ru": {
        "report_title": "Отчёт о конфиденциальности сайтов",
        "summary": "Сводка",
        "crawl": "Обход",
        "crawl_mode": "Режим",
        "started": "Начат",
        "finished": "Завершён",
        "tool_version": "Версия kzprivacy",
        "sites_scanned": "Сайтов в обходе",
        "sites_reached": "Доступны",
        "sites_with_policy": "С политикой",
        "sites_with_findings": "С нарушениями",
        "pages_fetched": "Страниц загружено",
        "third_party_services": "Сторонние сервисы",
        "site_statuses": "Статусы сайтов",
        "verdicts": "Вердикты",
        "verdict": "Вердикт",
        "rules": "Правила, сработавшие чаще всего",
        "rule": "Правило",
        "services_top": "Самые частые сторонние сервисы",
        "countries": "Страны компаний сторонних сервисов",
        "country": "Страна",
        "company": "Компания",
        "service": "Сервис",
        "category": "Категория",
        "sites": "Сайтов",
        "count": "Число",
        "findings": "Нарушения и наблюдения",
        "findings_count": "Находок",
        "ranking": "Сайты по баллам",
        "score": "Баллы",
        "site": "Сайт",
        "status": "Статус",
        "policy": "Политика",
        "yes": "да",
        "no": "нет",
        "none": "нет",
        "unknown": "неизвестно",
        "high": "высокая",
        "medium": "средняя",
        "low": "низкая",
        "info": "справочно",
        "severity": "Серьёзность",
        "manual_review": "нужна ручная проверка",
        "manual_review_short": "ручная проверка",
        "chart_as_table": "Те же данные таблицей",
        "no_findings": "Находок нет.",
        "no_findings_yet": "Таблица находок пуста: сравнение политики с наблюдениями ещё не выполнялось "
                           "для этого обхода.",
        "no_data": "Нет данных.",
        "reach": "Доступность",
        "start_url": "Начальный адрес",
        "final_url": "Итоговый адрес",
        "https": "HTTPS",
        "redirects": "Перенаправления",
        "error": "Ошибка",
        "policies_found": "Найдено политик",
        "policy_section": "Политика конфиденциальности",
        "no_policy_found": "Политика конфиденциальности не найдена.",
        "policy_url": "Адрес политики",
        "language": "Язык",
        "format": "Формат",
        "found_via": "Как найдена",
        "link_text": "Текст ссылки",
        "title": "Заголовок",
        "chars": "Символов",
        "policy_status": "Состояние документа",
        "excerpt": "Фрагменты с подтверждающими предложениями",
        "excerpt_start": "Начало текста",
        "full_text": "Полный текст политики",
        "text_cut": "Текст сокращён до {n} символов; полный текст — в выгрузке policies.",
        "declarations": "Что заявляет политика",
        "declared": "заявлено",
        "denied": "отрицается",
        "evidence": "Подтверждение",
        "other_candidates": "Другие документы-кандидаты",
        "observed": "Что наблюдалось на сайте",
        "cookies": "Файлы cookie",
        "cookie": "Cookie",
        "name": "Имя",
        "domain": "Домен",
        "party": "Сторона",
        "first": "первая",
        "third": "третья",
        "expires": "Срок",
        "flags": "Флаги",
        "set_by": "Установлен",
        "header": "заголовком",
        "script": "скриптом",
        "resources": "Ресурсов",
        "example_url": "Пример адреса",
        "host": "Хост",
        "forms": "Формы",
        "form": "Форма",
        "action": "Куда отправляется",
        "method": "Метод",
        "consent_checkbox": "Галочка согласия",
        "policy_link_near": "Ссылка на политику рядом",
        "fields": "Поля",
        "field_type": "Тип",
        "label": "Подпись",
        "required": "Обязательное",
        "page": "Страница",
        "observed_side": "Что наблюдалось",
        "policy_side": "Что сказано в политике",
        "explanation": "Пояснение",
        "no_policy_sentence": "В политике нет подходящего предложения.",
        "seen_on_pages": "Та же находка на {n} страницах",
        "form_sent_to": "Куда на деле уходят данные (форма отправлена в браузере с тестовыми значениями, ни один запрос не покинул браузер)",
        "see_in_text": "в тексте политики",
        "evidence_records": "Доказательства (записи WARC)",
        "evidence_note": "Каждое наблюдение ссылается на запись WARC, в которой сохранён ответ сервера. "
                         "SHA-256 — хеш тела ответа; файл и смещение позволяют найти запись в архиве обхода.",
        "url": "Адрес",
        "fetched_at": "Время (UTC)",
        "status_code": "Код",
        "warc_record": "Запись WARC",
        "warc_file": "Файл WARC",
        "offset": "Смещение",
        "kind": "Вид",
        "screenshot": "Снимок экрана",
        "no_screenshot_http": "Снимки экрана делаются только в режиме браузера.",
        "no_screenshot": "Снимок экрана не сохранён.",
        "back_to_summary": "← К сводке",
        "generated": "Сформировано",
        "changes": "Что изменилось с прошлого обхода",
        "changes_vs": "По сравнению с обходом {crawl}",
        "first_crawl": "Это первый обход в базе: сравнивать не с чем.",
        "no_changes": "Изменений нет.",
        "sites_added": "Сайты, добавленные в обход",
        "sites_removed": "Сайты, исключённые из обхода",
        "status_changes": "Изменился статус",
        "policies_changed": "Изменился текст политики",
        "policies_appeared": "Появилась политика",
        "policies_disappeared": "Политика пропала",
        "services_added": "Новые сторонние сервисы",
        "services_removed": "Убранные сторонние сервисы",
        "findings_new": "Новые находки",
        "findings_resolved": "Устранённые находки",
        "lines_added": "добавлено строк",
        "lines_removed": "удалено строк",
        "diff_scope": "Политики, сервисы и находки сравниваются только для сайтов, доступных в обоих обходах.",
        "was": "было",
        "now": "стало",
        "moved_to": "новый адрес",
        "mode_http": "HTTP (без выполнения скриптов)",
        "mode_browser": "браузер",
        "lang_name": "Русский",
        "charts_note": "Диаграммы построены по данным этого обхода; рядом с каждой — те же числа таблицей.",
        "all_sites": "Все сайты",
        "findings_by_severity": "Находки по серьёзности",
        "offline_note": "Отчёт — статический файл: открывается без сервера и без сети.",
        "pdf_page": "Страница",
        "pdf_of": "из",
        "storage": "Локальное хранилище",
        "key": "Ключ",
        "origin": "Источник",
        "no_policy_site": "нет политики",
        "inline_trackers": "Счётчики во встроенном коде",
        "tracker_id": "Идентификатор",
        "sources": "Где замечен",
        "source_request": "запрос",
        "source_inline": "код на странице",
        "source_cookie": "cookie",
        "pages": "Страницы",
        "evidence_ref": "доказательство",
        "n_more": "и ещё {n}",
        "flows": "Все наблюдаемые потоки данных и их оценка",
        "session": "до закрытия браузера",
        "consent_banner": "Баннер cookie",
        "consent_accepted": "согласие принято",
        "consent_no_banner": "баннера нет",
        "consent_click_failed": "не удалось нажать кнопку согласия",
        "operator": "Оператор",
        "bin": "БИН",
        "contacts": "Контакты",
        "laws": "Законы",
        "document_type": "Тип документа",
        "doc_privacy_policy": "политика конфиденциальности",
        "doc_consent": "согласие на обработку персональных данных",
        "doc_terms": "пользовательское соглашение или оферта",
        "policy_warnings": "Предупреждения",
        "edition": "Редакция",
        "invalid_check_digit": "не проходит проверку",
        "score_fallback": "Баллы вычислены отчётом по находкам тем же правилом, что и в анализе.",
        "score_rule": "Баллы: 100 минус {points} за каждую находку (высокая, средняя, низкая, справочная серьёзность), "
                      "но не меньше 0; 100 — ничего не найдено. Сайты с наименьшими баллами стоят первыми.",
    },
    "en": {
        "report_title": "Website privacy report",
        "summary": "Summary",
        "crawl": "Crawl",
        "crawl_mode": "Mode",
        "started": "Started",
        "finished": "Finished",
        "tool_version": "kzprivacy version",
        "sites_scanned": "Sites in the crawl",
        "sites_reached": "Reached",
        "sites_with_policy": "With a policy",
        "sites_with_findings": "With findings",
        "pages_fetched": "Pages fetched",
        "third_party_services": "Third-party services",
        "site_statuses": "Site statuses",
        "verdicts": "Verdicts",
        "verdict": "Verdict",
        "rules": "Rules found most often",
        "rule": "Rule",
        "services_top": "Most common third-party services",
        "countries": "Countries of the third-party services' companies",
        "country": "Country",
        "company": "Company",
        "service": "Service",
        "category": "Category",
        "sites": "Sites",
        "count": "Count",
        "findings": "Findings",
        "findings_count": "Findings",
        "ranking": "Sites by score",
        "score": "Score",
        "site": "Site",
        "status": "Status",
        "policy": "Policy",
        "yes": "yes",
        "no": "no",
        "none": "none",
        "unknown": "unknown",
        "high": "high",
        "medium": "medium",
        "low": "low",
        "info": "info",
        "severity": "Severity",
        "manual_review": "needs manual review",
        "manual_review_short": "manual review",
        "chart_as_table": "The same data as a table",
        "no_findings": "No findings.",
        "no_findings_yet": "The findings table is empty: the policy has not yet been compared with the "
                           "observations for this crawl.",
        "no_data": "No data.",
        "reach": "Reach",
        "start_url": "Start URL",
        "final_url": "Final URL",
        "https": "HTTPS",
        "redirects": "Redirects",
        "error": "Error",
        "policies_found": "Policies found",
        "policy_section": "Privacy policy",
        "no_policy_found": "No privacy policy was found.",
        "policy_url": "Policy URL",
        "language": "Language",
        "format": "Format",
        "found_via": "Found via",
        "link_text": "Link text",
        "title": "Title",
        "chars": "Characters",
        "policy_status": "Document status",
        "excerpt": "Excerpts with the supporting sentences",
        "excerpt_start": "Beginning of the text",
        "full_text": "Full text of the policy",
        "text_cut": "Text shortened to {n} characters; the full text is in the policies export.",
        "declarations": "What the policy declares",
        "declared": "declared",
        "denied": "denied",
        "evidence": "Evidence",
        "other_candidates": "Other candidate documents",
        "observed": "What was observed on the site",
        "cookies": "Cookies",
        "cookie": "Cookie",
        "name": "Name",
        "domain": "Domain",
        "party": "Party",
        "first": "first",
        "third": "third",
        "expires": "Expires",
        "flags": "Flags",
        "set_by": "Set by",
        "header": "header",
        "script": "script",
        "resources": "Resources",
        "example_url": "Example URL",
        "host": "Host",
        "forms": "Forms",
        "form": "Form",
        "action": "Sends to",
        "method": "Method",
        "consent_checkbox": "Consent checkbox",
        "policy_link_near": "Policy link nearby",
        "fields": "Fields",
        "field_type": "Type",
        "label": "Label",
        "required": "Required",
        "page": "Page",
        "observed_side": "Observed",
        "policy_side": "What the policy says",
        "explanation": "Explanation",
        "no_policy_sentence": "No matching sentence in the policy.",
        "seen_on_pages": "The same finding on {n} pages",
        "form_sent_to": "Where the data really go (the form submitted in the browser with test values; no request left the browser)",
        "see_in_text": "in the policy text",
        "evidence_records": "Evidence (WARC records)",
        "evidence_note": "Each observation points to the WARC record that keeps the server's response. SHA-256 is "
                         "the hash of the response body; the file and offset locate the record in the crawl's archive.",
        "url": "URL",
        "fetched_at": "Time (UTC)",
        "status_code": "Code",
        "warc_record": "WARC record",
        "warc_file": "WARC file",
        "offset": "Offset",
        "kind": "Kind",
        "screenshot": "Screenshot",
        "no_screenshot_http": "Screenshots are taken in browser mode only.",
        "no_screenshot": "No screenshot was kept.",
        "back_to_summary": "← Back to the summary",
        "generated": "Generated",
        "changes": "What changed since the last crawl",
        "changes_vs": "Compared with crawl {crawl}",
        "first_crawl": "This is the first crawl in the database: nothing to compare with.",
        "no_changes": "No changes.",
        "sites_added": "Sites added to the crawl",
        "sites_removed": "Sites removed from the crawl",
        "status_changes": "Status changed",
        "policies_changed": "Policy text changed",
        "policies_appeared": "Policy appeared",
        "policies_disappeared": "Policy disappeared",
        "services_added": "Third-party services added",
        "services_removed": "Third-party services removed",
        "findings_new": "New findings",
        "findings_resolved": "Resolved findings",
        "lines_added": "lines added",
        "lines_removed": "lines removed",
        "diff_scope": "Policies, services and findings are compared only for sites reached in both crawls.",
        "was": "was",
        "now": "now",
        "moved_to": "new URL",
        "mode_http": "HTTP (scripts not run)",
        "mode_browser": "browser",
        "lang_name": "English",
        "charts_note": "Charts are drawn from this crawl; each comes with the same numbers as a table.",
        "all_sites": "All sites",
        "findings_by_severity": "Findings by severity",
        "offline_note": "This report is a static file: it opens with no server and no network.",
        "pdf_page": "Page",
        "pdf_of": "of",
        "storage": "Local storage",
        "key": "Key",
        "origin": "Origin",
        "no_policy_site": "no policy",
        "inline_trackers": "Counters in inline code",
        "tracker_id": "Tracker id",
        "sources": "Seen as",
        "source_request": "request",
        "source_inline": "inline code",
        "source_cookie": "cookie",
        "pages": "Pages",
        "evidence_ref": "evidence",
        "n_more": "and {n} more",
        "flows": "All observed data flows and their verdicts",
        "session": "session",
        "consent_banner": "Cookie banner",
        "consent_accepted": "consent accepted",
        "consent_no_banner": "no banner",
        "consent_click_failed": "the accept button could not be clicked",
        "operator": "Operator",
        "bin": "BIN",
        "contacts": "Contacts",
        "laws": "Laws cited",
        "document_type": "Document type",
        "doc_privacy_policy": "privacy policy",
        "doc_consent": "consent to the processing of personal data",
        "doc_terms": "terms of use or public offer",
        "policy_warnings": "Warnings",
        "edition": "Edition",
        "invalid_check_digit": "fails the check digit",
        "score_fallback": "Scores were computed by the report from the findings, with the analysis's rule.",
        "score_rule": "Score: 100 minus {points} per finding (high, medium, low, info severity), never below 0; "
                      "100 means nothing was found. Sites with the lowest scores come first.",
    },
    # Kazakh: the interface; taxonomy meanings and rule explanations fall back to Russian.
    "kk": {
        "report_title": "Сайттардың құпиялылығы туралы есеп",
        "document_type": "Құжат түрі",
        "doc_privacy_policy": "құпиялылық саясаты",
        "doc_consent": "дербес деректерді өңдеуге келісім",
        "doc_terms": "пайдаланушы келісімі немесе оферта",
        "summary": "Жиынтық",
        "crawl": "Тексеру",
        "crawl_mode": "Режим",
        "started": "Басталды",
        "finished": "Аяқталды",
        "sites_scanned": "Тексерілген сайттар",
        "sites_reached": "Қолжетімді",
        "sites_with_policy": "Саясаты бар",
        "sites_with_findings": "Бұзушылықтары бар",
        "pages_fetched": "Жүктелген беттер",
        "third_party_services": "Үшінші тарап қызметтері",
        "site_statuses": "Сайттардың күйі",
        "verdicts": "Қорытындылар",
        "verdict": "Қорытынды",
        "rule": "Ереже",
        "country": "Ел",
        "company": "Компания",
        "service": "Қызмет",
        "category": "Санат",
        "sites": "Сайттар",
        "count": "Саны",
        "findings": "Анықталғандар",
        "score": "Ұпай",
        "site": "Сайт",
        "status": "Күйі",
        "policy": "Саясат",
        "yes": "иә",
        "no": "жоқ",
        "none": "жоқ",
        "high": "жоғары",
        "medium": "орташа",
        "low": "төмен",
        "info": "анықтама",
        "severity": "Маңыздылығы",
        "policy_section": "Құпиялылық саясаты",
        "no_policy_found": "Құпиялылық саясаты табылмады.",
        "language": "Тіл",
        "declared": "мәлімделген",
        "denied": "жоққа шығарылған",
        "evidence": "Дәлел",
        "cookies": "Cookie файлдары",
        "forms": "Нысандар",
        "form": "Нысан",
        "fields": "Өрістер",
        "page": "Бет",
        "explanation": "Түсініктеме",
        "back_to_summary": "← Жиынтыққа оралу",
        "generated": "Жасалды",
        "lang_name": "Қазақша",
        "tool_version": "kzprivacy нұсқасы",
        "findings_count": "Анықталғандар",
        "ranking": "Сайттар ұпай бойынша",
        "manual_review": "қолмен тексеру қажет",
        "manual_review_short": "қолмен тексеру",
        "no_policy_site": "саясат жоқ",
        "chart_as_table": "Сол деректер кесте түрінде",
        "charts_note": "Диаграммалар осы тексеру деректерінен құрылған; әрқайсысының қасында сол сандар кесте түрінде.",
        "rules": "Жиі іске қосылған ережелер",
        "services_top": "Ең жиі кездесетін үшінші тарап қызметтері",
        "countries": "Үшінші тарап қызметтері компанияларының елдері",
        "mode_http": "HTTP (скрипттер орындалмайды)",
        "mode_browser": "браузер",
        "score_rule": "Ұпай: әр анықталған жағдай үшін 100-ден {points} шегеріледі (жоғары, орташа, төмен, "
                      "анықтамалық маңыздылық), бірақ 0-ден кем емес; 100 — ештеңе табылмады. Ұпайы ең төмен "
                      "сайттар бірінші тұрады.",
        "no_findings": "Ештеңе табылмады.",
        "no_data": "Деректер жоқ.",
        "unknown": "белгісіз",
        "reach": "Қолжетімділік",
        "final_url": "Соңғы мекенжай",
        "error": "Қате",
        "policy_url": "Саясат мекенжайы",
        "title": "Тақырып",
        "format": "Формат",
        "found_via": "Қалай табылды",
        "excerpt": "Дәлел сөйлемдері бар үзінділер",
        "full_text": "Саясаттың толық мәтіні",
        "declarations": "Саясат не мәлімдейді",
        "observed": "Сайтта не байқалды",
        "name": "Атауы",
        "domain": "Домен",
        "party": "Тарап",
        "first": "бірінші",
        "third": "үшінші",
        "observed_side": "Не байқалды",
        "policy_side": "Саясатта не айтылған",
        "no_policy_sentence": "Саясатта сәйкес сөйлем жоқ.",
        "seen_on_pages": "Дәл осы табылым {n} бетте",
        "form_sent_to": "Деректер шын мәнінде қайда кетеді (нысан браузерде сынақ мәндерімен жіберілді; бірде-бір сұрау браузерден шықпады)",
        "see_in_text": "саясат мәтінінде",
        "evidence_records": "Дәлелдер (WARC жазбалары)",
        "url": "Мекенжай",
        "fetched_at": "Уақыты (UTC)",
        "screenshot": "Экран суреті",
        "no_screenshot_http": "Экран суреттері тек браузер режимінде түсіріледі.",
        "changes": "Өткен тексеруден бері не өзгерді",
        "changes_vs": "{crawl} тексеруімен салыстырғанда",
        "first_crawl": "Бұл дерекқордағы бірінші тексеру: салыстыратын ештеңе жоқ.",
        "no_changes": "Өзгеріс жоқ.",
        "policies_changed": "Саясат мәтіні өзгерді",
        "policies_appeared": "Саясат пайда болды",
        "policies_disappeared": "Саясат жоғалды",
        "services_added": "Жаңа үшінші тарап қызметтері",
        "services_removed": "Алынып тасталған үшінші тарап қызметтері",
        "findings_new": "Жаңа анықталғандар",
        "findings_resolved": "Жойылған бұзушылықтар",
        "status_changes": "Күйі өзгерді",
        "offline_note": "Есеп — статикалық файл: сервер мен желісіз ашылады.",
        "pdf_page": "Бет",
        "pdf_of": "/",
        "chars": "Таңба",
        "flows": "Барлық байқалған деректер ағындары және олардың бағасы",
        "sites_added": "Тексеруге қосылған сайттар",
        "sites_removed": "Тексеруден алынған сайттар",
    },
}

SEVERITY_KEYS = ("high", "medium", "low", "info")


# Short status names for badges and tables.
SITE_STATUS_SHORT: dict[str, dict[str, str]] = {
    "ru": {"ok": "доступен", "pending": "не обойдён", "dns_error": "нет DNS", "timeout": "таймаут",
           "tls_error": "ошибка TLS", "http_error": "ошибка HTTP", "robots_blocked": "запрет robots.txt",
           "refused": "отказ в соединении", "blocked_private_address": "частный адрес",
           "redirect_loop": "цикл перенаправлений", "too_large": "слишком большой", "parse_timeout": "не разобрана вовремя", "proxy_error": "ошибка прокси",
           "invalid": "неверный домен", "error": "ошибка", "browser_hung": "браузер завис",
           "browser_crash": "сбой браузера"},
    "en": {"ok": "reached", "pending": "not crawled", "dns_error": "DNS error", "timeout": "timeout",
           "tls_error": "TLS error", "http_error": "HTTP error", "robots_blocked": "robots.txt forbids",
           "refused": "refused", "blocked_private_address": "private address", "redirect_loop": "redirect loop",
           "too_large": "too large", "parse_timeout": "parse timed out", "proxy_error": "proxy error", "invalid": "invalid domain", "error": "error",
           "browser_hung": "browser hung", "browser_crash": "browser crashed"},
    "kk": {"ok": "қолжетімді", "dns_error": "DNS қатесі", "timeout": "жауап жоқ", "tls_error": "TLS қатесі",
           "http_error": "HTTP қатесі", "robots_blocked": "robots.txt тыйым салады", "refused": "қосылудан бас тартты",
           "redirect_loop": "қайта бағыттау циклі", "too_large": "тым үлкен", "parse_timeout": "уақытында талданбады", "invalid": "жарамсыз домен"},
}

VERDICT_SHORT: dict[str, dict[str, str]] = {
    "ru": {"clear": "ясно", "vague": "размыто", "omitted": "не упомянуто", "incorrect": "противоречит политике",
           "ambiguous": "двусмысленно", "no_policy": "нет политики", "bad_practice": "плохая практика"},
    "en": {"clear": "clear", "vague": "vague", "omitted": "omitted", "incorrect": "incorrect",
           "ambiguous": "ambiguous", "no_policy": "no policy", "bad_practice": "bad practice"},
    "kk": {"clear": "анық", "vague": "бұлыңғыр", "omitted": "айтылмаған", "incorrect": "саясатқа қайшы",
           "ambiguous": "екіұшты", "no_policy": "саясат жоқ", "bad_practice": "жаман тәжірибе"},
}

# What the policy does about an observed flow, as the end of an explanation.
VERDICT_SENTENCE: dict[str, dict[str, str]] = {
    "ru": {
        "clear": "Политика прямо это называет.",
        "vague": "Политика покрывает это лишь общей формулировкой, не называя прямо.",
        "omitted": "Политика об этом ничего не говорит.",
        "incorrect": "Политика это отрицает.",
        "ambiguous": "Политика это одновременно заявляет и отрицает.",
        "no_policy": "Политика конфиденциальности на сайте не найдена.",
        "bad_practice": "Это плохая практика обращения с персональными данными.",
    },
    "en": {
        "clear": "The policy names it.",
        "vague": "The policy covers it only with a broader statement.",
        "omitted": "The policy says nothing about it.",
        "incorrect": "The policy denies it.",
        "ambiguous": "The policy both declares and denies it.",
        "no_policy": "No privacy policy was found on the site.",
        "bad_practice": "This is a bad practice in handling personal data.",
    },
}

COUNTRY_NAMES: dict[str, dict[str, str]] = {
    "ru": {"KZ": "Казахстан", "RU": "Россия", "US": "США", "DE": "Германия", "FR": "Франция", "GB": "Великобритания",
           "IL": "Израиль", "CA": "Канада", "CZ": "Чехия", "DK": "Дания", "NZ": "Новая Зеландия",
           "SG": "Сингапур", "AE": "ОАЭ", "EE": "Эстония", "ES": "Испания", "IN": "Индия", "IT": "Италия",
           "LU": "Люксембург", "MT": "Мальта", "PL": "Польша", "SI": "Словения", "VG": "Британские Виргинские острова",
           "CN": "Китай", "NL": "Нидерланды", "IE": "Ирландия", "UZ": "Узбекистан", "KG": "Кыргызстан",
           "BY": "Беларусь", "UA": "Украина", "TR": "Турция", "FI": "Финляндия", "SE": "Швеция", "CH": "Швейцария"},
    "kk": {"KZ": "Қазақстан", "RU": "Ресей", "US": "АҚШ", "DE": "Германия", "GB": "Ұлыбритания",
           "CN": "Қытай", "FR": "Франция"},
}

LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "ru": {"ru": "русский", "kk": "казахский", "en": "английский", "mixed": "смешанный", "unknown": "не определён"},
    "en": {"ru": "Russian", "kk": "Kazakh", "en": "English", "mixed": "mixed", "unknown": "unknown"},
    "kk": {"ru": "орыс тілі", "kk": "қазақ тілі", "en": "ағылшын тілі", "mixed": "аралас"},
}

# Short names of the rules for tables and headings (the full sentences are the analysis's templates).
RULE_TITLES: dict[str, dict[str, str]] = {
    "FLOW-UNDECLARED": {"ru": "Сбор данных, о котором политика молчит", "en": "Collection the policy does not mention"},
    "FLOW-VAGUE": {"ru": "Политика говорит о сборе лишь в общих словах", "en": "Policy mentions it only in general terms"},
    "FLOW-DENIED": {"ru": "Политика отрицает то, что сайт делает", "en": "Policy denies what the site does"},
    "FLOW-CONTRADICTORY": {"ru": "Политика противоречит сама себе", "en": "Policy contradicts itself"},
    "VENDOR-UNNAMED": {"ru": "Сторонняя компания не названа", "en": "Third-party company not named"},
    "KZ-IIN-UNDECLARED": {"ru": "Сбор ИИН не заявлен", "en": "IIN collected, not declared"},
    "KZ-FOREIGN-TRACKER-VS-STORAGE-IN-KZ": {"ru": "Зарубежный трекер при заявленном хранении в РК",
                                            "en": "Foreign tracker despite 'stored in Kazakhstan'"},
    "KZ-FOREIGN-TRANSFER-UNDECLARED": {"ru": "Трансграничная передача не заявлена",
                                       "en": "Cross-border transfer not declared"},
    "KZ-NO-POLICY": {"ru": "Данные собираются, политики нет", "en": "Personal data collected, no policy"},
    "KZ-POLICY-UNREADABLE": {"ru": "Политику невозможно прочитать", "en": "Policy cannot be read"},
    "KZ-POLICY-NOT-LINKED": {"ru": "Политика упомянута, но не опубликована", "en": "Policy named, not published"},
    "KZ-CONSENT-WITHOUT-POLICY": {"ru": "Есть согласие, нет политики", "en": "Consent text, no policy"},
    "KZ-FORM-NO-CONSENT": {"ru": "Форма без согласия и ссылки на политику", "en": "Form without consent or policy link"},
    "KZ-FORM-PLAIN-HTTP": {"ru": "Форма отправляет данные по HTTP", "en": "Form sends data over plain HTTP"},
    "KZ-TRACKING-BEFORE-CONSENT": {"ru": "Отслеживание до согласия", "en": "Tracking before consent"},
    "POLICY-FOREIGN-LAW": {"ru": "Ссылка на иностранное право", "en": "Cites foreign law"},
    "POLICY-NO-KZ-LAW": {"ru": "Нет ссылки на Закон РК о персональных данных", "en": "Kazakhstan data law not cited"},
    "POLICY-TEMPLATE-PLACEHOLDER": {"ru": "Незаполненный шаблон", "en": "Unfilled template"},
    "POLICY-NO-OPERATOR": {"ru": "Оператор не назван", "en": "Operator not named"},
    "POLICY-INVALID-BIN": {"ru": "Неверный БИН/ИИН", "en": "Invalid BIN/IIN"},
    "POLICY-EMPTY-CONTACT": {"ru": "Пустой контакт", "en": "Empty contact"},
    "POLICY-SHORT": {"ru": "Короткая политика без обязательных сведений", "en": "Short policy lacking required content"},
    "POLICY-UNLIMITED-RETENTION": {"ru": "Бессрочное хранение", "en": "Unlimited retention"},
    "POLICY-LANGUAGE-VERSION-GAP": {"ru": "Языковая версия политики говорит меньше другой",
                                    "en": "A language version of the policy says less"},
}


def _analysis_rules() -> dict[str, dict[str, str]]:
    """The analysis's rule templates (analysis/rules.py), the one place rules are defined."""
    try:
        from kzprivacy.analysis.rules import RULES
    except ImportError:  # a report of an older database without the analysis package still renders
        return {}
    return {code: {"ru": rule.ru, "en": rule.en} for code, rule in RULES.items()}


# Rule code -> language -> explanation template. Kazakh falls back to Russian.
RULE_EXPLANATIONS: dict[str, dict[str, str]] = _analysis_rules()


def _first(*values: Any) -> str:
    for value in values:
        if isinstance(value, str) and value:
            return value
    return ""


class _Blank(dict):
    """format_map source that leaves unknown placeholders visible instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class Lang:
    """One language's lookups, handed to the templates as `t`, `cat`, `verdict_name` and so on."""

    code: str

    def __post_init__(self) -> None:
        if self.code not in LANGUAGES:
            raise ValueError(f"unknown report language {self.code!r}; use one of {', '.join(LANGUAGES)}")

    def _chain(self) -> tuple[str, ...]:
        chain = [self.code]
        while (nxt := FALLBACK.get(chain[-1])) and nxt not in chain:
            chain.append(nxt)
        return tuple(chain)

    def __call__(self, key: str, **values: Any) -> str:
        for code in self._chain():
            text = UI.get(code, {}).get(key)
            if text is not None:
                return text.format(**values) if values else text
        return key

    def _pick(self, table: Mapping[str, Mapping[str, str]], key: Any) -> str | None:
        for code in self._chain():
            text = table.get(code, {}).get(key)
            if text:
                return text
        return None

    def category(self, code: Any) -> str:
        """A taxonomy category's meaning; unknown codes (tracker categories, say) are shown as they are."""
        if not isinstance(code, str) or not code:
            return "—"
        if code in CATEGORIES:
            en, ru = CATEGORIES[code]
            return en if self.code == "en" else ru
        return code.replace("_", " ")

    def verdict(self, code: Any) -> str:
        if not isinstance(code, str):
            return "—"
        return self._pick(VERDICT_SHORT, code) or code

    def verdict_meaning(self, code: Any) -> str:
        if not isinstance(code, str) or code not in VERDICTS:
            return ""
        en, ru = VERDICTS[code]
        return en if self.code == "en" else ru

    def severity(self, code: Any) -> str:
        return self(code) if code in SEVERITY_KEYS else (code if isinstance(code, str) else "—")

    def status(self, code: Any) -> str:
        if not isinstance(code, str):
            return "—"
        return self._pick(SITE_STATUS_SHORT, code) or code

    def status_meaning(self, code: Any) -> str:
        if not isinstance(code, str):
            return ""
        if self.code == "en":
            return SITE_STATUSES.get(code, "")
        return SITE_STATUSES_RU.get(code) or SITE_STATUSES.get(code, "")

    def country(self, code: Any) -> str:
        if not isinstance(code, str) or not code:
            return self("unknown")
        name = self._pick(COUNTRY_NAMES, code) if self.code != "en" else None
        return name or _iso_name(code) or code

    def language(self, code: Any) -> str:
        if not isinstance(code, str) or not code:
            return "—"
        return self._pick(LANGUAGE_NAMES, code) or code

    def explain(self, finding: Mapping[str, Any]) -> str:
        """The explanation of a finding in this language: the rule's template, else what the analysis stored."""
        stored = _first(finding.get("explanation"))
        template = rule_template(finding.get("rule") or "", self.code)
        if template is None:
            return stored or self._pick(VERDICT_SENTENCE, finding.get("verdict")) or ""
        category = finding.get("category")
        meanings = CATEGORIES.get(category, (category or "", category or "")) if isinstance(category, str) \
            else ("", "")
        values = _Blank(category=meanings[0], category_ru=meanings[1], observed=_first(finding.get("observed")))
        country = _service_country(finding.get("service_id"))
        if country:
            values["country"] = self.country(country)
        text = template.format_map(values)
        if "{" in text and stored:  # a value the template needs is not in the row: keep the analysis's sentence
            return stored
        return text

    def rule_title(self, code: Any) -> str:
        if not isinstance(code, str):
            return "—"
        return self._pick(RULE_TITLES_BY_LANG, code) or code


RULE_TITLES_BY_LANG: dict[str, dict[str, str]] = {
    lang: {code: titles[lang] for code, titles in RULE_TITLES.items() if lang in titles} for lang in ("ru", "en")
}


def rule_template(rule: str, lang: str) -> str | None:
    """The explanation template of a rule code in a language (Kazakh falls back to Russian), or None."""
    entry = RULE_EXPLANATIONS.get(rule) if rule else None
    if not entry:
        return None
    return entry.get(lang) or entry.get("ru") or entry.get("en")


@lru_cache(maxsize=None)
def _service_country(service_id: Any) -> str | None:
    if not isinstance(service_id, str) or not service_id:
        return None
    try:
        from kzprivacy.vocabulary import trackers
        return trackers.get(service_id).country
    except (ImportError, KeyError):
        return None


@lru_cache(maxsize=1)
def _iso_names() -> dict[str, str]:
    from kzprivacy.vocabulary.trackers._model import iso_countries

    return iso_countries()


def _iso_name(code: str) -> str | None:
    return _iso_names().get(code)

"""Synthetic sites for benchmarks: gen-00001-demo.kz, gen-00002-demo.kz, ...

Each is built on the fly from its number (deterministic, nothing stored): a home
page with a few links and two third-party scripts, an about page, a contact form
and a privacy policy assembled from clause variants. Every fifth site's policy
leaves out cookies, so a benchmark over them also produces findings. The spec has
the same shape as a site.yaml, `expect:` included.
"""

from __future__ import annotations

import html
import random
import re
from typing import Any

from .bin import check_digit

GENERATED_HOST = re.compile(r"gen-(\d{5})-demo\.kz")

_TRADES = [
    ("Стройматериалы", "продажа строительных материалов"),
    ("Цветочная лавка", "доставка цветов по городу"),
    ("Автозапчасти", "подбор и продажа автозапчастей"),
    ("Языковая школа", "курсы казахского и английского языков"),
    ("Мебельный цех", "изготовление мебели на заказ"),
    ("Туристическое агентство", "подбор туров по Казахстану"),
    ("Ремонт техники", "ремонт бытовой техники на дому"),
    ("Фитнес-клуб", "групповые и персональные тренировки"),
]
_CITIES = ["Алматы", "Астана", "Шымкент", "Караганда", "Актобе", "Павлодар", "Усть-Каменогорск", "Атырау"]

_PURPOSE_VARIANTS = [
    "Данные используются, чтобы связаться с Пользователем по его заявке, оформить и исполнить заказ.",
    "Сведения нужны Оператору для ответа на обращение, оформления договора и информирования о статусе заказа.",
    "Оператор обрабатывает данные только для обратной связи, исполнения заказа и ведения учёта обращений.",
]
_RETENTION_VARIANTS = [
    "Данные хранятся не дольше трёх лет с момента последнего обращения Пользователя, после чего уничтожаются.",
    "Срок хранения данных составляет один год после исполнения заказа, если закон не требует иного срока.",
]
_RIGHTS_VARIANTS = [
    "Пользователь вправе запросить сведения о своих данных, потребовать их исправления или удаления"
    " и отозвать согласие.",
    "Субъект данных может в любой момент получить доступ к своим данным, изменить их, заблокировать"
    " или отозвать согласие на обработку.",
]


def _bin(index: int) -> str:
    # Fictional BINs: prefix 98, the site's number, and a valid check digit.
    for extra in range(10):
        first11 = f"98{(index * 10 + extra) % 10**9:09d}"
        digit = check_digit(first11)
        if digit is not None:
            return first11 + str(digit)
    raise AssertionError("no valid BIN")  # pragma: no cover


def _trackers(index: int, origin: str) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """(HTML for <head>, expected requests, expected inline trackers, vendor names for the policy)."""
    counter = 90000000 + index
    page = origin + "/"
    head = (
        '<script async src="https://mc.yandex.ru/metrika/tag.js"></script>\n'
        "<script>window.ym = window.ym || function () { (ym.a = ym.a || []).push(arguments); };\n"
        f'ym({counter}, "init", {{ clickmap: true, trackLinks: true }});</script>\n'
    )
    requests = [{"url": "https://mc.yandex.ru/metrika/tag.js", "host": "mc.yandex.ru", "resource_type": "script",
                 "vendor": "yandex_metrica", "page": page, "source": "tag"}]
    inline = [{"vendor": "yandex_metrica", "id": str(counter), "page": page}]
    named = ["Яндекс.Метрика"]
    choice = index % 3
    if choice == 0:
        ga = f"G-GEN{index:05d}"
        head += (
            f'<script async src="https://www.googletagmanager.com/gtag/js?id={ga}"></script>\n'
            "<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);}\n"
            f"gtag('js', new Date()); gtag('config', '{ga}');</script>\n"
        )
        requests.append({"url": f"https://www.googletagmanager.com/gtag/js?id={ga}", "host": "www.googletagmanager.com",
                         "resource_type": "script", "vendor": "google_analytics", "page": page, "source": "tag"})
        inline.append({"vendor": "google_analytics", "id": ga, "page": page})
        named.append("Google Analytics")
    elif choice == 1:
        widget = f"GEN{index:05d}"
        head += f'<script src="//code.jivosite.com/widget/{widget}" async></script>\n'
        requests.append({"url": f"https://code.jivosite.com/widget/{widget}", "host": "code.jivosite.com",
                         "resource_type": "script", "vendor": "jivo", "page": page, "source": "tag"})
        inline.append({"vendor": "jivo", "id": widget, "page": page})
        named.append("онлайн-чат Jivo")
    else:
        url = "https://fonts.googleapis.com/css2?family=Roboto:wght@400;700&display=swap"
        head += f'<link rel="stylesheet" href="{html.escape(url)}">\n'
        requests.append({"url": url, "host": "fonts.googleapis.com", "resource_type": "stylesheet",
                         "vendor": "google_fonts", "page": page, "source": "tag"})
        named.append("шрифты Google Fonts")
    return head, requests, inline, named


def _page(title: str, head: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"ru\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)}</title>\n{head}</head>\n<body>\n{body}\n"
        "<footer><p><a href=\"/privacy\">Политика конфиденциальности</a> · <a href=\"/contacts\">Контакты</a>"
        "</p></footer>\n"
        "</body>\n</html>\n"
    )


def generated_site(index: int) -> dict[str, Any]:
    """The spec (site.yaml shape, routes with inline bodies) of generated site number `index`."""
    if not 1 <= index <= 99999:
        raise ValueError("generated sites are numbered 1..99999")
    rng = random.Random(index)
    domain = f"gen-{index:05d}-demo.kz"
    origin = f"https://{domain}"
    trade, activity = _TRADES[rng.randrange(len(_TRADES))]
    city = _CITIES[rng.randrange(len(_CITIES))]
    operator = f"ТОО «Ген-{index:05d} Демо»"
    bin_number = _bin(index)
    email = f"privacy@{domain}"
    head, requests, inline, named = _trackers(index, origin)
    mentions_cookies = index % 5 != 0

    home = _page(
        f"{trade} — {domain}", head,
        f"<header><nav><a href=\"/\">Главная</a> <a href=\"/about\">О компании</a> "
        f"<a href=\"/contacts\">Контакты</a></nav></header>\n"
        f"<main><h1>{trade} в городе {city}</h1>\n<p>{operator}: {activity}. Оставьте заявку на странице "
        f"<a href=\"/contacts\">контактов</a>, и менеджер перезвонит.</p></main>",
    )
    about = _page(
        f"О компании — {domain}", "",
        f"<main><h1>О компании</h1><p>{operator} работает в городе {city} и занимается направлением"
        f" «{activity}».</p></main>",
    )
    contacts = _page(
        f"Контакты — {domain}", "",
        "<main><h1>Оставить заявку</h1>\n"
        "<form action=\"/contacts/send\" method=\"post\">\n"
        "<label>ФИО <input type=\"text\" name=\"fio\" required></label>\n"
        "<label>Телефон <input type=\"tel\" name=\"phone\" placeholder=\"+7 (___) ___-__-__\" required></label>\n"
        "<label>E-mail <input type=\"email\" name=\"email\"></label>\n"
        "<label><input type=\"checkbox\" name=\"consent\" required> Согласен на обработку персональных данных "
        "в соответствии с <a href=\"/privacy\">Политикой конфиденциальности</a></label>\n"
        "<button type=\"submit\">Отправить</button>\n</form></main>",
    )
    clauses = [
        "<h1>Политика конфиденциальности</h1>",
        f"<p>Настоящая Политика определяет, как {operator} (БИН {bin_number}, г. {city}), далее — Оператор, "
        f"обрабатывает персональные данные посетителей сайта {domain} в соответствии с Законом Республики Казахстан "
        "«О персональных данных и их защите».</p>",
        "<h2>1. Какие данные мы получаем</h2>",
        "<p>Через форму заявки Оператор получает:</p><ul><li>фамилию, имя и отчество;</li>"
        "<li>номер телефона;</li><li>адрес электронной почты.</li></ul>",
        f"<h2>2. Цели обработки</h2><p>{rng.choice(_PURPOSE_VARIANTS)}</p>",
    ]
    if mentions_cookies:
        clauses.append(
            "<h2>3. Файлы cookie и аналитика</h2><p>Сайт использует файлы cookie и сервисы веб-аналитики ("
            + ", ".join(named)
            + "), которые получают IP-адрес, сведения о браузере и устройстве и о просмотренных страницах. "
            "Эти сервисы могут обрабатывать данные за пределами Республики Казахстан; пользуясь сайтом, "
            "Пользователь соглашается на такую трансграничную передачу.</p>"
        )
    else:
        clauses.append(
            "<h2>3. Аналитика</h2><p>Для подсчёта посещений подключены сервисы ("
            + ", ".join(named)
            + "), получающие IP-адрес, сведения о браузере и устройстве и о просмотренных страницах; "
            "они могут обрабатывать данные за пределами Республики Казахстан, на что Пользователь соглашается.</p>"
        )
    clauses += [
        f"<h2>4. Хранение</h2><p>{rng.choice(_RETENTION_VARIANTS)}</p>",
        f"<h2>5. Права Пользователя</h2><p>{rng.choice(_RIGHTS_VARIANTS)} Обращения принимаются по адресу {email}.</p>",
    ]
    policy = _page(f"Политика конфиденциальности — {domain}", "", "<main>\n" + "\n".join(clauses) + "\n</main>")

    matches = ["name", "phone", "email", "analytics", "cross_border_transfer", "retention", "user_rights",
               "contact", "operator_identity", "law_reference"]
    mismatches: list[dict[str, Any]] = []
    if mentions_cookies:
        matches.append("cookies")
    else:
        mismatches.append({"category": "cookies", "verdict": "omitted",
                           "note": "the server sets a session cookie; the policy never mentions cookies"})
    return {
        "domain": domain,
        "title": f"{trade} (generated #{index})",
        "description": "Generated benchmark site: home, about, contact form, policy, two third-party services.",
        "operator": {"name": operator, "bin": bin_number, "bin_valid": True},
        "routes": {
            "/": {"body": home, "set_cookies": [f"sid=gen{index:05d}; Path=/; HttpOnly; SameSite=Lax"]},
            "/about": {"body": about},
            "/contacts": {"body": contacts},
            "/privacy": {"body": policy},
        },
        "expect": {
            "status": "ok",
            "https": True,
            "final_url": origin + "/",
            "policy": {"url": origin + "/privacy", "format": "html", "language": "ru",
                       "found_via": "footer_link", "link_text": "Политика конфиденциальности"},
            "cookies": [{"name": "sid", "domain": domain, "set_by": "header", "vendor": None,
                         "page": origin + "/", "party": "first"}],
            "requests": requests,
            "inline_trackers": inline,
            "forms": [{
                "page": origin + "/contacts", "method": "post", "action": origin + "/contacts/send",
                "has_consent_checkbox": True, "policy_link_near": True,
                "fields": [
                    {"name": "fio", "type": "text", "category": "name"},
                    {"name": "phone", "type": "tel", "category": "phone"},
                    {"name": "email", "type": "email", "category": "email"},
                    {"name": "consent", "type": "checkbox", "category": None},
                ],
            }],
            "mismatches": mismatches,
            "matches": matches,
        },
    }

"""The comparison's rules: stable codes, severities, and the sentence a regulator reads, in Russian and English.

A rule code never changes meaning once published: reports, datasets and weekly
diffs join on it. Explanations are templates filled with what was observed.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Rule", "RULES", "SEVERITY_POINTS", "POLICY_SIDES", "score", "explain", "policy_statement"]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str          # high | medium | low | info
    verdict: str | None    # the verdict it always gives, or None when the flow's verdict is used
    en: str
    ru: str
    manual_review: bool = False
    # The policy's side of the finding: the categories whose sentence bears on it (the first one the policy
    # declares is quoted); empty: the finding's own category. `policy_side` fixes the side for a rule whose
    # finding does not depend on any policy ("not_applicable").
    policy_topics: tuple[str, ...] = ()
    policy_side: str | None = None


_RULES = [
    # -- flows judged against the policy (verdict from the comparison) --------------------------
    Rule("FLOW-UNDECLARED", "medium", None,
         "Seen on the site: {category} — {observed}. The policy says nothing about it.",
         "На сайте обнаружено: {category_ru} — {observed}. Политика об этом ничего не говорит."),
    Rule("FLOW-VAGUE", "low", None,
         "Seen on the site: {category} — {observed}. The policy covers it only in general terms.",
         "На сайте обнаружено: {category_ru} — {observed}. Политика упоминает это лишь в общих словах."),
    Rule("FLOW-DENIED", "high", None,
         "Seen on the site: {category} — {observed}. The policy says this does not happen.",
         "На сайте обнаружено: {category_ru} — {observed}. Политика утверждает, что этого нет."),
    Rule("FLOW-CONTRADICTORY", "medium", None,
         "Seen on the site: {category} — {observed}. The policy both says this happens and that it does not.",
         "На сайте обнаружено: {category_ru} — {observed}. Политика одновременно утверждает и отрицает это."),
    Rule("VENDOR-UNNAMED", "low", "vague",
         "{observed} receives visitors' data; the policy mentions third parties but names neither this "
         "company nor its kind of service.",
         "{observed} получает данные посетителей; политика упоминает третьих лиц, но не называет ни эту "
         "компанию, ни вид сервиса."),
    # -- Kazakhstan-specific rules ----------------------------------------------------------------
    Rule("KZ-IIN-UNDECLARED", "high", None,
         "A form asks for the IIN ({observed}) and the policy does not say that the IIN is collected.",
         "Форма запрашивает ИИН ({observed}), а политика не говорит о сборе ИИН."),
    Rule("KZ-FOREIGN-TRACKER-VS-STORAGE-IN-KZ", "high", "incorrect",
         "The policy says personal data stay in Kazakhstan, yet {observed} loads and sends visitors' data to a "
         "company in {country}. (Where the operator's own database stands cannot be seen from outside: that "
         "part needs manual review.)",
         "Политика утверждает, что данные хранятся в Казахстане, но загружается {observed}, передающий данные "
         "посетителей компании в стране {country}. (Где стоит база данных самого оператора, снаружи не видно: "
         "это требует ручной проверки.)"),
    Rule("KZ-FOREIGN-TRANSFER-UNDECLARED", "medium", "omitted",
         "{observed} sends visitors' data to a company in {country}; the policy says nothing about transfer "
         "abroad.",
         "{observed} передаёт данные посетителей компании в стране {country}; о трансграничной передаче "
         "политика молчит."),
    Rule("KZ-NO-POLICY", "high", "no_policy",
         "The site collects personal data ({observed}) and no privacy policy was found.",
         "Сайт собирает персональные данные ({observed}), а политика конфиденциальности не найдена."),
    Rule("KZ-POLICY-UNREADABLE", "medium", "no_policy",
         "The site links to a privacy policy that cannot be read ({observed}).",
         "Сайт ссылается на политику конфиденциальности, которую невозможно прочитать ({observed}).",
         manual_review=True),
    Rule("KZ-POLICY-NOT-LINKED", "medium", "bad_practice",
         "The site collects personal data and names a privacy policy ({observed}), but publishes no policy "
         "document that could be found: it is not linked, or its link leads nowhere, and the usual addresses "
         "hold none.",
         "Сайт собирает персональные данные и упоминает политику конфиденциальности ({observed}), но документа "
         "политики найти не удалось: ссылки на неё нет или она никуда не ведёт, по типичным адресам её тоже нет.",
         manual_review=True),
    Rule("KZ-CONSENT-WITHOUT-POLICY", "medium", "bad_practice",
         "The site collects personal data and publishes a consent to processing ({observed}), but no privacy "
         "policy was found.",
         "Сайт собирает персональные данные и публикует согласие на обработку ({observed}), но политика "
         "конфиденциальности не найдена."),
    Rule("KZ-FORM-NO-CONSENT", "medium", "bad_practice",
         "A form collecting personal data ({observed}) has neither a consent checkbox nor a link to the policy.",
         "Форма, собирающая персональные данные ({observed}), не содержит ни согласия, ни ссылки на политику.",
         policy_topics=("consent",)),
    Rule("KZ-FORM-PLAIN-HTTP", "high", "bad_practice",
         "A form sends personal data ({observed}) over plain HTTP, unencrypted.",
         "Форма передаёт персональные данные ({observed}) по незашифрованному HTTP.",
         policy_topics=("security",)),
    Rule("KZ-TRACKING-BEFORE-CONSENT", "medium", "bad_practice",
         "A tracking cookie ({observed}) is set before the visitor could consent.",
         "Отслеживающий cookie ({observed}) устанавливается до того, как посетитель мог дать согласие.",
         policy_topics=("cookies", "consent")),
    # -- the policy itself -------------------------------------------------------------------------
    Rule("POLICY-FOREIGN-LAW", "medium", "incorrect",
         "The policy cites foreign law ({observed}) instead of Kazakhstan's Law on Personal Data.",
         "Политика ссылается на иностранное право ({observed}) вместо Закона РК «О персональных данных и их "
         "защите»."),
    Rule("POLICY-NO-KZ-LAW", "low", "omitted",
         "The policy does not cite Kazakhstan's Law on Personal Data and Their Protection.",
         "Политика не ссылается на Закон РК «О персональных данных и их защите»."),
    Rule("POLICY-TEMPLATE-PLACEHOLDER", "medium", "vague",
         "The policy still holds template placeholders ({observed}).",
         "В политике остались незаполненные места шаблона ({observed})."),
    Rule("POLICY-NO-OPERATOR", "medium", "omitted",
         "The policy does not name the operator (legal name and BIN).",
         "Политика не называет оператора (наименование и БИН)."),
    Rule("POLICY-INVALID-BIN", "medium", "incorrect",
         "The BIN/IIN stated in the policy fails the check digit ({observed}).",
         "Указанный в политике БИН/ИИН не проходит проверку контрольной цифры ({observed})."),
    Rule("POLICY-EMPTY-CONTACT", "low", "vague",
         "A contact line in the policy is left empty ({observed}).",
         "Контактная строка в политике не заполнена ({observed})."),
    Rule("POLICY-SHORT", "medium", "omitted",
         "The policy is short ({observed}) and does not state what the law asks a policy to state.",
         "Политика короткая ({observed}) и не содержит того, что закон требует указать."),
    # -- language versions of one policy (analysis/versions.py) ------------------------------------
    Rule("POLICY-LANGUAGE-VERSION-GAP", "medium", "omitted",
         "One language version of the policy tells its readers less than another: {observed}.",
         "Одна языковая версия политики сообщает читателю меньше, чем другая: {observed}."),
    Rule("POLICY-UNLIMITED-RETENTION", "medium", "bad_practice",
         "The policy keeps personal data without a time limit ({observed}).",
         "Политика допускает хранение персональных данных без ограничения срока ({observed})."),
]

RULES: dict[str, Rule] = {rule.code: rule for rule in _RULES}

# The site score: 100 minus these points per finding, never below 0. Documented in docs/analysis.md.
SEVERITY_POINTS = {"high": 20, "medium": 8, "low": 3, "info": 0}


def score(severities: list[str]) -> int:
    return max(0, 100 - sum(SEVERITY_POINTS.get(s, 0) for s in severities))


# What the policy's side of a finding says when it is not a quoted sentence (findings.policy_side).
# (English, Russian); reports in Kazakh fall back to Russian.
POLICY_SIDES: dict[str, tuple[str, str]] = {
    "quoted": ("The policy says: {policy_evidence}", "Политика говорит: {policy_evidence}"),
    "silent": ("A policy was found and read ({policy_url}); no sentence in it is about “{topic}”.",
               "Политика найдена и прочитана ({policy_url}), но ни одно её предложение не касается темы «{topic}»."),
    "no_policy": ("No privacy policy was found on the site.", "Политика конфиденциальности на сайте не найдена."),
    "unreadable": ("A policy was found ({policy_url}) but its text could not be read: {policy_error}.",
                   "Политика найдена ({policy_url}), но её текст не удалось прочитать: {policy_error}."),
    "not_applicable": ("Not applicable: this finding does not depend on what a policy says.",
                       "Не применимо: эта находка не зависит от того, что написано в политике."),
}


def policy_statement(side: str, lang: str = "en", *, rule: str = "", category: str = "", policy_url: str = "",
                     policy_evidence: str = "", policy_error: str = "") -> str:
    """The policy's side of a finding as one true sentence: the quote, or exactly why there is none."""
    from kzprivacy.vocabulary.taxonomy import CATEGORIES

    spec = RULES.get(rule)
    topic = (spec.policy_topics[0] if spec and spec.policy_topics else "") or category
    meanings = CATEGORIES.get(topic, (topic, topic))
    en, ru = POLICY_SIDES.get(side, POLICY_SIDES["silent"])
    fill = {"policy_url": policy_url or "—", "policy_evidence": policy_evidence, "policy_error": policy_error or "—",
            "topic": meanings[1] if lang != "en" else meanings[0]}
    return (en if lang == "en" else ru).format_map(_Keep(fill))


def explain(code: str, lang: str = "en", **values: str) -> str:
    """The rule's sentence with the observed values filled in; unknown placeholders stay visible."""
    from kzprivacy.vocabulary.taxonomy import CATEGORIES

    rule = RULES[code]
    category = values.get("category", "")
    meanings = CATEGORIES.get(category, (category, category))
    fill = {"observed": "", "country": "", **values, "category": meanings[0], "category_ru": meanings[1]}
    template = rule.ru if lang == "ru" else rule.en
    return template.format_map(_Keep(fill))


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"

"""Every comparison rule, on a real SQLite crawl built from short policies and observations.

Each test builds one site the way the crawler stores it, runs the analysis, and
checks the finding (or its absence). TESTED lists the rules covered; a rule
added to analysis/rules.py without a test here fails the last test.
"""

from __future__ import annotations


from kzprivacy.analysis.rules import RULES, explain, score
from kzprivacy.analysis.run import analyze_crawl
from kzprivacy.store import open_store

TESTED: set[str] = set()

OPERATOR = ("ТОО «Пример Демо» (БИН 990140000017) является оператором персональных данных. "
            "Политика разработана в соответствии с Законом Республики Казахстан от 21 мая 2013 года № 94-V "
            "«О персональных данных и их защите». ")


def covers(*codes):
    TESTED.update(codes)
    return lambda f: f


class Site:
    """One site of a one-site crawl, written through the Store as the crawler writes it."""

    def __init__(self, tmp_path, policy: str | None = None, *, policy_status: str = "ok", https: bool = True):
        self.db = tmp_path / "k.db"
        self.store = open_store(self.db)
        self.site = "example-demo.kz"
        self.base = ("https" if https else "http") + f"://{self.site}"
        self.store.begin_crawl("c", mode="http", tool_version="t", settings={}, sites=[{"site": self.site}])
        self.page = {"site": self.site, "url": self.base + "/", "page": {"url": self.base + "/", "status_code": 200,
                                                                         "kind": "home", "warc_record_id": "<urn:1>"},
                     "cookies": [], "requests": [], "forms": [], "inline_trackers": []}
        self.policy = policy
        self.policy_status = policy_status

    def form(self, *fields, consent=True, link=True, action=None, action_party="first", method="post",
             method_explicit=True):
        self.page["forms"].append({
            "form_index": len(self.page["forms"]), "action": action or self.base + "/send", "method": method,
            "method_explicit": method_explicit,
            "action_is_https": (action or self.base).startswith("https"), "action_party": action_party,
            "action_host": (action or self.base).split("/")[2], "has_consent_checkbox": consent,
            "policy_link_near": link,
            "fields": [{"name": n, "type": t, "label": label, "category": c} for n, t, label, c in fields]})
        return self

    def cookie(self, name, service_id=None, vendor=None, tracking=False, set_by="header"):
        self.page["cookies"].append({"name": name, "domain": self.site, "path": "/", "set_by": set_by,
                                     "party": "first", "service_id": service_id, "vendor": vendor,
                                     "is_tracking": tracking, "warc_record_id": "<urn:1>"})
        return self

    def request(self, url, service_id, vendor, resource_type="script"):
        self.page["requests"].append({"url": url, "host": url.split("/")[2], "resource_type": resource_type,
                                      "party": "third", "service_id": service_id, "vendor": vendor,
                                      "warc_record_id": "<urn:1>"})
        return self

    def findings(self) -> dict[str, list]:
        self.store.write_page("c", self.page)
        if self.policy is not None:
            url = self.base + "/privacy"
            self.store.write_page("c", {"site": self.site, "url": url,
                                        "page": {"url": url, "status_code": 200, "kind": "policy"},
                                        "policy": {"url": url, "format": "html", "text": self.policy,
                                                   "chars": len(self.policy), "is_policy_score": 0.9,
                                                   "status": self.policy_status, "link_score": 0.9,
                                                   "sha256": str(hash(self.policy)),
                                                   "error": None if self.policy_status == "ok" else "broken PDF"}})
        self.store.finish_site("c", self.site, {"status": "ok"})
        analyze_crawl(self.db, "c")
        out: dict[str, list] = {}
        for row in self.store.query("SELECT * FROM findings"):
            out.setdefault(row["rule"], []).append(row)
        return out


@covers("FLOW-UNDECLARED")
def test_a_collected_category_the_policy_never_mentions(tmp_path):
    site = Site(tmp_path, OPERATOR + "Мы собираем фамилию, имя и отчество Пользователя.")
    site.form(("fio", "text", "ФИО", "name"), ("phone", "tel", "Телефон", "phone"))
    findings = site.findings()
    assert [(f["category"], f["verdict"]) for f in findings["FLOW-UNDECLARED"]] == [("phone", "omitted")]
    assert "Телефон" in findings["FLOW-UNDECLARED"][0]["observed"]


@covers("FLOW-VAGUE")
def test_a_form_sending_data_to_a_third_party_the_policy_mentions_only_vaguely(tmp_path):
    site = Site(tmp_path, OPERATOR + "Мы собираем имя и номер телефона. Данные могут передаваться третьим лицам.")
    site.form(("name", "text", "Имя", "name"), ("phone", "tel", "Телефон", "phone"),
              action="https://crm.example-partner.kz/hook", action_party="third")
    findings = site.findings()
    assert [(f["category"], f["verdict"]) for f in findings["FLOW-VAGUE"]] == [("third_party_sharing", "vague")]


@covers("FLOW-DENIED")
def test_cookies_set_although_the_policy_says_none_are_used(tmp_path):
    site = Site(tmp_path, OPERATOR + "Сайт не использует файлы cookie.")
    site.cookie("SESSID")
    finding = site.findings()["FLOW-DENIED"][0]
    assert (finding["category"], finding["verdict"], finding["severity"]) == ("cookies", "incorrect", "high")
    assert "cookie" in finding["policy_evidence"]


@covers("FLOW-CONTRADICTORY")
def test_a_policy_that_both_declares_and_denies_cookies(tmp_path):
    site = Site(tmp_path, OPERATOR + "Сайт использует файлы cookie для работы корзины."
                                     " Сайт не использует файлы cookie.")
    site.cookie("SESSID")
    finding = site.findings()["FLOW-CONTRADICTORY"][0]
    assert (finding["category"], finding["verdict"]) == ("cookies", "ambiguous")


@covers("VENDOR-UNNAMED")
def test_a_tracker_covered_only_by_third_parties_in_general(tmp_path):
    site = Site(tmp_path, OPERATOR + "Данные могут передаваться третьим лицам. Трансграничная передача персональных "
                                     "данных осуществляется с согласия Пользователя.")
    site.request("https://mc.yandex.ru/metrika/tag.js", "yandex_metrica", "Yandex.Metrica")
    finding = site.findings()["VENDOR-UNNAMED"][0]
    assert (finding["category"], finding["verdict"], finding["service_id"]) == (
        "third_party_sharing", "vague", "yandex_metrica")


def test_a_policy_naming_the_vendor_clears_sharing_with_it(tmp_path):
    site = Site(tmp_path, OPERATOR + "Сайт использует сервис веб-аналитики Яндекс.Метрика (ООО «Яндекс»), который "
                                     "собирает IP-адрес, сведения о браузере и посещённых страницах. Сайт использует "
                                     "файлы cookie. Трансграничная передача персональных данных осуществляется с "
                                     "согласия Пользователя.")
    site.request("https://mc.yandex.ru/metrika/tag.js", "yandex_metrica", "Yandex.Metrica")
    site.cookie("_ym_uid", "yandex_metrica", "Yandex.Metrica", tracking=True, set_by="script")
    findings = site.findings()
    flow_rules = {r for r in findings if r.startswith(("FLOW", "VENDOR", "KZ-FOREIGN"))}
    assert flow_rules == set(), {r: [f["category"] for f in findings[r]] for r in flow_rules}


@covers("KZ-IIN-UNDECLARED")
def test_an_iin_asked_for_and_not_declared(tmp_path):
    site = Site(tmp_path, OPERATOR + "Мы собираем фамилию, имя и номер телефона.")
    site.form(("iin", "text", "ИИН", "iin"), ("phone", "tel", "Телефон", "phone"))
    finding = site.findings()["KZ-IIN-UNDECLARED"][0]
    assert (finding["category"], finding["verdict"], finding["severity"]) == ("iin", "omitted", "high")


def test_a_declared_iin_gives_no_finding(tmp_path):
    site = Site(tmp_path, OPERATOR + "Пользователь указывает индивидуальный идентификационный номер (ИИН).")
    site.form(("iin", "text", "ИИН", "iin"))
    assert "KZ-IIN-UNDECLARED" not in site.findings()


@covers("KZ-FOREIGN-TRACKER-VS-STORAGE-IN-KZ")
def test_a_foreign_tracker_while_the_policy_promises_storage_in_kazakhstan(tmp_path):
    site = Site(tmp_path, OPERATOR + "Персональные данные хранятся на серверах, расположенных на территории "
                                     "Республики Казахстан.")
    site.request("https://www.googletagmanager.com/gtag/js?id=G-1", "google_analytics", "Google Analytics")
    finding = site.findings()["KZ-FOREIGN-TRACKER-VS-STORAGE-IN-KZ"][0]
    assert (finding["verdict"], finding["severity"], finding["manual_review"]) == ("incorrect", "high", 0)
    assert "территории" in finding["policy_evidence"] and "manual review" in finding["explanation"]
    assert "US" in finding["explanation"]


@covers("KZ-FOREIGN-TRANSFER-UNDECLARED")
def test_a_foreign_tracker_and_nothing_about_transfer_abroad(tmp_path):
    site = Site(tmp_path, OPERATOR + "Мы собираем имя.")
    site.request("https://connect.facebook.net/en_US/fbevents.js", "meta_pixel", "Meta Pixel")
    finding = site.findings()["KZ-FOREIGN-TRANSFER-UNDECLARED"][0]
    assert (finding["category"], finding["verdict"]) == ("cross_border_transfer", "omitted")


@covers("KZ-NO-POLICY")
def test_personal_data_collected_with_no_policy(tmp_path):
    site = Site(tmp_path, None).form(("phone", "tel", "Телефон", "phone"))
    finding = site.findings()["KZ-NO-POLICY"][0]
    assert (finding["verdict"], finding["severity"]) == ("no_policy", "high") and "phone" in finding["observed"]


def test_no_policy_still_reports_the_iin_and_each_transfer_abroad_but_nothing_else_twice(tmp_path):
    # A sign-up page written as a school club might: IIN and phone asked, a foreign counter, no policy anywhere.
    site = Site(tmp_path, None).form(("iin", "text", "ИИН ребёнка", "iin"), ("phone", "tel", "Телефон", "phone"),
                                     consent=False, link=False)
    site.request("https://mc.yandex.ru/metrika/tag.js", "yandex_metrica", "Yandex.Metrica")
    site.request("https://www.googletagmanager.com/gtag/js?id=G-2", "google_analytics", "Google Analytics")
    findings = site.findings()
    assert set(findings) == {"KZ-NO-POLICY", "KZ-IIN-UNDECLARED", "KZ-FOREIGN-TRANSFER-UNDECLARED",
                             "KZ-FORM-NO-CONSENT"}
    assert [(f["category"], f["verdict"], f["severity"], f["policy_side"]) for f in findings["KZ-IIN-UNDECLARED"]] \
        == [("iin", "no_policy", "high", "no_policy")]
    assert sorted(f["service_id"] for f in findings["KZ-FOREIGN-TRANSFER-UNDECLARED"]) == [
        "google_analytics", "yandex_metrica"]
    assert len(findings["KZ-NO-POLICY"]) == 1
    assert "no policy published by the site" in findings["KZ-IIN-UNDECLARED"][0]["explanation"]


def test_a_feature_of_a_service_is_the_same_recipient_abroad(tmp_path):
    site = Site(tmp_path, OPERATOR + "Мы собираем имя.")
    site.request("https://mc.yandex.ru/webvisor/123", "yandex_webvisor", "Yandex.Metrica Webvisor (session recording)")
    site.request("https://mc.yandex.ru/metrika/tag.js", "yandex_metrica", "Yandex.Metrica")
    abroad = site.findings()["KZ-FOREIGN-TRANSFER-UNDECLARED"]
    assert [(f["service_id"], f["observed"].split(" (")[0]) for f in abroad] == [("yandex_metrica", "Yandex.Metrica")]
    assert abroad[0]["observed"].endswith("and 1 more")


def test_a_dns_prefetch_alone_sends_nothing_to_the_service(tmp_path):
    site = Site(tmp_path, None).form(("phone", "tel", "Телефон", "phone"))
    site.request("https://mc.yandex.ru/", "yandex_metrica", "Yandex.Metrica", resource_type="dns-prefetch")
    assert "KZ-FOREIGN-TRANSFER-UNDECLARED" not in site.findings()
    site2 = Site(tmp_path / "b", None).form(("phone", "tel", "Телефон", "phone"))
    site2.request("https://mc.yandex.ru/", "yandex_metrica", "Yandex.Metrica", resource_type="preconnect")
    assert [f["service_id"] for f in site2.findings()["KZ-FOREIGN-TRANSFER-UNDECLARED"]] == ["yandex_metrica"]


def test_an_unreadable_policy_is_not_read_as_silent_on_transfer_abroad(tmp_path):
    site = Site(tmp_path, "", policy_status="parse_error").form(("iin", "text", "ИИН", "iin"))
    site.request("https://mc.yandex.ru/metrika/tag.js", "yandex_metrica", "Yandex.Metrica")
    findings = site.findings()
    assert "KZ-POLICY-UNREADABLE" in findings
    assert not {"KZ-IIN-UNDECLARED", "KZ-FOREIGN-TRANSFER-UNDECLARED"} & set(findings)


def test_a_map_embed_does_not_contradict_a_policy_that_shares_with_no_one(tmp_path):
    # «не передаём третьим лицам» and a non-tracking map tile server abroad: its server sees the visitor's IP
    # (a transfer abroad to report), but the site hands it nothing, so it is no contradiction of the denial.
    site = Site(tmp_path, OPERATOR + "Мы собираем имя и номер телефона и не передаём персональные данные третьим "
                                     "лицам. Сайт фиксирует IP-адрес и сведения о браузере.")
    site.request("https://www.openstreetmap.org/export/embed.html?bbox=1", "openstreetmap", "OpenStreetMap tiles",
                 resource_type="iframe")
    findings = site.findings()
    assert "FLOW-DENIED" not in findings and "FLOW-CONTRADICTORY" not in findings
    assert [f["service_id"] for f in findings["KZ-FOREIGN-TRANSFER-UNDECLARED"]] == ["openstreetmap"]
    # a tracking service under the same denial is a contradiction
    site2 = Site(tmp_path / "b", OPERATOR + "Мы не передаём персональные данные третьим лицам.")
    site2.request("https://mc.yandex.ru/metrika/tag.js", "yandex_metrica", "Yandex.Metrica")
    denied = site2.findings()["FLOW-DENIED"]
    assert [(f["category"], f["service_id"]) for f in denied] == [("third_party_sharing", "yandex_metrica")]


def test_a_refused_sale_is_no_contradiction_of_the_services_a_site_uses(tmp_path):
    # «не продаём» beside a declared transfer to contractors and a named analytics service: the policy does not
    # contradict itself, and a counter receiving visitors' data is no sale.
    site = Site(tmp_path, OPERATOR + "Компания не продаёт сведения о клиентах. Сведения могут передаваться "
                                     "транспортным компаниям и подрядчикам, которые обслуживают сайт. На сайте "
                                     "работает счётчик Яндекс.Метрика, он собирает IP-адрес, cookie и сведения о "
                                     "посещённых страницах.")
    site.request("https://mc.yandex.ru/metrika/tag.js", "yandex_metrica", "Yandex.Metrica")
    findings = site.findings()
    assert "FLOW-CONTRADICTORY" not in findings and "FLOW-DENIED" not in findings
    verdicts = {r["verdict"] for r in site.store.query(
        "SELECT verdict FROM flows WHERE category = 'third_party_sharing'")}
    assert verdicts == {"clear"}
    # A sale refused alone does not clear the counter either: the sharing is undeclared, not denied.
    site2 = Site(tmp_path / "b", OPERATOR + "Компания не продаёт сведения о клиентах.")
    site2.request("https://mc.yandex.ru/metrika/tag.js", "yandex_metrica", "Yandex.Metrica")
    findings2 = site2.findings()
    assert "FLOW-CONTRADICTORY" not in findings2 and "FLOW-DENIED" not in findings2
    assert ("third_party_sharing", "yandex_metrica") in {(f["category"], f["service_id"])
                                                         for rows in findings2.values() for f in rows}
    # «не продаём и не передаём третьим лицам» denies the transfer as well: the counter contradicts it.
    site3 = Site(tmp_path / "c", OPERATOR + "Компания не продаёт и не передаёт сведения о клиентах третьим лицам.")
    site3.request("https://mc.yandex.ru/metrika/tag.js", "yandex_metrica", "Yandex.Metrica")
    denied = site3.findings()["FLOW-DENIED"]
    assert [(f["category"], f["service_id"]) for f in denied] == [("third_party_sharing", "yandex_metrica")]


@covers("KZ-POLICY-UNREADABLE")
def test_a_policy_that_cannot_be_read(tmp_path):
    site = Site(tmp_path, "", policy_status="parse_error").form(("phone", "tel", "Телефон", "phone"))
    finding = site.findings()["KZ-POLICY-UNREADABLE"][0]
    assert finding["manual_review"] == 1 and "broken PDF" in finding["observed"]


def _other_document(site: Site, path: str, **row) -> None:
    """A policies row beside the site's policy: a mention, or a consent document, as the crawler writes them."""
    url = site.base + path
    site.store.write_page("c", {"site": site.site, "url": url.split("#")[0],
                                "page": {"url": url.split("#")[0], "status_code": 200, "kind": "home"},
                                "policy": {"url": url, "format": "html", "sha256": path, **row}})


def test_a_page_titled_as_the_policy_with_no_text_is_an_unreadable_policy_not_no_policy(tmp_path):
    site = Site(tmp_path, None).form(("phone", "tel", "Телефон", "phone"))
    _other_document(site, "/privacy-policy", found_via="common_path", status="empty", is_policy_score=0.3,
                    document_kind="privacy_policy", title="Политика конфиденциальности", text="Загрузка…", chars=9,
                    error="titled as the privacy policy but holds almost no text")
    findings = site.findings()
    assert site.store.query("SELECT policy_url FROM sites")[0]["policy_url"] == site.base + "/privacy-policy"
    assert "KZ-NO-POLICY" not in findings and findings["KZ-POLICY-UNREADABLE"][0]["manual_review"] == 1


@covers("KZ-POLICY-NOT-LINKED")
def test_a_policy_named_in_plain_text_without_a_link_is_not_no_policy(tmp_path):
    site = Site(tmp_path, None).form(("phone", "tel", "Телефон", "phone"))
    _other_document(site, "/#policy-mention", found_via="text_mention", status="mention", is_policy_score=0.0,
                    link_text="© 2024 ТОО «Пример». Политика конфиденциальности", text="Политика конфиденциальности",
                    chars=27, warc_record_id="<urn:2>")
    findings = site.findings()
    assert "KZ-NO-POLICY" not in findings
    finding = findings["KZ-POLICY-NOT-LINKED"][0]
    assert (finding["verdict"], finding["severity"], finding["manual_review"]) == ("bad_practice", "medium", 1)
    assert "Политика конфиденциальности" in finding["observed"] and "phone" in finding["observed"]
    assert finding["observed_url"] == site.base + "/" and finding["warc_record_id"] == "<urn:2>"


def test_a_policy_link_that_leads_nowhere_is_a_policy_named_not_published(tmp_path):
    site = Site(tmp_path, None).form(("phone", "tel", "Телефон", "phone"))
    _other_document(site, "/politika.html", found_via="footer_link", status="mention", is_policy_score=0.0,
                    link_text="Политика конфиденциальности", link_score=0.9, text="Политика конфиденциальности",
                    chars=27, error="the link leads to HTTP 404")
    findings = site.findings()
    assert "KZ-NO-POLICY" not in findings
    observed = findings["KZ-POLICY-NOT-LINKED"][0]["observed"]
    assert observed.startswith(f"«Политика конфиденциальности» links to {site.base}/politika.html (HTTP 404)")
    assert site.store.query("SELECT policy_url FROM sites")[0]["policy_url"] is None


@covers("KZ-CONSENT-WITHOUT-POLICY")
def test_a_consent_document_alone_is_not_a_policy_but_not_nothing_either(tmp_path):
    site = Site(tmp_path, None).form(("phone", "tel", "Телефон", "phone"))
    consent = "Согласие на обработку персональных данных. Я даю согласие ТОО «Пример» на обработку моего телефона."
    _other_document(site, "/consent", found_via="consent_link", status="ok", is_policy_score=0.9,
                    document_kind="consent", text=consent, chars=len(consent))
    findings = site.findings()
    assert "KZ-NO-POLICY" not in findings
    assert site.store.query("SELECT policy_url FROM sites")[0]["policy_url"] is None  # never the site's policy
    finding = findings["KZ-CONSENT-WITHOUT-POLICY"][0]
    assert finding["observed_url"] == site.base + "/consent" and "phone" in finding["observed"]


@covers("POLICY-SHORT")
def test_a_short_policy_is_kept_and_flagged_for_what_it_lacks(tmp_path):
    short = OPERATOR + "Мы собираем имя и номер телефона, чтобы перезвонить. Вопросы: privacy@example-demo.kz."
    site = Site(tmp_path, short).form(("phone", "tel", "Телефон", "phone"))
    findings = site.findings()
    assert "KZ-NO-POLICY" not in findings
    finding = findings["POLICY-SHORT"][0]
    assert finding["verdict"] == "omitted" and finding["observed_url"] == site.base + "/privacy"
    assert "retention" in finding["observed"] and "user_rights" in finding["observed"]
    assert "contact" not in finding["observed"] and "names no personal data" not in finding["observed"]
    assert finding["observed"].startswith(f"{len(short)} characters")


def test_a_long_complete_policy_is_not_flagged_short(tmp_path):
    complete = OPERATOR + ("Мы собираем номер телефона. Данные хранятся в течение одного года. Вы вправе отозвать "
                           "согласие и потребовать удаления данных. Вопросы: privacy@example-demo.kz. ")
    site = Site(tmp_path, complete).form(("phone", "tel", "Телефон", "phone"))
    assert "POLICY-SHORT" not in site.findings()


@covers("KZ-FORM-NO-CONSENT")
def test_a_form_without_consent_or_policy_link(tmp_path):
    site = Site(tmp_path, OPERATOR + "Мы собираем номер телефона.")
    site.form(("phone", "tel", "Телефон", "phone"), consent=False, link=False)
    site.form(("phone", "tel", "Телефон", "phone"), consent=True, link=False)
    findings = site.findings()["KZ-FORM-NO-CONSENT"]
    assert len(findings) == 1 and findings[0]["category"] == "consent"


@covers("KZ-FORM-PLAIN-HTTP")
def test_a_form_posting_personal_data_over_plain_http(tmp_path):
    site = Site(tmp_path, OPERATOR + "Мы собираем номер телефона.", https=False)
    site.form(("phone", "tel", "Телефон", "phone"))
    finding = site.findings()["KZ-FORM-PLAIN-HTTP"][0]
    assert (finding["category"], finding["severity"]) == ("security", "high")


@covers("KZ-FORM-DATA-IN-URL")
def test_a_form_saying_method_get_puts_personal_data_in_the_address(tmp_path):
    site = Site(tmp_path, OPERATOR + "Мы собираем имя и телефон.")
    site.form(("name", "text", "Имя", "name"), ("phone", "tel", "Телефон", "phone"),
              action=site.base + "/spasibo.php", method="get")
    finding = site.findings()["KZ-FORM-DATA-IN-URL"][0]
    assert (finding["category"], finding["verdict"], finding["severity"]) == ("security", "bad_practice", "medium")
    assert finding["observed"] == ("form sending name, phone to https://example-demo.kz/spasibo.php on "
                                   "https://example-demo.kz/")


def test_a_form_without_a_method_is_not_guessed_to_go_by_get(tmp_path):
    # No method in the markup: the browser's default is GET, but a script may send the form; HTTP mode cannot see
    # which, so nothing is reported. A search box by GET asks for no personal data.
    site = Site(tmp_path, OPERATOR + "Мы собираем имя и телефон.")
    site.form(("phone", "tel", "Телефон", "phone"), method="get", method_explicit=False)
    site.form(("q", "search", "Поиск", None), method="get")
    assert "KZ-FORM-DATA-IN-URL" not in site.findings()


@covers("KZ-TRACKING-BEFORE-CONSENT")
def test_a_tracking_cookie_before_consent(tmp_path):
    site = Site(tmp_path, OPERATOR + "Сайт использует файлы cookie.")
    site.cookie("_ym_uid", "yandex_metrica", "Yandex.Metrica", tracking=True)
    site.cookie("_ym_d", "yandex_metrica", "Yandex.Metrica", tracking=True)
    site.cookie("SESSID")
    findings = site.findings()["KZ-TRACKING-BEFORE-CONSENT"]
    assert len(findings) == 1 and "Yandex.Metrica" in findings[0]["observed"]


@covers("POLICY-FOREIGN-LAW")
def test_a_policy_citing_russian_law(tmp_path):
    site = Site(tmp_path, "ТОО «Пример Демо» (БИН 990140000017). Обработка персональных данных осуществляется в "
                          "соответствии с Федеральным законом от 27.07.2006 № 152-ФЗ «О персональных данных».")
    assert site.findings()["POLICY-FOREIGN-LAW"][0]["verdict"] == "incorrect"


@covers("POLICY-NO-KZ-LAW")
def test_a_policy_citing_no_law(tmp_path):
    site = Site(tmp_path, "ТОО «Пример Демо» (БИН 990140000017) собирает имя и номер телефона Пользователя.")
    assert site.findings()["POLICY-NO-KZ-LAW"][0]["category"] == "law_reference"


@covers("POLICY-NO-OPERATOR")
def test_a_policy_naming_no_operator(tmp_path):
    site = Site(tmp_path, "Мы собираем имя и номер телефона Пользователя в соответствии с Законом Республики "
                          "Казахстан «О персональных данных и их защите».")
    assert site.findings()["POLICY-NO-OPERATOR"][0]["category"] == "operator_identity"


@covers("POLICY-TEMPLATE-PLACEHOLDER")
def test_a_policy_with_template_leftovers(tmp_path):
    site = Site(tmp_path, OPERATOR + "Оператор: [название компании], адрес: укажите юридический адрес.")
    assert "POLICY-TEMPLATE-PLACEHOLDER" in site.findings()


@covers("POLICY-INVALID-BIN")
def test_a_policy_with_a_bin_failing_the_check_digit(tmp_path):
    site = Site(tmp_path, OPERATOR.replace("990140000017", "990140000018"))
    assert site.findings()["POLICY-INVALID-BIN"][0]["verdict"] == "incorrect"


@covers("POLICY-EMPTY-CONTACT")
def test_a_policy_with_an_empty_contact_line(tmp_path):
    site = Site(tmp_path, OPERATOR + "Контакты для обращений:\nE-mail: \nТелефон: +7 700 000 00 00")
    assert "POLICY-EMPTY-CONTACT" in site.findings()


@covers("POLICY-UNLIMITED-RETENTION")
def test_a_policy_keeping_data_forever(tmp_path):
    site = Site(tmp_path, OPERATOR + "Персональные данные хранятся без ограничения срока.")
    assert site.findings()["POLICY-UNLIMITED-RETENTION"][0]["category"] == "retention"


@covers("POLICY-LANGUAGE-VERSION-GAP")
def test_a_language_version_that_leaves_out_what_another_states(tmp_path):
    russian = OPERATOR + ("Мы собираем имя и номер телефона Пользователя. На сайте работает счётчик Яндекс.Метрики, "
                          "который получает IP-адрес посетителя. Данные хранятся три года, затем удаляются.")
    kazakh = ("«Пример Демо» ЖШС (БСН 990140000017) дербес деректердің операторы болып табылады. "
              "Біз пайдаланушының аты-жөнін және телефон нөмірін жинаймыз.")
    site = Site(tmp_path, russian)
    url = site.base + "/kk/privacy"
    site.store.write_page("c", {"site": site.site, "url": url, "page": {"url": url, "status_code": 200,
                                                                        "kind": "policy"},
                                "policy": {"url": url, "format": "html", "text": kazakh, "chars": len(kazakh),
                                           "language": "kk", "is_policy_score": 0.8, "status": "ok",
                                           "found_via": "language_variant", "sha256": "kk",
                                           "warc_record_id": "<urn:kk>"}})
    (finding,) = site.findings()["POLICY-LANGUAGE-VERSION-GAP"]
    assert finding["observed_url"] == url and finding["policy_url"] == site.base + "/privacy"
    assert finding["verdict"] == "omitted" and finding["warc_record_id"] == "<urn:kk>"
    # The Kazakh version names the operator, the name and the phone: only what it leaves out is listed.
    left_out = finding["observed"].rsplit(": ", 1)[1].split(", ")
    assert left_out == ["ip_address", "analytics", "retention", "law_reference"]
    assert "Яндекс.Метрики" in finding["policy_evidence"] and "три года" in finding["policy_evidence"]
    assert "kk version" in finding["observed"] and "ru version" in finding["observed"]


def test_language_versions_that_agree_give_no_gap(tmp_path):
    russian = OPERATOR + "Мы собираем имя и номер телефона Пользователя."
    kazakh = ("«Пример Демо» ЖШС (БСН 990140000017) дербес деректердің операторы болып табылады. Саясат "
              "Қазақстан Республикасының 2013 жылғы 21 мамырдағы № 94-V «Дербес деректер және оларды қорғау "
              "туралы» Заңына сәйкес әзірленді. Біз пайдаланушының аты-жөнін және телефон нөмірін жинаймыз.")
    site = Site(tmp_path, russian)
    url = site.base + "/kk/privacy"
    site.store.write_page("c", {"site": site.site, "url": url, "page": {"url": url, "status_code": 200,
                                                                        "kind": "policy"},
                                "policy": {"url": url, "format": "html", "text": kazakh, "chars": len(kazakh),
                                           "language": "kk", "is_policy_score": 0.8, "status": "ok", "sha256": "kk"}})
    assert "POLICY-LANGUAGE-VERSION-GAP" not in site.findings()


def test_a_language_version_with_template_leftovers_is_reported_and_every_version_has_its_facts(tmp_path):
    kazakh = ("Дербес деректерді өңдеуге келісім\nМен «Название» ЖШС-ге атымды және телефон нөмірімді өңдеуге "
              "келісім беремін. Сұрақтар: info@site.ru.")
    site = Site(tmp_path, OPERATOR + "Мы собираем имя и номер телефона Пользователя.")
    url = site.base + "/kk/privacy"
    site.store.write_page("c", {"site": site.site, "url": url, "page": {"url": url, "status_code": 200,
                                                                        "kind": "policy"},
                                "policy": {"url": url, "format": "html", "text": kazakh, "chars": len(kazakh),
                                           "language": "kk", "is_policy_score": 0.8, "status": "ok", "sha256": "kk"}})
    findings = site.findings()
    (placeholder,) = findings["POLICY-TEMPLATE-PLACEHOLDER"]
    assert placeholder["observed_url"] == url
    facts = {row["policy_url"]: row for row in site.store.query("SELECT * FROM policy_facts")}
    assert facts[site.base + "/privacy"]["document_type"] == "privacy_policy"
    assert facts[url]["document_type"] == "consent"
    # The best policy names the operator and the law: no finding about them from the Kazakh version.
    assert "POLICY-NO-OPERATOR" not in findings and "POLICY-NO-KZ-LAW" not in findings


def test_explanations_exist_in_both_languages_and_fill_in_what_was_seen():
    for code in RULES:
        assert explain(code, "en") and explain(code, "ru"), code
        text = explain(code, "ru", category="phone", observed="поле «Телефон»", country="US")
        assert "{" not in text, code
    assert "поле «Телефон»" in explain("FLOW-UNDECLARED", "ru", category="phone", observed="поле «Телефон»")
    assert "номер телефона" in explain("FLOW-UNDECLARED", "ru", category="phone", observed="x")
    # Practice names are noun phrases: the sentence must read with them too.
    assert explain("FLOW-UNDECLARED", "ru", category="third_party_sharing", observed="форма").startswith(
        "На сайте обнаружено: передача третьим лицам — форма.")


def test_the_score_is_100_minus_points_and_never_negative():
    assert score([]) == 100
    assert score(["high", "medium", "low", "info"]) == 100 - 20 - 8 - 3
    assert score(["high"] * 10) == 0


def test_every_rule_has_a_test():
    assert set(RULES) <= TESTED, sorted(set(RULES) - TESTED)


def test_naming_the_kind_of_service_clears_sharing_with_it(tmp_path):
    site = Site(tmp_path, OPERATOR + "Сайт использует сервисы веб-аналитики, которые собирают сведения о посещениях. "
                                     "Сайт использует файлы cookie. Трансграничная передача персональных данных "
                                     "осуществляется с согласия Пользователя.")
    site.request("https://mc.yandex.ru/metrika/tag.js", "yandex_metrica", "Yandex.Metrica")
    findings = site.findings()
    assert not {r for r in findings if r.startswith(("FLOW", "VENDOR", "KZ-FOREIGN"))}, sorted(findings)


def test_a_consent_in_another_language_is_not_a_version_of_the_policy(tmp_path):
    russian = OPERATOR + ("Мы собираем имя и номер телефона Пользователя. На сайте работает счётчик Яндекс.Метрики, "
                          "который получает IP-адрес посетителя. Данные хранятся три года, затем удаляются.")
    kazakh = "Дербес деректерді өңдеуге келісім\nМен атымды және телефон нөмірімді өңдеуге келісім беремін."
    site = Site(tmp_path, russian)
    url = site.base + "/kk/consent"
    site.store.write_page("c", {"site": site.site, "url": url, "page": {"url": url, "status_code": 200,
                                                                        "kind": "policy"},
                                "policy": {"url": url, "format": "html", "text": kazakh, "chars": len(kazakh),
                                           "language": "kk", "is_policy_score": 0.8, "status": "ok", "sha256": "kk"}})
    assert "POLICY-LANGUAGE-VERSION-GAP" not in site.findings()

from kzprivacy.extract.cookies import parse_set_cookie


def test_all_attributes_are_read():
    c = parse_set_cookie("_ym_uid=1699999999123456789; Expires=Tue, 19 Jan 2038 03:14:07 GMT; Domain=.demo.kz;"
                         " Path=/; Secure; HttpOnly; SameSite=None", "https://www.demo.kz/ru/")
    assert (c.name, c.domain, c.path, c.secure, c.httponly, c.samesite) == (
        "_ym_uid", ".demo.kz", "/", True, True, "None")
    assert c.expires.startswith("2038-01-19T03:14:07")
    assert c.value_length == 19 and not c.host_only


def test_host_only_cookie_takes_the_request_host_and_default_path():
    c = parse_set_cookie("PHPSESSID=abc", "https://shop.demo.kz/cart/view")
    assert (c.domain, c.path, c.host_only, c.expires) == ("shop.demo.kz", "/cart", True, None)


def test_max_age_wins_over_expires():
    c = parse_set_cookie("a=1; Max-Age=3600; Expires=Tue, 19 Jan 2038 03:14:07 GMT", "http://demo.kz/")
    assert c.max_age == 3600 and c.expires == "max-age=3600"


def test_hostile_cookie_name_is_kept_as_text_and_bounded():
    # As in a browser, the name ends at the first "=": the rest is the value.
    header = '<script>alert(1)</script>"><img src=x onerror=alert(1)>; Path=/'
    c = parse_set_cookie(header, "http://hostile-demo.kz/")
    assert c.name == '<script>alert(1)</script>"><img src'
    assert c.value_length == len("x onerror=alert(1)>")
    long = parse_set_cookie("x" * 10000 + "=1", "http://demo.kz/")
    assert len(long.name) == 256 and len(long.raw) == 4096


def test_garbage_attributes_do_not_fail():
    c = parse_set_cookie("id=5; Expires=not a date; Max-Age=abc; SameSite; =; Path=relative", "http://demo.kz/a/b")
    assert c.name == "id" and c.expires == "not a date" and c.max_age is None and c.path == "/a"
    assert parse_set_cookie("", "http://demo.kz/") is None
    assert parse_set_cookie(b"\xff\xfe=1", "http://demo.kz/").value_length == 1

"""The PHP layer of the sandbox: clean_param as lib/classes/param.php does it, and PHP's request parsing."""

from __future__ import annotations

import pytest

from cooperare.sandbox.php import clean_param, php_float_str, php_int, php_str, strip_tags, validate_email
from cooperare.sandbox.request import parse_body, php_array
from cooperare.sandbox.validation import validate_parameters


@pytest.mark.parametrize(("text", "expected"), [
    ("a < b", "a < b"),                       # "<" followed by a space is not a tag
    ("3 > 2", "3 > 2"),
    ("a <b>bold</b> c", "a bold c"),
    ('x <a href=">">y</a> z', "x y z"),       # a quoted ">" does not close the tag
    ("a<!-- comment -->b", "ab"),
    ("a <?php echo 1; ?> b", "a  b"),
    ("unclosed <b", "unclosed "),
    ("nul\0byte", "nulbyte"),
])
def test_strip_tags_is_phps_state_machine(text: str, expected: str) -> None:
    assert strip_tags(text) == expected


@pytest.mark.parametrize(("value", "paramtype", "expected"), [
    ("Upper.Case", "PARAM_USERNAME", "upper.case"),
    (" ana maria ", "PARAM_USERNAME", "anamaria"),
    ("12abc", "PARAM_INT", 12),
    ("99999999999999999999", "PARAM_INT", 2**63 - 1),
    ("1e3", "PARAM_INT", 1000),
    ("yes", "PARAM_BOOL", 1),
    ("0", "PARAM_BOOL", 0),
    ("fișă/dis:c.pdf", "PARAM_FILE", "fișădisc.pdf"),
    ("a\x85b", "PARAM_FILE", "ab"),           # [[:cntrl:]] with /u includes the C1 controls
    ("/a/./b//c/../d", "PARAM_PATH", "/a/b/c/d"),
    ('<lang lang="en">E</lang><lang lang="ro">R</lang>', "PARAM_TEXT",
     '<lang lang="en">E</lang><lang lang="ro">R</lang>'),
    ('<lang lang="en">E</lang><b>x</b>', "PARAM_TEXT", '<lang lang="en">E</lang>x'),
    ("<lang>broken</lang>", "PARAM_TEXT", "broken"),
    ("x.example.ro", "PARAM_HOST", "x.example.ro"),
    ("not a host", "PARAM_HOST", ""),
    ("a, b ,,c", "PARAM_TAGLIST", "a,b,c"),
    ("7", "PARAM_PERMISSION", 0),
    ("nosuchauth", "PARAM_AUTH", ""),
    ("mnet", "PARAM_AUTH", "mnet"),
    ("fr", "PARAM_LANG", ""),
    ("Europe/Bucharest", "PARAM_TIMEZONE", "Europe/Bucharest"),
    ("http://127.0.0.1:8085/pluginfile.php/5/user/private/a%20b.pdf", "PARAM_URL",
     "http://127.0.0.1:8085/pluginfile.php/5/user/private/a%20b.pdf"),
    ("javascript:alert(1)", "PARAM_URL", ""),
    ("bad\udcffbyte", "PARAM_RAW", "badbyte"),  # invalid UTF-8 (kept as surrogates) is dropped like fix_utf8
])
def test_clean_param(value: str, paramtype: str, expected: object) -> None:
    assert clean_param(value, paramtype) == expected


@pytest.mark.parametrize(("address", "valid"), [
    ("stefan.taranu@example.com", True), ("A@EXAMPLE.RO", True), ("a@[127.0.0.1]", True),
    ("not-an-email", False), ("a@b", False), ("x@localhost", False), ("ș@example.com", False),
    ("a..b@example.com", False), ("a@example.com\n", False), ("a<b@example.com", False),
])
def test_validate_email_is_filter_var_plus_moodles_rules(address: str, valid: bool) -> None:
    assert validate_email(address) is valid


def test_php_string_and_int_casts() -> None:
    assert [php_float_str(v) for v in (0.1 + 0.2, 1e14, 1e13, 1.5e-7, 0.0001, -0.0, 2.0)] == \
        ["0.3", "1.0E+14", "10000000000000", "1.5E-7", "0.0001", "-0", "2"]
    assert (php_str(True), php_str(None), php_str(3.0)) == ("1", "", "3")
    assert (php_int(" 12"), php_int("0x1A"), php_int(float("nan"))) == (12, 0, 0)


def test_invalid_utf8_in_a_request_is_an_invalid_parameter() -> None:
    parsed = parse_body(b"text=ab%FFcd", "application/x-www-form-urlencoded", max_input_vars=1000)
    description = {"type": "single", "required": 1, "keys": {
        "text": {"type": "value", "paramtype": "PARAM_RAW", "required": 1, "allownull": False}}}
    with pytest.raises(Exception) as caught:
        validate_parameters(description, parsed.post())
    assert getattr(caught.value, "errorcode", None) == "invalidparameter"


def test_urlencoded_truncation_keeps_max_plus_one_variables() -> None:
    body = "&".join(f"v{i}={i}" for i in range(1203)).encode()
    parsed = parse_body(body, "application/x-www-form-urlencoded", max_input_vars=1000)
    assert len(parsed.pairs) == 1001 and parsed.truncated


def test_multipart_truncation_keeps_max_fields_and_every_file() -> None:
    boundary = "b0undary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="f{i}"\r\n\r\n{i}\r\n' for i in range(30)]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file_1"; filename="C:\\\\x\\\\a.txt"\r\n'
                 "Content-Type: text/plain\r\n\r\nhello\r\n")
    body = ("".join(parts) + f"--{boundary}--\r\n").encode()
    parsed = parse_body(body, f"multipart/form-data; boundary={boundary}", max_input_vars=20)
    assert len(parsed.pairs) == 20 and parsed.truncated
    assert [(f.filename, f.content) for f in parsed.files] == [("a.txt", b"hello")]


def test_php_array_follows_php_register_variable() -> None:
    pairs = [("users[0][username]", "a"), ("users[1][username]", "b"), ("a b.c", "1"), ("x[", "2"),
             ("z[a]q[b]", "3"), ("w[]", "4"), ("w[]", "5"), ("k[01]", "6"), ("k[-5]", "7"), ("123", "8")]
    assert php_array(pairs) == {"users": {0: {"username": "a"}, 1: {"username": "b"}}, "a_b_c": "1", "x_": "2",
                                "z": {"a": "3"}, "w": {0: "4", 1: "5"}, "k": {"01": "6", -5: "7"}, 123: "8"}

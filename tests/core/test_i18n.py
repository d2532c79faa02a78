import gettext
import html
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.test import Client

import drugcontrol

from ..conftest import signed_in

LOCALE_DIR = Path(drugcontrol.__file__).parent / "locale"
PO_FILE = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")


def catalog():
    with PO_FILE.open("rb") as handle:
        return read_po(handle)


def test_chinese_catalogue_is_complete():
    messages = [message for message in catalog() if message.id]
    assert len(messages) > 150
    untranslated = [
        m.id for m in messages if not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == [] and fuzzy == []


def test_compiled_catalogue_matches_the_source():
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in catalog():
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            assert compiled.ngettext(message.id[0], message.id[1], 1) == message.string[0]
        elif message.context:
            assert compiled.pgettext(message.context, message.id) == message.string, message.id
        else:
            assert compiled.gettext(message.id) == message.string, message.id


def visible_text(markup: str) -> list[str]:
    body = markup.split("<body", 1)[1]
    body = re.sub(r"<(script|style|code|pre)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return [html.unescape(part).strip() for part in re.split(r"<[^>]+>", body) if part.strip()]


ENGLISH_ONLY_ALLOWED = {"drugcontrol", "API", "English"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/accounts/profile/",
        "/accounts/password/",
        "/accounts/second-factor/",
        "/accounts/tokens/",
        "/organisations/",
        "/audit/",
    ],
)
def test_pages_in_chinese_show_no_untranslated_interface_text(intl_admin, path):
    english = {m.id for m in catalog() if isinstance(m.id, str) and m.id and m.id != m.string}
    client = signed_in(intl_admin)
    client.cookies["django_language"] = "zh-hans"
    response = client.get(path)
    assert response.status_code == 200
    leftovers = [text for text in visible_text(response.content.decode()) if text in english]
    assert [t for t in leftovers if t not in ENGLISH_ONLY_ALLOWED] == []


@pytest.mark.django_db
def test_sign_in_page_in_both_languages(db):
    client = Client()
    assert "Sign in" in client.get("/accounts/sign-in/").content.decode()
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/accounts/sign-in/").content.decode()
    assert '<html lang="zh-hans">' in page and "登录" in page


@pytest.mark.django_db
def test_language_switch_sets_the_cookie(chn_officer):
    client = signed_in(chn_officer)
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "zh-hans"
    assert '<html lang="zh-hans">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_dates_follow_the_locale(chn_officer):
    from drugcontrol.core import services

    services.sign_in_succeeded(address="192.0.2.1", user=chn_officer, second_factor=False)
    client = signed_in(chn_officer)
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/accounts/profile/").content.decode()
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", page)
    client.cookies["django_language"] = "en"
    page = client.get("/accounts/profile/").content.decode()
    assert not re.search(r"\d{4}年", page)


@pytest.mark.django_db
def test_country_names_follow_the_language(chn_officer):
    client = signed_in(chn_officer)
    assert "China (CHN)" in client.get("/").content.decode()
    client.cookies["django_language"] = "zh-hans"
    assert "中国 (CHN)" in client.get("/").content.decode()


KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
}


def source_messages() -> set[str]:
    """Every msgid in the project's Python code and templates, as makemessages would find it."""
    from babel.messages.extract import extract_python
    from django.utils.translation.template import templatize

    package = Path(drugcontrol.__file__).parent
    found: set[str] = set()

    def collect(code: bytes):
        import io

        for _line, function, message, _comments in extract_python(
            io.BytesIO(code), KEYWORDS.keys(), [], {}
        ):
            first = message if isinstance(message, str | None) else message[0]
            if first is None or (function.startswith("pgettext") and message[1] is None):
                continue  # a call with no literal text (`gettext(key)`): nothing to extract
            if function.startswith("pgettext"):  # (context, message): kept apart by context
                found.add(f"{message[0]}\x04{message[1]}")
            else:
                found.add(message if isinstance(message, str) else message[0])

    for path in package.rglob("*.py"):
        if "migrations" not in path.parts:
            collect(path.read_bytes())
    for path in package.rglob("*.html"):
        collect(templatize(path.read_text(encoding="utf-8"), origin=str(path)).encode())
    return {message for message in found if message}


def test_every_interface_string_is_in_the_chinese_catalogue():
    translated = {
        (f"{m.context}\x04{m.id}" if m.context else m.id) if isinstance(m.id, str) else m.id[0]
        for m in catalog()
        if m.id
    }
    missing = sorted(source_messages() - translated)
    assert missing == [], "run `make messages` and translate: " + ", ".join(missing[:20])


def test_django_s_password_length_rule_is_in_chinese():
    """Django 5.2's wording of the rule is missing from its own Chinese catalogue."""
    from django.contrib.auth.password_validation import MinimumLengthValidator
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        MinimumLengthValidator(12).validate("short")
    assert "此密码太短" in refused.value.messages[0]

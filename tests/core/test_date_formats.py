"""One date style per language: every named format reads the same way in a language."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

MOMENT = datetime.datetime(2026, 11, 29, 13, 34, tzinfo=datetime.UTC)


def _render(language: str, name: str, value) -> str:
    with translation.override(language):
        return Template('{{ value|date:"' + name + '" }}').render(Context({"value": value}))


@pytest.mark.parametrize(
    "language, date, moment",
    [
        ("en", "29 Nov 2026", "29 Nov 2026 13:34"),
        ("zh-hans", "2026年11月29日", "2026年11月29日 13:34"),
    ],
)
def test_every_named_format_has_one_style(settings, language, date, moment):
    settings.TIME_ZONE = "UTC"
    assert _render(language, "DATE_FORMAT", MOMENT.date()) == date
    assert _render(language, "SHORT_DATE_FORMAT", MOMENT.date()) == date
    assert _render(language, "DATETIME_FORMAT", MOMENT) == moment
    assert _render(language, "SHORT_DATETIME_FORMAT", MOMENT) == moment
    assert "p.m." not in _render(language, "SHORT_DATETIME_FORMAT", MOMENT)


def test_a_substance_without_a_chinese_name_says_so():
    from drugcontrol.substances.models import Substance

    plain = Substance(name_en="Examplamine", name_zh="")
    with translation.override("zh-hans"):
        assert plain.name != "Examplamine" and "Examplamine" in plain.name
    with translation.override("en"):
        assert plain.name == "Examplamine"
    named = Substance(name_en="Ephedrine", name_zh="麻黄碱")
    with translation.override("zh-hans"):
        assert named.name == "麻黄碱"

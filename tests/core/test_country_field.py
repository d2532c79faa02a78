"""Countries are chosen from a list in the reader's language, never typed as ISO3 codes."""

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from django import forms
from django.utils import translation

import drugcontrol
from drugcontrol.core.forms import CountryField, CountrySelect

from ..conftest import signed_in

pytestmark = pytest.mark.django_db

SRC = Path(drugcontrol.__file__).parent


class OneCountry(forms.Form):
    country = CountryField(required=False)


class SeveralCountries(forms.Form):
    countries = CountryField(required=False, multiple=True)


def test_the_list_is_in_the_readers_language_and_posts_iso3(countries):
    with translation.override("zh-hans"):
        html = str(OneCountry()["country"])
    assert 'data-country-select=""' in html
    assert "中国 (CHN)" in html and "德国 (DEU)" in html
    assert re.search(r'<option value="CHN" data-terms="[^"]*China[^"]*中国[^"]*CHN', html), (
        "an option is found by its name in either language or its code"
    )
    with translation.override("en"):
        assert "China (CHN)" in str(OneCountry()["country"])
    form = OneCountry({"country": "chn"})
    assert form.is_valid() and form.cleaned_data["country"] == "CHN"
    assert OneCountry({"country": ""}).is_valid()
    several = SeveralCountries({"countries": ["CHN", "DEU"]})
    assert several.is_valid() and several.cleaned_data["countries"] == ["CHN", "DEU"]
    assert "multiple" in str(SeveralCountries()["countries"])


def test_an_unknown_code_is_refused_and_shown_again(countries):
    form = OneCountry({"country": "QQQ"})
    assert not form.is_valid() and "country" in form.errors
    assert '<option value="QQQ" selected' in str(form["country"])


def _form_modules():
    for module in pkgutil.walk_packages([str(SRC)], "drugcontrol."):
        if module.name.endswith(".forms") or ".forms." in module.name:
            yield importlib.import_module(module.name)


def test_no_form_asks_for_a_country_as_text(countries):
    checked = 0
    for module in _form_modules():
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, forms.BaseForm) or cls.__module__ != module.__name__:
                continue
            for field_name, field in cls.base_fields.items():
                if not re.search(r"countr|nationality", field_name):
                    continue
                if isinstance(field, forms.IntegerField):  # a number of countries
                    continue
                checked += 1
                # A hidden one carries back a country chosen elsewhere on the page.
                assert isinstance(field.widget, forms.Select | CountrySelect | forms.HiddenInput), (
                    f"{module.__name__}.{name}.{field_name} asks for a country as text"
                )
    assert checked >= 8
    text_box = re.compile(r"<input[^>]*name=\"[^\"]*(countr|nationality)", re.IGNORECASE)
    for template in SRC.rglob("templates/**/*.html"):
        assert not text_box.search(template.read_text()), f"{template} has a country text box"


def test_filters_and_admin_pages_offer_the_list(countries, make_user):
    secretariat = signed_in(make_user(kind="international", role="admin"))
    officer = signed_in(make_user(country="CHN", role="officer"))
    for client, url in [
        (secretariat, "/organisations/"),
        (officer, "/incidents/"),
        (officer, "/incidents/new/"),
        (officer, "/parties/"),
        (officer, "/precursors/"),
        (officer, "/precursors/new/"),
        (officer, "/precursors/statistics/"),
        (officer, "/precursors/invocations/"),
        (officer, "/precursors/requirements/"),
        (secretariat, "/precursors/annual-reports/"),
    ]:
        page = client.get(url)
        assert page.status_code == 200, url
        assert "data-country-select" in page.content.decode(), url

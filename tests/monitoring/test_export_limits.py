"""A workbook is refused beyond the rows an import reads back (exchange.plain.MAX_XLSX_ROWS,
core.tabular's limit): the page answers its form again with the reason on `format`, the
command line stops with it; CSV of the same rows is written."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from drugcontrol.core import tabular
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.monitoring import services
from drugcontrol.monitoring.exchange import cells as exchange_cells
from drugcontrol.monitoring.exchange import plain

from .conftest import cell

pytestmark = pytest.mark.django_db


def test_the_limit_is_the_rows_an_import_reads():
    assert plain.MAX_XLSX_ROWS == tabular.MAX_ROWS


def test_a_workbook_beyond_the_limit_is_refused_on_its_format(definitions, provider, monkeypatch):
    defs = exchange_cells.definitions()
    cells = exchange_cells.template_cells(
        provider, defs, dataset="ARQ_USE", country="CHN", year=2024
    )
    categories = defs.dataset_categories("ARQ_USE")
    monkeypatch.setattr(plain, "MAX_XLSX_ROWS", len(cells))
    assert plain.plain_xlsx(cells, defs, categories)[:2] == b"PK"  # at the limit: written
    monkeypatch.setattr(plain, "MAX_XLSX_ROWS", len(cells) - 1)
    with pytest.raises(ValidationFailed) as refused:
        plain.plain_xlsx(cells, defs, categories)
    [message] = refused.value.details["format"]
    assert f"{len(cells):,} rows are too many" in message and "CSV" in message
    assert plain.plain_csv(cells, defs, categories)  # CSV has no such limit


def test_the_template_page_refuses_a_large_workbook_and_offers_csv(
    definitions, provider, client_for, monkeypatch
):
    monkeypatch.setattr(plain, "MAX_XLSX_ROWS", 10)
    client = client_for(provider)
    url = reverse("monitoring:exchange_template")
    query = {"dataset": "ARQ_USE", "country": "CHN", "year": 2024}
    page = client.get(url, {**query, "format": "xlsx"})
    assert page.status_code == 422
    text = page.content.decode()
    assert "49 rows are too many for an XLSX workbook (at most 10" in text
    assert "download CSV" in text
    chinese = client.get(url, {**query, "format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.status_code == 422
    csv = client.get(url, {**query, "format": "csv"})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")


def test_the_command_line_refuses_a_large_workbook(
    definitions, use_2024, provider, tmp_path, monkeypatch
):
    services.values_set(
        actor=provider,
        submission=use_2024,
        items=[cell("PWID", "1"), cell("DEATHS", "2", sex="men"), cell("DEATHS", "3", sex="women")],
    )
    monkeypatch.setattr(plain, "MAX_XLSX_ROWS", 2)
    output = tmp_path / "values.xlsx"
    with pytest.raises(CommandError, match="3 rows are too many"):
        call_command(
            "monitoring",
            "export",
            "--format",
            "xlsx",
            "--user",
            provider.username,
            "--output",
            str(output),
            stderr=io.StringIO(),
        )
    assert not output.exists()
    csv = tmp_path / "values.csv"
    call_command(
        "monitoring",
        "export",
        "--format",
        "csv",
        "--user",
        provider.username,
        "--output",
        str(csv),
        stderr=io.StringIO(),
    )
    assert len(csv.read_text(encoding="utf-8-sig").splitlines()) == 4

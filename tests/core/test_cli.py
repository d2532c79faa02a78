import io
import re
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from drugcontrol import cli
from drugcontrol.core.demo import DEMO_USERS
from drugcontrol.core.models import ApiToken, AuditEvent, Organisation, User
from drugcontrol.core.services import token_authenticate

from ..conftest import PASSWORD


def run(*args, stdin_text=None, monkeypatch=None):
    if stdin_text is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin_text))
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("command", [*cli.COMMANDS, None])
def test_every_command_has_help(command):
    args = [sys.executable, "-m", "drugcontrol.cli", *([command] if command else []), "--help"]
    if command == "manage":
        args[-1] = "help"
    result = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "usage" in result.stdout.lower() or "Type 'drugcontrol help" in result.stdout


def test_unknown_command_fails_with_usage(capsys):
    assert cli.main(["frobnicate"]) == 2
    assert "unknown command" in capsys.readouterr().err


@pytest.mark.django_db
def test_createuser_creates_organisation_when_missing(countries, monkeypatch):
    output = run(
        "createuser",
        "li.wei",
        "--country",
        "chn",
        "--org-kind",
        "law_enforcement",
        "--role",
        "focal_point",
        "--password-stdin",
        stdin_text=PASSWORD + "\n",
        monkeypatch=monkeypatch,
    )
    user = User.objects.get(username="li.wei")
    assert "created user li.wei" in output
    assert (user.role, user.organisation.kind, user.organisation.country_id) == (
        "focal_point",
        "law_enforcement",
        "CHN",
    )
    assert user.check_password(PASSWORD)
    run(
        "createuser",
        "zhang.min",
        "--country",
        "CHN",
        "--org-kind",
        "law_enforcement",
        "--role",
        "viewer",
        "--password-stdin",
        stdin_text=PASSWORD,
        monkeypatch=monkeypatch,
    )
    assert User.objects.get(username="zhang.min").organisation == user.organisation
    event = AuditEvent.objects.filter(action="user.created").order_by("-sequence").first()
    assert event.actor_id is None and event.owner_organisation_id == user.organisation_id


@pytest.mark.django_db
def test_createuser_international_and_named_organisation(countries, monkeypatch):
    run(
        "createuser",
        "secretariat",
        "--international",
        "--role",
        "admin",
        "--org",
        "Board secretariat",
        "--password-stdin",
        stdin_text=PASSWORD,
        monkeypatch=monkeypatch,
    )
    user = User.objects.get(username="secretariat")
    assert user.is_international and user.organisation.name == "Board secretariat"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--country", "CHN", "--role", "officer"], "--org-kind is required"),
        (["--country", "XXX", "--org-kind", "fiu", "--role", "officer"], "Unknown country"),
        (["--international", "--org-kind", "fiu", "--role", "officer"], "--international"),
        (["--country", "CHN", "--org-kind", "international", "--role", "admin"], "no country"),
    ],
)
def test_createuser_errors_are_clear(countries, monkeypatch, args, message):
    with pytest.raises(CommandError, match=message):
        run(
            "createuser",
            "x.y",
            *args,
            "--password-stdin",
            stdin_text=PASSWORD,
            monkeypatch=monkeypatch,
        )


@pytest.mark.django_db
def test_createuser_rejects_weak_password(countries, monkeypatch):
    with pytest.raises(CommandError, match="password"):
        run(
            "createuser",
            "weak",
            "--country",
            "CHN",
            "--org-kind",
            "fiu",
            "--role",
            "viewer",
            "--password-stdin",
            stdin_text="123",
            monkeypatch=monkeypatch,
        )
    assert not User.objects.filter(username="weak").exists()


@pytest.mark.django_db
def test_token_create_list_revoke(chn_officer):
    secret = run("token", "create", chn_officer.username, "--expires", "5").strip()
    assert token_authenticate(secret) == chn_officer
    token = ApiToken.objects.get(user=chn_officer)
    assert (token.expires_at - token.created_at).days == 5
    assert f"{token.pk}\t{token.prefix}" in run("token", "list", chn_officer.username)
    assert "revoked" in run("token", "revoke", str(token.pk))
    assert token_authenticate(secret) is None
    with pytest.raises(CommandError, match="no user"):
        run("token", "create", "ghost")
    with pytest.raises(CommandError, match="no such token"):
        run("token", "revoke", "999999")


@pytest.mark.django_db
def test_load_demo_is_idempotent(countries):
    first = run("load_demo")
    assert "records created" in first and "demo: 0 records" not in first
    organisations, users, events = (
        Organisation.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )
    second = run("load_demo")
    assert "demo: 0 records created" in second
    assert (Organisation.objects.count(), User.objects.count(), AuditEvent.objects.count()) == (
        organisations,
        users,
        events,
    )
    for username, _index, _role in DEMO_USERS:
        assert username in second
    # Each demo authority's inbox has notifications awaiting its answer.
    from drugcontrol.precursors import selectors as precursor_selectors

    for username in ("chn_officer", "deu_officer", "mex_officer"):
        officer = User.objects.get(username=username)
        assert precursor_selectors.inbox(user=officer).exists(), username
    _no_demo_page_opens_empty()


# The lists each demo account reaches from the navigation, and what shows they are filled.
DEMO_LISTS = [
    ("intl_admin", "/precursors/surveillance/", "demo (generated)"),
    ("chn_officer", "/precursors/surveillance/", "Benzyl cyanide"),
    ("chn_customs", "/precursors/surveillance/", "Nitroethane"),
    ("deu_officer", "/precursors/orders/", "SOR-DEU-"),
    ("deu_company", "/precursors/orders/", "SOR-DEU-"),
    ("chn_officer", "/precursors/annual-reports/", "China"),
    ("mex_officer", "/precursors/annual-reports/", "Mexico"),
    ("intl_admin", "/precursors/annual-reports/", "Germany"),
]


def _no_demo_page_opens_empty():
    """Every page of each demo account's navigation opens with rows in its lists (an empty
    list shows `class="empty"`), and the demo's special surveillance list, suspicious orders
    and Form D reports are where their readers look."""
    from drugcontrol.core.navigation import nav_items
    from drugcontrol.incidents.models import IncidentSubstance
    from drugcontrol.precursors.models import AnnualReportRow

    from ..conftest import signed_in

    for username, url, marker in DEMO_LISTS:
        page = signed_in(User.objects.get(username=username)).get(url)
        html = page.content.decode()
        assert page.status_code == 200 and marker in html, (username, url)
        assert 'class="empty"' not in html, (username, url)
    for username, _index, _role in DEMO_USERS:
        user = User.objects.get(username=username)
        client = signed_in(user)
        urls = [url for _key, _label, url in nav_items(user)]
        for url in urls:
            page = client.get(url)
            assert page.status_code == 200, (username, url)
            html = page.content.decode()
            assert 'class="empty"' not in html, (username, url)
            # A module's own navigation (the precursors pages' tabs) counts as well.
            subnav = re.search(r'<nav class="subnav".*?</nav>', html, re.S)
            for link in re.findall(r'href="([^"]+)"', subnav.group(0) if subnav else ""):
                if link not in urls and not link.endswith(("/new/", "/import/")):
                    urls.append(link)
    # Incidents name chemicals of the list, and a Form D draft counts them in section 2.
    assert IncidentSubstance.objects.exclude(surveillance_chemical=None).count() >= 5
    assert (
        AnnualReportRow.objects.filter(section="seizures_other", report__country_id="CHN")
        .exclude(surveillance_chemical=None)
        .exists()
    )


@pytest.mark.django_db
def test_load_reference_reports_counts(db):
    assert "249 created" in run("load_reference")
    assert "0 created, 0 updated, 249 unchanged" in run("load_reference")


@pytest.mark.django_db
def test_check_command_reports_configuration_and_database(settings):
    settings.SECRET_KEY = "k" * 50
    output = run("healthcheck")
    assert "configuration: ok" in output and "database (" in output and "): ok" in output


@pytest.mark.django_db
def test_check_command_refuses_the_default_secret_key(settings):
    settings.SECRET_KEY = settings.INSECURE_DEFAULT_SECRET_KEY
    with pytest.raises(CommandError, match=r"drugcontrol\.E001"):
        run("healthcheck")


def test_run_keeps_an_audit_key_of_its_own_once(tmp_path, monkeypatch):
    monkeypatch.setenv("DRUGCONTROL_VAR_DIR", str(tmp_path))
    cli._keep_secret_key()
    cli._keep_audit_key()
    audit_key = (tmp_path / "audit_key").read_text()
    cli._keep_audit_key()  # never replaced: events hashed under it must stay verifiable
    assert (tmp_path / "audit_key").read_text() == audit_key
    assert len(audit_key) >= 50 and audit_key != (tmp_path / "secret_key").read_text()
    assert oct((tmp_path / "audit_key").stat().st_mode & 0o777) == "0o600"


@pytest.mark.django_db
def test_audit_checkpoint_command_writes_a_signed_line(settings):
    output = run("audit", "checkpoint")
    assert "checkpoint written" in output
    lines = (settings.AUDIT_CHECKPOINT_DIR / "checkpoints.jsonl").read_text().splitlines()
    assert len(lines) == 1 and '"signature"' in lines[0]

"""Importing MSP files into the spectral library (service, background import, command
line): all or nothing, linked to the registry, one audit event; and the search command's
JSON contract."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from drugcontrol.core.errors import PermissionDenied, ValidationFailed
from drugcontrol.core.imports import import_run, import_start
from drugcontrol.core.models import AuditEvent, ImportState
from drugcontrol.nps.models import LibrarySpectrum, SpectralImport
from drugcontrol.nps.services.spectra import spectra_import
from drugcontrol.nps.spectra.generated import invented_spectrum, msp_text, noisy_copy

pytestmark = pytest.mark.django_db

EPHEDRINE_PEAKS = invented_spectrum("test ephedrine", 165)
LIBRARY = msp_text(
    [
        ("Ephedrine (generated test spectrum)", [("CAS#", "299-42-3")], EPHEDRINE_PEAKS),
        ("Pseudo name", [("Synon", "Cocaine")], invented_spectrum("test cocaine", 303)),
        ("Invented compound X-1", [("Comments", "invented")], invented_spectrum("x1", 250)),
    ]
)
CUT = "Name: Cut\nNum Peaks: 40\n" + "\n".join(f"{40 + i} {i + 1}" for i in range(12)) + "\n"
MALFORMED = {
    "cut in the middle": (CUT, "line 14"),
    "no peaks": ("Name: Empty\nNum Peaks: 0\n", "line 2"),
    "negative intensity": ("Name: N\nNum Peaks: 2\n41 10\n43 -1\n", "line 4"),
    "non-numeric m/z": ("Name: M\nNum Peaks: 2\n41 10\nx43 1\n", "line 4"),
    "more peaks than announced": ("Name: P\nNum Peaks: 1\n41 10\n43 1\n", "line 4"),
}


@pytest.fixture
def lab_officer(make_user):
    return make_user(kind="forensic_lab", role="officer")


def run(*args):
    out = io.StringIO()
    call_command("spectra", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_import_links_by_cas_then_synonym_and_writes_one_event(registry, lab_officer):
    before = AuditEvent.objects.count()
    result = spectra_import(actor=lab_officer, name="lab.msp", content=LIBRARY.encode())
    assert (result["imported"], result["linked"], result["already_present"]) == (3, 2, 0)
    spectra = {s.name: s for s in LibrarySpectrum.objects.select_related("substance")}
    ephedrine = spectra["Ephedrine (generated test spectrum)"]
    assert (ephedrine.substance.name_en, ephedrine.linked_by) == ("Ephedrine", "cas")
    assert ephedrine.peaks == EPHEDRINE_PEAKS and ephedrine.source_line == 1
    assert spectra["Pseudo name"].substance.name_en == "Cocaine"
    assert spectra["Pseudo name"].linked_by == "name"
    assert spectra["Invented compound X-1"].substance is None
    events = AuditEvent.objects.order_by("sequence")[before:]
    assert [event.action for event in events] == ["nps.spectra_imported"]
    # The same file again stores nothing twice.
    again = spectra_import(actor=lab_officer, name="lab.msp", content=LIBRARY.encode())
    assert (again["imported"], again["already_present"]) == (0, 3)
    assert LibrarySpectrum.objects.count() == 3


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_a_malformed_file_stores_nothing_and_names_its_line(registry, lab_officer, kind):
    text, line = MALFORMED[kind]
    content = (LIBRARY + "\n" + text).encode()  # good spectra before the bad one
    shift = LIBRARY.count("\n") + 1
    expected = f"line {int(line.split()[1]) + shift}"
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as raised:
        spectra_import(actor=lab_officer, name="bad.msp", content=content)
    assert expected in {str(where) for where in raised.value.details}, raised.value.details
    assert not LibrarySpectrum.objects.exists() and not SpectralImport.objects.exists()
    assert AuditEvent.objects.count() == events


def test_who_may_import(registry, make_user, chn_officer):
    with pytest.raises(PermissionDenied):
        spectra_import(actor=chn_officer, name="a.msp", content=LIBRARY.encode())
    viewer = make_user(kind="forensic_lab", role="viewer")
    with pytest.raises(PermissionDenied):
        spectra_import(actor=viewer, name="a.msp", content=LIBRARY.encode())
    secretariat = make_user(kind="international", role="officer")
    assert spectra_import(actor=secretariat, name="a.msp", content=LIBRARY.encode())["imported"]


def test_background_import_reports_the_line(registry, lab_officer):
    job = import_start(actor=lab_officer, kind="nps.spectra", name="cut.msp", content=CUT.encode())
    job = import_run(job.pk)
    assert job.state == ImportState.FAILED
    assert job.report[0]["where"]["params"] == {"number": 14}
    assert not LibrarySpectrum.objects.exists()
    job = import_start(
        actor=lab_officer, kind="nps.spectra", name="ok.msp", content=LIBRARY.encode()
    )
    assert import_run(job.pk).state == ImportState.DONE
    assert LibrarySpectrum.objects.count() == 3


def test_command_line_import_and_search_json_contract(registry, tmp_path):
    library = tmp_path / "library.msp"
    library.write_text(LIBRARY, encoding="utf-8")
    assert "3 spectra imported (2 linked to the registry)" in run("import", str(library))
    query = tmp_path / "query.msp"
    query.write_text(
        msp_text([("Seized powder 7", [], noisy_copy(EPHEDRINE_PEAKS, "seized"))]),
        encoding="utf-8",
    )
    answer = json.loads(run("search", str(query), "--format", "json"))
    assert list(answer) == ["query", "hits"] and answer["query"] == {"name": "Seized powder 7"}
    first = answer["hits"][0]
    assert list(first) == ["name", "substance", "score", "status"]
    assert first["name"] == "Ephedrine (generated test spectrum)"
    assert (first["substance"], first["status"]) == ("Ephedrine", "controlled")
    assert 0.9 < first["score"] <= 1.0
    scores = [hit["score"] for hit in answer["hits"]]
    assert scores == sorted(scores, reverse=True) and len(scores) == 3
    unlinked = next(hit for hit in answer["hits"] if hit["name"] == "Invented compound X-1")
    assert (unlinked["substance"], unlinked["status"]) == (None, None)
    assert len(json.loads(run("search", str(query), "--limit", "1"))["hits"]) == 1
    # A file of several spectra: one object per spectrum, as a list.
    both = json.loads(run("search", str(library)))
    assert [item["query"]["name"] for item in both] == [
        "Ephedrine (generated test spectrum)",
        "Pseudo name",
        "Invented compound X-1",
    ]
    assert both[0]["hits"][0]["score"] == pytest.approx(1.0)
    assert "peaks matched" in run("search", str(query), "--format", "text")


def test_command_line_errors_name_the_line_and_fail(registry, tmp_path):
    bad = tmp_path / "cut.msp"
    bad.write_text(CUT, encoding="utf-8")
    for action in ("import", "search"):
        with pytest.raises(CommandError, match="line 14"):
            run(action, str(bad))
    assert not LibrarySpectrum.objects.exists()
    with pytest.raises(CommandError, match="no such file"):
        run("search", str(tmp_path / "missing.msp"))


def test_the_console_command_exits_non_zero_on_a_bad_file(registry, tmp_path):
    from drugcontrol.cli import main

    bad = tmp_path / "cut.msp"
    bad.write_text(CUT, encoding="utf-8")
    with pytest.raises(SystemExit) as exit_code:
        main(["spectra", "search", str(bad)])
    assert exit_code.value.code != 0

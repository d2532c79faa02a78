import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rdkit import Chem

pytestmark = pytest.mark.django_db

EPHEDRINE = "CN[C@@H](C)[C@H](O)c1ccccc1"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("identify", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_identify_smiles_json():
    out, _err = run("--smiles", EPHEDRINE)
    answer = json.loads(out)
    assert list(answer)[:6] == ["query", "status", "matches", "families", "analogues", "errors"]
    assert answer["status"] == "controlled"
    assert answer["matches"][0]["substance"] == "Ephedrine"


def test_identify_text_and_name():
    out, _err = run("--name", "Ephedrine", "--format", "text")
    assert "controlled" in out and "Ephedrine: 1988 Table I (exact)" in out


def test_identify_unreadable_structure_fails_clearly():
    with pytest.raises(CommandError, match="could not read the SMILES"):
        run("--smiles", "C1CC")


def test_identify_csv_file_keeps_going_past_bad_rows(tmp_path):
    path = tmp_path / "seized.csv"
    path.write_text(f"id,smiles,name\n1,{EPHEDRINE},\n2,C1CC,\n3,,\n4,,Acetone\n", encoding="utf-8")
    out, err = run("--file", str(path))
    answers = [json.loads(line) for line in out.splitlines()]
    assert [a["query"]["row"] for a in answers] == ["line 2", "line 3", "line 4", "line 5"]
    assert answers[0]["status"] == "controlled"
    assert answers[1]["errors"] == ["could not read the SMILES"]
    assert answers[2]["errors"] == ["empty row: no smiles and no name"]
    assert answers[3]["matches"][0]["substance"] == "Acetone"
    assert "2 row(s) had errors" in err


def test_identify_sdf_file(tmp_path):
    path = tmp_path / "lab.sdf"
    writer = Chem.SDWriter(str(path))
    for smiles in (EPHEDRINE, "CC(=O)Nc1ccc(O)cc1"):
        writer.write(Chem.MolFromSmiles(smiles))
    writer.close()
    out, _err = run("--file", str(path))
    statuses = [json.loads(line)["status"] for line in out.splitlines()]
    assert statuses == ["controlled", "not_controlled"]


def test_identify_csv_without_usable_columns(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,structure\n1,CCO\n", encoding="utf-8")
    with pytest.raises(CommandError, match="'smiles' or a 'name' column"):
        run("--file", str(path))


def test_load_national_list_command(tmp_path, countries):
    path = tmp_path / "chn.csv"
    path.write_text(
        "name,cas,smiles,schedules,kind\nKetamine,6740-88-1,CNC1(c2ccccc2Cl)CCCCC1=O,Category I,"
        "psychotropic_substance\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("load_national_list", str(path), "--country", "CHN", stdout=out)
    assert "1 rows, 1 listings" in out.getvalue()
    path.write_text("name,schedules\n,Category I\n", encoding="utf-8")
    with pytest.raises(CommandError, match="row 2"):
        call_command("load_national_list", str(path), "--country", "CHN")


def test_identify_json_and_text_for_undrawn_stereo_and_mixtures():
    answer = json.loads(run("--smiles", "CNC(C)C(O)c1ccccc1")[0])
    assert answer["status"] == "possibly_controlled"
    assert {m["basis"] for m in answer["matches"]} == {"stereo_unspecified"}
    mixture = "CC(N)Cc1ccccc1.Cn1cnc2c1c(=O)n(C)c(=O)n2C"
    answer = json.loads(run("--smiles", mixture)[0])
    assert answer["status"] == "controlled" and len(answer["components"]) == 2
    out, _err = run("--smiles", mixture, "--format", "text")
    assert "component 1:" in out and "component 2:" in out
    assert "Amfetamine: 1971 II (exact) [component" in out

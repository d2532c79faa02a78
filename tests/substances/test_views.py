import pytest

from drugcontrol.substances.models import Substance

from ..conftest import signed_in

pytestmark = pytest.mark.django_db


def test_search_page_draws_structures(chn_officer):
    page = signed_in(chn_officer).get("/substances/?q=ephedrine").content.decode()
    assert 'src="data:image/svg+xml;base64,' in page and "Ephedrine" in page


def test_search_page_filters(chn_officer):
    page = (
        signed_in(chn_officer)
        .get("/substances/?instrument=1988&schedule=Table+II")
        .content.decode()
    )
    assert "Acetone" in page and "Ephedrine" not in page


def test_substance_page(chn_officer):
    ephedrine = Substance.objects.get(name_en="Ephedrine")
    page = signed_in(chn_officer).get(f"/substances/{ephedrine.pk}/").content.decode()
    assert "299-42-3" in page and 'data-testid="structure"' in page
    assert 'data-testid="listing-row"' in page and "Table I" in page
    assert "Structurally related controlled substances" in page  # pseudoephedrine, norephedrine


def test_identify_page_explains_the_answer(chn_officer):
    client = signed_in(chn_officer)
    assert client.get("/substances/identify/").status_code == 200
    response = client.post("/substances/identify/", {"structure": "CN[C@@H](C)[C@H](O)c1ccccc1.Cl"})
    page = response.content.decode()
    assert "Under international control" in page
    assert "It is a salt of Ephedrine" in page
    assert "Set aside as counter-ions or solvents" in page
    assert 'data-testid="analogue"' in page


def test_identify_page_errors(chn_officer):
    client = signed_in(chn_officer)
    page = client.post("/substances/identify/", {"structure": "C1CC"}).content.decode()
    assert "could not read the SMILES" in page and 'data-testid="identify-result"' not in page
    page = client.post("/substances/identify/", {"structure": "", "name": ""}).content.decode()
    assert "Give a structure or a name" in page


def test_identify_page_in_chinese(chn_officer):
    client = signed_in(chn_officer)
    client.cookies["django_language"] = "zh-hans"
    page = client.post("/substances/identify/", {"name": "麻黄素"}).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "Under international control" not in page


def test_identify_page_accepts_a_pasted_mol_block(chn_officer):
    from rdkit import Chem

    molblock = Chem.MolToMolBlock(Chem.MolFromSmiles("CN[C@@H](C)[C@H](O)c1ccccc1"))
    assert molblock.startswith("\n")
    page = signed_in(chn_officer).post("/substances/identify/", {"structure": molblock})
    assert "It is Ephedrine" in page.content.decode()


INVENTED_FENTANYL = "CCC(=O)N(c1ccccc1)C1CCN(CCc2ccc(SC)s2)CC1"


def test_an_unlisted_analogue_is_amber_with_the_national_lists_result(chn_officer, chn_admin):
    from drugcontrol.substances import services

    client = signed_in(chn_officer)
    page = client.post("/substances/identify/", {"structure": INVENTED_FENTANYL}).content.decode()
    assert 'class="status analogue"' in page and 'data-status="not_controlled"' in page
    assert "Not listed internationally" in page
    assert "Close to Thiofentanyl (family Fentanyl analogues" in page
    assert "Not under international control" not in page
    assert "national lists loaded" not in page  # none is loaded yet

    services.national_list_load(
        actor=chn_admin,
        country_code="CHN",
        content=b"name,smiles,schedules\nTramadol,CN(C)C[C@H]1CCCC[C@@]1(O)c1cccc(OC)c1,I\n",
    )
    page = client.post("/substances/identify/", {"structure": INVENTED_FENTANYL}).content.decode()
    assert "Not on the national lists loaded (CHN)." in page
    services.national_list_load(
        actor=chn_admin,
        country_code="CHN",
        content=f"name,smiles,schedules\nMethylthiofentanyl-X,{INVENTED_FENTANYL},I\n".encode(),
    )
    page = client.post("/substances/identify/", {"structure": INVENTED_FENTANYL}).content.decode()
    assert "Not on the national lists loaded" not in page
    assert "CHN: Methylthiofentanyl-X" in page
    assert "Listed nationally: CHN (Schedule I)." in page


def test_a_plainly_unrelated_structure_stays_green(chn_officer):
    page = signed_in(chn_officer).post("/substances/identify/", {"structure": "CCO"})
    text = page.content.decode()
    assert 'class="status not-controlled"' in text and "Not under international control" in text


def test_components_and_possible_matches_are_shown(chn_officer):
    client = signed_in(chn_officer)
    mixture = "CC(N)Cc1ccccc1.Cn1cnc2c1c(=O)n(C)c(=O)n2C"
    page = client.post("/substances/identify/", {"structure": mixture}).content.decode()
    assert page.count('data-testid="component"') == 2
    assert "Component 1: It is Amfetamine" in page or "Component 2: It is Amfetamine" in page
    page = client.post(
        "/substances/identify/", {"structure": "CNC(C)C(O)c1ccccc1"}
    ).content.decode()
    assert 'data-status="possibly_controlled"' in page
    assert "It may be Ephedrine" in page and "chiral chromatography" in page
    assert page.count('data-testid="listed-isomer"') == 2  # ephedrine and pseudoephedrine


def test_a_substance_listed_only_nationally_is_not_shown_all_clear(chn_officer, chn_admin):
    from drugcontrol.substances import services

    tramadol = "CN(C)C[C@H]1CCCC[C@@]1(O)c1cccc(OC)c1"
    services.national_list_load(
        actor=chn_admin,
        country_code="CHN",
        content=f"name,smiles,schedules\nTramadol,{tramadol},I\n".encode(),
    )
    page = signed_in(chn_officer).post("/substances/identify/", {"structure": tramadol})
    text = page.content.decode()
    assert 'data-status="not_controlled"' in text and 'class="status analogue"' in text
    assert "Listed nationally: CHN (Schedule I)." in text

"""The spectral library through the API and the pages: list, spectrum, search, import;
who may read (everyone signed in but industry operators) and import (laboratories and the
secretariat)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from drugcontrol.core.testing import ScopeTarget, check_scope
from drugcontrol.nps.models import LibrarySpectrum
from drugcontrol.nps.services.spectra import spectra_import
from drugcontrol.nps.spectra.generated import invented_spectrum, msp_text, noisy_copy

pytestmark = pytest.mark.django_db

API = "/api/v1/nps/spectra"
EPHEDRINE_PEAKS = invented_spectrum("api ephedrine", 165)
LIBRARY = msp_text(
    [
        ("Ephedrine (generated test spectrum)", [("CAS#", "299-42-3")], EPHEDRINE_PEAKS),
        ("Invented compound Y-2", [], invented_spectrum("y2", 222)),
    ]
    + [(f"Invented filler {n}", [], invented_spectrum(f"filler {n}")) for n in range(30)]
)


@pytest.fixture
def library(registry):
    spectra_import(actor=None, name="api.msp", content=LIBRARY.encode())
    return {spectrum.name: spectrum for spectrum in LibrarySpectrum.objects.all()}


@pytest.fixture
def lab(make_user):
    return make_user(kind="forensic_lab", role="officer")


def test_scope_shared_reference_data(library, make_user, intl_viewer):
    spectrum = library["Ephedrine (generated test spectrum)"]
    check_scope(
        ScopeTarget(
            record_id=spectrum.pk,
            list_url=f"{API}?search=Ephedrine",
            detail_url=f"{API}/{spectrum.pk}",
            page_url=f"/nps/spectra/{spectrum.pk}/",
            list_page_url="/nps/spectra/?q=Ephedrine",
            page_marker=f'href="/nps/spectra/{spectrum.pk}/"',
        ),
        own_country_user=make_user(country="CHN", kind="forensic_lab", role="viewer"),
        other_country_user=make_user(country="DEU", kind="law_enforcement", role="viewer"),
        international_user=intl_viewer,
        other_countries_see=True,
    )


def test_operators_see_no_spectrum(library, make_user, client_for):
    client = client_for(make_user(kind="operator", role="admin"))
    spectrum = library["Ephedrine (generated test spectrum)"]
    assert client.get(API).json()["items"] == []
    assert client.get(f"{API}/{spectrum.pk}").status_code == 404
    response = client.post(f"{API}/search", {"peaks": [[41, 1]]}, content_type="application/json")
    assert response.status_code == 403
    assert client.get("/nps/spectra/").status_code == 403
    assert client.get("/nps/spectra/search/").status_code == 403
    assert client.get(f"/nps/spectra/{spectrum.pk}/").status_code == 404


def test_list_is_paginated_and_detail_has_status_and_peaks(library, lab, client_for):
    client = client_for(lab)
    first = client.get(f"{API}?page_size=10").json()
    assert (first["count"], len(first["items"])) == (32, 10) and first["next"]
    spectrum = library["Ephedrine (generated test spectrum)"]
    item = client.get(f"{API}?search=299-42-3").json()["items"]
    assert [(i["id"], i["substance"], i["status"], i["linked_by"]) for i in item] == [
        (spectrum.pk, "Ephedrine", "controlled", "cas")
    ]
    detail = client.get(f"{API}/{spectrum.pk}").json()
    assert detail["peaks"] == [list(peak) for peak in EPHEDRINE_PEAKS]
    assert (detail["source_file"], detail["source_line"]) == ("api.msp", 1)
    unlinked = client.get(f"{API}/{library['Invented compound Y-2'].pk}").json()
    assert (unlinked["substance"], unlinked["status"]) == (None, None)


def test_search_by_peaks_and_by_msp_text(library, lab, client_for):
    client = client_for(lab)
    query = noisy_copy(EPHEDRINE_PEAKS, "api query")
    answer = client.post(
        f"{API}/search", {"peaks": query, "limit": 3}, content_type="application/json"
    ).json()
    assert answer["query"] == {"name": ""} and len(answer["hits"]) == 3
    best = answer["hits"][0]
    assert best["name"] == "Ephedrine (generated test spectrum)"
    assert (best["substance"], best["status"]) == ("Ephedrine", "controlled")
    assert best["score"] > 0.9 and best["matched_peaks"] > 10
    text = msp_text([("Seized tablet", [], query)])
    answer = client.post(f"{API}/search", {"msp": text}, content_type="application/json").json()
    assert answer["query"] == {"name": "Seized tablet"}
    assert answer["hits"][0]["id"] == best["id"]


@pytest.mark.parametrize(
    ("payload", "where"),
    [
        ({"peaks": [[41, 10], [43, -1]]}, "peaks.1"),
        ({"peaks": []}, "peaks"),
        ({"msp": "Name: Cut\nNum Peaks: 3\n41 1\n"}, "line 3"),
        ({"msp": LIBRARY}, "msp"),
        ({}, "__all__"),
        ({"peaks": [[41, 1]], "limit": 1000}, "limit"),
        # Rounds to nominal m/z 0: refused as a file's peak line is.
        ({"peaks": [[0.3, 100], [41, 10]]}, "peaks.0"),
        ({"msp": "Name: Low\nNum Peaks: 2\n0.3 100\n41 10\n"}, "line 3"),
    ],
)
def test_search_refuses_bad_input_naming_the_place(library, lab, client_for, payload, where):
    response = client_for(lab).post(f"{API}/search", payload, content_type="application/json")
    assert response.status_code == 422
    assert where in str(response.json()["error"]["details"])


def test_tiny_intensities_are_searched_as_their_shape(library, lab, client_for):
    """Only the shape of a spectrum counts: intensities scaled down to 1e-300 find what the
    spectrum finds at its own scale, and a lone subnormal peak is still a peak."""
    client = client_for(lab)
    query = noisy_copy(EPHEDRINE_PEAKS, "tiny query")
    found = []
    for scale in (1.0, 1e-300):
        peaks = [[mz, intensity * scale] for mz, intensity in query]
        answer = client.post(f"{API}/search", {"peaks": peaks}, content_type="application/json")
        assert answer.status_code == 200, answer.content
        found.append(answer.json()["hits"][0])
    assert found[0]["name"] == "Ephedrine (generated test spectrum)"
    assert found[1]["id"] == found[0]["id"]
    assert abs(found[1]["score"] - found[0]["score"]) < 1e-9
    single = client.post(
        f"{API}/search", {"peaks": [[58, 5e-324]]}, content_type="application/json"
    )
    assert single.status_code == 200 and single.json()["hits"], single.content


def test_a_list_query_longer_than_any_name_is_a_field_error(library, lab, client_for):
    client = client_for(lab)
    for url in (API, "/api/v1/substances", "/api/v1/entities/parties", "/api/v1/countries"):
        answer = client.get(url, {"search": "x" * 101})
        assert answer.status_code == 422, (url, answer.content)
        assert "search" in str(answer.json()["error"]["details"]), url
        assert client.get(url, {"search": "x" * 100}).status_code == 200, url


def test_pages_list_detail_with_stick_plot_and_search(library, lab, client_for):
    client = client_for(lab)
    spectrum = library["Ephedrine (generated test spectrum)"]
    page = client.get("/nps/spectra/?q=ephedrine").content.decode()
    assert f'href="/nps/spectra/{spectrum.pk}/"' in page and 'data-status="controlled"' in page
    assert 'href="/nps/spectra/import/"' in page  # a laboratory officer may import
    detail = client.get(f"/nps/spectra/{spectrum.pk}/").content.decode()
    assert '<svg class="chart stick-plot"' in detail
    assert detail.count('class="stick"') == len(EPHEDRINE_PEAKS)
    assert f'href="/substances/{spectrum.substance_id}/"' in detail
    upload = SimpleUploadedFile(
        "q.msp", msp_text([("Seized", [], noisy_copy(EPHEDRINE_PEAKS, "page"))]).encode()
    )
    found = client.post(
        "/nps/spectra/search/", {"file": upload, "limit": 5, "min_matched_peaks": 0}
    )
    assert found.status_code == 200
    text = found.content.decode()
    assert text.count('data-testid="spectrum-hit"') == 5
    assert text.index(f'href="/nps/spectra/{spectrum.pk}/"') < text.index("Invented")
    pasted = "\n".join(f"{mz:g} {intensity:g}" for mz, intensity in EPHEDRINE_PEAKS)
    found = client.post(
        "/nps/spectra/search/", {"peaks": pasted, "limit": 1, "min_matched_peaks": 0}
    )
    assert 'data-testid="spectrum-hit"' in found.content.decode()
    bad = client.post(
        "/nps/spectra/search/", {"peaks": "41 10\n43 x", "limit": 1, "min_matched_peaks": 0}
    )
    assert bad.status_code == 422 and "line 2" in bad.content.decode()


def test_import_pages_queue_and_follow(registry, lab, client_for, make_user):
    client = client_for(lab)
    assert client.get("/nps/spectra/import/").status_code == 200
    response = client.post(
        "/nps/spectra/import/", {"file": SimpleUploadedFile("lib.msp", LIBRARY.encode())}
    )
    assert response.status_code == 302
    job_page = client.get(response["Location"])
    assert job_page.status_code == 200
    viewer = client_for(make_user(kind="competent_authority", role="officer"))
    assert viewer.get("/nps/spectra/import/").status_code == 403
    assert viewer.get(response["Location"]).status_code == 404

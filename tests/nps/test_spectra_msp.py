"""Reading MSP files: fields, peak formats, several spectra, and every malformed kind
refused with its line number (tests/nps/test_spectra_import.py checks nothing is stored)."""

import pytest

from drugcontrol.core.errors import ValidationFailed
from drugcontrol.nps.spectra.msp import MAX_PEAKS, normalise_cas, parse_msp

TWO_SPECTRA = """\
Name: Amfetamine (generated test spectrum)
Synon: Amphetamine
Synon: alpha-methylphenethylamine
Formula: C9H13N
MW: 135
CAS#: 300-62-9;  NIST#: 1234
DB#: 42
Comments: invented for a test
Num Peaks: 5
44 999; 91 180; 65 60;
120 20 "M-CH3"
135 5

NAME: Second spectrum
CASNO: 50000
num peaks: 3
41\t100
43 50 57 30
"""


def test_two_spectra_with_their_fields_and_peak_formats():
    first, second = parse_msp(TWO_SPECTRA)
    assert first.name == "Amfetamine (generated test spectrum)"
    assert first.synonyms == ["Amphetamine", "alpha-methylphenethylamine"]
    assert (first.formula, first.molecular_weight, first.cas) == ("C9H13N", 135.0, "300-62-9")
    assert first.fields == {"NIST#": "1234", "DB#": "42"}
    assert first.comments == "invented for a test"
    assert first.peaks == [(44, 999), (91, 180), (65, 60), (120, 20), (135, 5)]
    assert first.line == 1
    assert second.line == 14
    assert second.cas == "50-00-0"  # digits only, as some exports write it
    assert second.peaks == [(41, 100), (43, 50), (57, 30)]


def test_spectra_without_a_blank_line_between_them_and_windows_line_ends():
    text = "Name: A\r\nNum Peaks: 1\r\n41 100\r\nName: B\r\nNum Peaks: 2\r\n(41 10) (42 20)\r\n"
    first, second = parse_msp(text)
    assert (first.name, second.name) == ("A", "B")
    assert second.peaks == [(41, 10), (42, 20)]


def test_colon_pairs_and_decimal_mz():
    (spectrum,) = parse_msp("Name: A\nNum Peaks: 2\n41.05:100 43.1:2.5e1\n")
    assert spectrum.peaks == [(41.05, 100), (43.1, 25)]


def problems_of(text: str) -> dict:
    with pytest.raises(ValidationFailed) as raised:
        parse_msp(text)
    return {str(where): problems for where, problems in raised.value.details.items()}


def test_a_file_cut_in_the_middle_names_its_last_line():
    peaks = "\n".join(f"{40 + i} {10 + i}" for i in range(12))
    text = f"Name: Cut\nNum Peaks: 40\n{peaks}"
    problems = problems_of(text)
    assert list(problems) == ["line 14"]
    message = str(problems["line 14"]["peaks"][0])
    assert "announces 40 peaks (line 2)" in message and "after 12" in message
    assert "end of the file" in message


def test_a_spectrum_cut_by_a_blank_line_or_the_next_name():
    problems = problems_of("Name: A\nNum Peaks: 3\n41 1\n\nName: B\nNum Peaks: 1\n41 1\n")
    assert list(problems) == ["line 4"]
    problems = problems_of("Name: A\nNum Peaks: 3\n41 1\nName: B\nNum Peaks: 1\n41 1\n")
    assert list(problems) == ["line 4"]
    assert "Name:" in str(problems["line 4"]["peaks"][0])


def test_a_spectrum_with_no_peaks():
    assert "no peaks" in str(problems_of("Name: A\nNum Peaks: 0\n\n")["line 2"]["Num Peaks"][0])
    problems = problems_of("Name: A\nFormula: C2H6\n\nName: B\nNum Peaks: 1\n41 1\n")
    assert "no Num Peaks" in str(problems["line 3"]["Num Peaks"][0])
    problems = problems_of("Name: A\nNum Peaks: 2\n41 0 42 0\n")
    assert "zero" in str(problems["line 2"]["peaks"][0])


def test_negative_intensity_and_non_numeric_mz_name_their_lines():
    text = "Name: A\nNum Peaks: 3\n41 100\n43 -5\nabc 7\n"
    problems = problems_of(text)
    assert "negative" in str(problems["line 4"]["intensity"][0])
    assert "abc" in str(problems["line 5"]["m/z"][0])


def test_more_peaks_than_announced():
    problems = problems_of("Name: A\nNum Peaks: 2\n41 100\n43 50\n57 10\n")
    assert "More peaks than the 2 announced" in str(problems["line 5"]["peaks"][0])
    problems = problems_of("Name: A\nNum Peaks: 2\n41 100 43 50 57 10\n")
    assert "line 3" in problems


def test_values_beyond_their_bounds():
    problems = problems_of(f"Name: {'x' * 301}\nNum Peaks: 1\n41 1\n")
    assert "Name" in problems["line 1"]
    problems = problems_of(f"Name: A\nNum Peaks: {MAX_PEAKS + 1}\n41 1\n")
    assert "Num Peaks" in problems["line 2"]
    problems = problems_of("Name: A\nNum Peaks: 2\n41 nan\n5000 1\n")
    assert "intensity" in problems["line 3"] and "m/z" in problems["line 4"]
    problems = problems_of("Name: A\nMW: 1_000\nCAS#: 50-00-1\nNum Peaks: 1\n41 1\n")
    assert "MW" in problems["line 2"] and "CAS#" in problems["line 3"]
    problems = problems_of("Name: A\nNum Peaks: 1\n41\n")
    assert "without its intensity" in str(problems["line 3"]["peaks"][0])


def test_text_that_is_no_msp():
    assert "line 1" in problems_of("just a sentence\n")
    assert "line 1" in problems_of("\n\n")
    assert "file" in problems_of("Name: A\x00\n")


def test_cas_numbers():
    assert normalise_cas("50-00-0") == "50-00-0"
    assert normalise_cas("300629") == "300-62-9"
    assert normalise_cas("N/A") == ""
    assert normalise_cas("50-00-1") is None

"""Reading MSP files (the NIST text format for mass spectra): several spectra, each a block of
`Field: value` lines (`Name:` first, `Num Peaks:` last) followed by its peaks, the spectra
separated by blank lines.

Peak lines hold `m/z intensity` pairs, one or several on a line, separated by spaces, tabs,
`;`, `,` or `:`, possibly in parentheses, with an optional quoted annotation after a pair
(`41 100 "C3H5+"`). Every problem is reported with its line number, and a file with any
problem gives no spectrum at all: a file cut in the middle (fewer peaks than `Num Peaks`
announced before the end or a blank line), a spectrum without peaks, a negative or
non-numeric value, more peaks than announced.

No maintained library was used: matchms' `load_from_msp` (0.33) returns nothing for a file
cut in the middle, drops a spectrum without peaks and reports a bad peak without its line,
so it cannot refuse a file as the imports must."""

import math
import re
from dataclasses import dataclass, field

from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.messages import gettext as _
from drugcontrol.core.tabular import FILE
from drugcontrol.substances.cas import cas_is_valid

MAX_SPECTRA = 20_000  # spectra in one file
MAX_PEAKS = 1_000  # peaks in one spectrum (EI spectra hold tens to a few hundred)
MAX_MZ = 2_000.0  # electron-ionisation spectra stop well below this m/z
# Below it a peak rounds to nominal m/z 0, which no search can compare.
MIN_MZ = 0.5
MAX_INTENSITY = 1e12
MAX_NAME = 300
MAX_SYNONYMS = 30
MAX_FORMULA = 100
MAX_COMMENTS = 2_000
MAX_FIELDS = 30  # other fields kept as given
MAX_FIELD_NAME = 50
MAX_FIELD_VALUE = 1_000
MAX_LINE = 20_000  # characters in one line
MAX_MW = 10_000.0
MAX_PROBLEMS = 50  # a report lists this many problems, then says the file has more

PEAKS_FIELD = "num peaks"
FIELD_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_#/ ().-]{0,49}?)\s*:\s?(.*)$")
NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
ANNOTATION = re.compile(r'"[^"]*"')
SEPARATORS = re.compile(r"[\s;,:()\[\]]+")
PLACEHOLDERS = {"", "0", "-", "n/a", "na", "none", "unknown"}
# Field names as files write them, to the name kept here.
ALIASES = {
    "name": "name",
    "synon": "synonym",
    "synonym": "synonym",
    "formula": "formula",
    "mw": "mw",
    "casno": "cas",
    "cas#": "cas",
    "cas": "cas",
    "comments": "comments",
    "comment": "comments",
    "num peaks": PEAKS_FIELD,
    "numpeaks": PEAKS_FIELD,
}


@dataclass
class ParsedSpectrum:
    line: int  # the line of its first field
    name: str = ""
    synonyms: list[str] = field(default_factory=list)
    formula: str = ""
    molecular_weight: float | None = None
    cas: str = ""
    comments: str = ""
    fields: dict[str, str] = field(default_factory=dict)  # other fields, as the file names them
    peaks: list[tuple[float, float]] = field(default_factory=list)
    announced: int | None = None  # Num Peaks
    announced_line: int = 0


def line_label(number: int) -> str:
    return _("line %(number)s") % {"number": number}


class _Problems:
    """Problems by line, in the shape import reports show: {"line 12": {field: [messages]}}."""

    def __init__(self) -> None:
        self.details: dict = {}
        self.count = 0

    def add(self, line: int, column: str, message) -> None:
        self.count += 1
        if self.count > MAX_PROBLEMS:
            return
        self.details.setdefault(line_label(line), {}).setdefault(column, []).append(message)

    def raise_if_any(self) -> None:
        if not self.count:
            return
        if self.count > MAX_PROBLEMS:
            more = _("%(count)s more problems are not listed.") % {
                "count": self.count - MAX_PROBLEMS
            }
            self.details[FILE] = [more]
        raise ValidationFailed(self.details)


def read_number(text: str) -> float | None:
    """A finite decimal number as files write it; None for anything else (NaN, 1_000, 0x10)."""
    if not NUMBER.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def normalise_cas(text: str) -> str | None:
    """A CAS number as 50-00-0 (files also write it as digits only, 50000); "" for a
    placeholder, None when it is not a CAS number."""
    value = text.strip()
    if value.lower() in PLACEHOLDERS:
        return ""
    if value.isdigit() and 5 <= len(value) <= 10:
        value = f"{value[:-3]}-{value[-3:-1]}-{value[-1]}"
    return value if cas_is_valid(value) else None


def parse_msp(text: str) -> list[ParsedSpectrum]:
    """Every spectrum of the file, or ValidationFailed naming each bad line."""
    if "\x00" in text:
        raise ValidationFailed({FILE: [_("The file holds NUL characters: not a text file.")]})
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline ending the last line
    problems = _Problems()
    spectra: list[ParsedSpectrum] = []
    current: ParsedSpectrum | None = None

    def finish(spectrum: ParsedSpectrum, line: int, *, ended_by: str) -> None:
        _check_complete(spectrum, line, problems, ended_by=ended_by)
        spectra.append(spectrum)

    for number, raw in enumerate(lines, start=1):
        if len(raw) > MAX_LINE:
            problems.add(
                number, "", _("The line is longer than %(max)s characters.") % {"max": MAX_LINE}
            )
            continue
        line = raw.strip()
        if not line:
            if current is not None:
                finish(current, number, ended_by="blank")
                current = None
            continue
        if current is None and line.startswith("#"):
            continue  # a comment between spectra
        match = FIELD_LINE.match(line)
        key = ALIASES.get(match.group(1).strip().lower(), "") if match else ""
        if current is not None and current.announced is not None:
            if key == "name":  # the next spectrum, without a blank line
                finish(current, number, ended_by="name")
                current = None
            else:
                _read_peak_line(current, line, number, problems)
                continue
        if current is None:
            if len(spectra) >= MAX_SPECTRA:
                problems.add(
                    number,
                    "",
                    _("The file holds more than %(max)s spectra; split it.") % {"max": MAX_SPECTRA},
                )
                break
            current = ParsedSpectrum(line=number)
        if match is None:
            if line[0].isdigit() or line[0] in "+-.(":
                problems.add(
                    number,
                    "Num Peaks",
                    _("A peak line comes before the spectrum's Num Peaks line."),
                )
            else:
                problems.add(number, "", _("Expected a field written as Name: value."))
            continue
        _read_field(current, match.group(1).strip(), key, match.group(2).strip(), number, problems)
    if current is not None:
        finish(current, len(lines), ended_by="end")
    if not spectra and not problems.count:
        problems.add(1, "", _("The file holds no spectrum."))
    problems.raise_if_any()
    return spectra


def _read_field(spectrum, label: str, key: str, value: str, number: int, problems) -> None:
    if key == "name":
        if spectrum.name:
            problems.add(
                number, "Name", _("A second Name: leave a blank line between two spectra.")
            )
        elif not value:
            problems.add(number, "Name", _("The name is empty."))
        elif len(value) > MAX_NAME:
            problems.add(number, "Name", _too_long(MAX_NAME))
        else:
            spectrum.name = value
    elif key == "synonym":
        if len(value) > MAX_NAME:
            problems.add(number, label, _too_long(MAX_NAME))
        elif len(spectrum.synonyms) >= MAX_SYNONYMS:
            problems.add(number, label, _("More than %(max)s synonyms.") % {"max": MAX_SYNONYMS})
        elif value:
            spectrum.synonyms.append(value)
    elif key == "formula":
        if len(value) > MAX_FORMULA:
            problems.add(number, label, _too_long(MAX_FORMULA))
        else:
            spectrum.formula = value
    elif key == "mw":
        weight = read_number(value)
        if weight is None or not 0 < weight <= MAX_MW:
            problems.add(
                number,
                label,
                _("Not a molecular weight between 0 and %(max)s: %(value)s")
                % {"max": int(MAX_MW), "value": value[:40]},
            )
        else:
            spectrum.molecular_weight = weight
    elif key == "cas":
        _read_cas(spectrum, label, value, number, problems)
    elif key == "comments":
        if len(value) > MAX_COMMENTS:
            problems.add(number, label, _too_long(MAX_COMMENTS))
        else:
            spectrum.comments = value
    elif key == PEAKS_FIELD:
        count = read_number(value)
        if count is None or count != int(count):
            problems.add(
                number, label, _("Not a number of peaks: %(value)s") % {"value": value[:40]}
            )
        elif count < 1:
            problems.add(number, label, _("The spectrum has no peaks."))
        elif count > MAX_PEAKS:
            problems.add(
                number,
                label,
                _("More than %(max)s peaks in one spectrum.") % {"max": MAX_PEAKS},
            )
        spectrum.announced = int(count) if count is not None and count == int(count) else 0
        spectrum.announced_line = number
    else:
        _keep_field(spectrum, label, value, number, problems)


def _read_cas(spectrum, label: str, value: str, number: int, problems) -> None:
    # NIST writes "CAS#: 50-00-0; NIST#: 12345" on one line.
    first, _sep, rest = value.partition(";")
    cas = normalise_cas(first)
    if cas is None:
        problems.add(number, label, _("Not a CAS number: %(value)s") % {"value": first[:40]})
    else:
        spectrum.cas = cas
    for part in filter(None, (piece.strip() for piece in rest.split(";"))):
        match = FIELD_LINE.match(part)
        if match:
            _keep_field(spectrum, match.group(1).strip(), match.group(2).strip(), number, problems)


def _keep_field(spectrum, label: str, value: str, number: int, problems) -> None:
    if len(value) > MAX_FIELD_VALUE:
        problems.add(number, label, _too_long(MAX_FIELD_VALUE))
    elif len(spectrum.fields) >= MAX_FIELDS and label not in spectrum.fields:
        problems.add(
            number, label, _("More than %(max)s fields in one spectrum.") % {"max": MAX_FIELDS}
        )
    else:
        spectrum.fields[label[:MAX_FIELD_NAME]] = value


def _too_long(limit: int):
    return _("Longer than %(max)s characters.") % {"max": limit}


def _read_peak_line(spectrum, line: str, number: int, problems) -> None:
    tokens = [token for token in SEPARATORS.split(ANNOTATION.sub(" ", line)) if token]
    if len(tokens) % 2:
        problems.add(number, "peaks", _("An m/z value without its intensity."))
        return
    for position in range(0, len(tokens), 2):
        if len(spectrum.peaks) >= spectrum.announced:
            problems.add(
                number,
                "peaks",
                _("More peaks than the %(count)s announced by Num Peaks (line %(line)s).")
                % {"count": spectrum.announced, "line": spectrum.announced_line},
            )
            return
        mz, intensity = read_number(tokens[position]), read_number(tokens[position + 1])
        if mz is None:
            problems.add(
                number, "m/z", _("Not a number: %(value)s") % {"value": tokens[position][:40]}
            )
        elif not MIN_MZ <= mz <= MAX_MZ:
            problems.add(number, "m/z", mz_problem(tokens[position][:40]))
        if intensity is None:
            problems.add(
                number,
                "intensity",
                _("Not a number: %(value)s") % {"value": tokens[position + 1][:40]},
            )
        elif intensity < 0:
            problems.add(
                number,
                "intensity",
                _("An intensity cannot be negative: %(value)s")
                % {"value": tokens[position + 1][:40]},
            )
        elif intensity > MAX_INTENSITY:
            problems.add(number, "intensity", _("The intensity is too large."))
        # A bad pair still counts towards Num Peaks, so one bad value is reported once.
        spectrum.peaks.append((mz or 0.0, intensity or 0.0))


def _check_complete(spectrum, line: int, problems, *, ended_by: str) -> None:
    if not spectrum.name:
        problems.add(spectrum.line, "Name", _("The spectrum has no Name: field."))
    if spectrum.announced is None:
        problems.add(
            line,
            "Num Peaks",
            _("The spectrum %(name)s has no Num Peaks line and no peaks.")
            % {"name": spectrum.name or "—"},
        )
        return
    if spectrum.announced and len(spectrum.peaks) < spectrum.announced:
        where = {
            "end": _("the end of the file"),
            "blank": _("a blank line"),
            "name": _("another spectrum's Name:"),
        }[ended_by]
        problems.add(
            line,
            "peaks",
            _(
                "The spectrum %(name)s announces %(count)s peaks (line %(line)s) but %(where)s "
                "comes after %(found)s: the file is cut or a peak line is missing."
            )
            % {
                "name": spectrum.name or "—",
                "count": spectrum.announced,
                "line": spectrum.announced_line,
                "where": where,
                "found": len(spectrum.peaks),
            },
        )
    elif spectrum.peaks and not any(intensity > 0 for _mz, intensity in spectrum.peaks):
        problems.add(spectrum.announced_line, "peaks", _("Every peak of the spectrum is zero."))


def mz_problem(value) -> str:
    return _("An m/z must be from %(min)s to %(max)s: %(value)s") % {
        "min": MIN_MZ,
        "max": int(MAX_MZ),
        "value": value,
    }


def read_peak_list(pairs, field_name: str = "peaks") -> list[tuple[float, float]]:
    """Peaks given as a list of (m/z, intensity) pairs (the API, a form), checked as a file's
    peaks are; each problem named by its place in the list (`peaks.3`)."""
    problems: dict = {}
    if not pairs:
        raise ValidationFailed({field_name: [_("The spectrum has no peaks.")]})
    if len(pairs) > MAX_PEAKS:
        raise ValidationFailed(
            {field_name: [_("More than %(max)s peaks in one spectrum.") % {"max": MAX_PEAKS}]}
        )
    peaks = []
    for index, pair in enumerate(pairs):
        mz, intensity = (float(value) for value in pair)
        where = f"{field_name}.{index}"
        if not (math.isfinite(mz) and MIN_MZ <= mz <= MAX_MZ):
            problems[where] = [mz_problem(mz)]
        elif not math.isfinite(intensity) or intensity < 0:
            problems[where] = [
                _("An intensity cannot be negative: %(value)s") % {"value": intensity}
            ]
        elif intensity > MAX_INTENSITY:
            problems[where] = [_("The intensity is too large.")]
        peaks.append((mz, intensity))
    if not problems and not any(intensity > 0 for _mz, intensity in peaks):
        problems[field_name] = [_("Every peak of the spectrum is zero.")]
    if problems:
        raise ValidationFailed(problems)
    return peaks


def parse_peak_text(text: str, name: str = "") -> ParsedSpectrum:
    """One spectrum from pasted text: MSP (it has a `Num Peaks:` line), or peak lines alone
    (`m/z intensity` pairs in any of MSP's peak formats), each problem named by its line."""
    if re.search(r"(?im)^\s*num\s*peaks\s*:", text or ""):
        spectra = parse_msp(text)
        if len(spectra) != 1:
            raise ValidationFailed({FILE: [_("Give one spectrum to search.")]})
        return spectra[0]
    spectrum = ParsedSpectrum(line=1, name=name, announced=MAX_PEAKS)
    problems = _Problems()
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, raw in enumerate(lines, start=1):
        if len(raw) > MAX_LINE:
            problems.add(number, "", _too_long(MAX_LINE))
        elif raw.strip():
            _read_peak_line(spectrum, raw.strip(), number, problems)
    if not spectrum.peaks and not problems.count:
        problems.add(1, "peaks", _("The spectrum has no peaks."))
    elif not problems.count and not any(intensity > 0 for _mz, intensity in spectrum.peaks):
        problems.add(1, "peaks", _("Every peak of the spectrum is zero."))
    problems.raise_if_any()
    return spectrum

"""Demo data of the spectral library: a GENERATED library, so that the demo shows searches.

Every spectrum here is invented (`nps.spectra.generated`): one for each registry substance
with a structure, its molecular ion at the substance's nominal mass and the rest drawn from
a seed of its name, and a few dozen for invented compounds linked to nothing. Names and
comments say so; none is a measured spectrum, and none may be used to identify anything.
The library is imported as an MSP file through the import service, as a laboratory's
would be. Idempotent: once the demo spectra are on file nothing is done."""

from rdkit import Chem, RDLogger
from rdkit.Chem import Descriptors

from drugcontrol.core.models import User
from drugcontrol.nps.models import LibrarySpectrum
from drugcontrol.nps.services.spectra import spectra_import
from drugcontrol.nps.spectra.generated import invented_spectrum, msp_text
from drugcontrol.substances.cas import cas_is_valid
from drugcontrol.substances.models import Substance

SUFFIX = "(generated demo spectrum)"
FILE_NAME = "demo-generated-library.msp"
COMMENT = "Generated demo spectrum: invented peaks, not a measured spectrum."
INVENTED = 60  # spectra of invented compounds, linked to no substance


def _nominal_mass(smiles: str) -> int:
    RDLogger.DisableLog("rdApp.*")
    molecule = Chem.MolFromSmiles(smiles) if smiles else None
    if molecule is None:
        return 0
    # The largest fragment (the base, not its salt), at its nominal (integer) mass.
    largest = max(Chem.GetMolFrags(molecule, asMols=True), key=lambda m: m.GetNumHeavyAtoms())
    return round(Descriptors.ExactMolWt(largest))


def demo_library_text() -> str:
    """The generated library as MSP text (deterministic)."""
    entries = []
    for name, cas, formula, smiles in (
        Substance.objects.exclude(smiles="")
        .order_by("name_en")
        .values_list("name_en", "cas", "formula", "smiles")
    ):
        mass = _nominal_mass(smiles)
        if not mass:
            continue
        fields = [("Formula", formula)] if formula else []
        fields += [("MW", mass)] + ([("CAS#", cas)] if cas_is_valid(cas) else [])
        fields.append(("Comments", COMMENT))
        entries.append((f"{name[:250]} {SUFFIX}", fields, invented_spectrum(f"demo {name}", mass)))
    for number in range(1, INVENTED + 1):
        name = f"Invented compound {number:02d} {SUFFIX}"
        entries.append((name, [("Comments", COMMENT)], invented_spectrum(name)))
    return msp_text(entries)


def load_demo_spectra() -> int:
    """Import the generated library once; the number of spectra imported (0 when there)."""
    if LibrarySpectrum.objects.filter(name__endswith=SUFFIX).exists():
        return 0
    secretariat = User.objects.filter(
        username="intl_admin", organisation__kind="international"
    ).first()
    result = spectra_import(actor=secretariat, name=FILE_NAME, content=demo_library_text().encode())
    return result["imported"]

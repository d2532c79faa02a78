"""Structure handling with RDKit: parsing, standardisation, keys, fingerprints, drawings."""

import re
from dataclasses import dataclass, field

from rdkit import Chem, DataStructs, RDLogger
from rdkit.Chem import rdFingerprintGenerator
from rdkit.Chem.Draw import rdMolDraw2D
from rdkit.Chem.MolStandardize import rdMolStandardize
from rdkit.Chem.rdMolDescriptors import CalcMolFormula

RDLogger.DisableLog("rdApp.*")

MAX_HEAVY_ATOMS = 150  # larger inputs are peptides or polymers, not drug-like molecules
FINGERPRINT_BITS = 2048
_fingerprinter = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=FINGERPRINT_BITS)
_uncharger = rdMolStandardize.Uncharger()
_chooser = rdMolStandardize.LargestFragmentChooser(preferOrganic=True)
_CHARGED = re.compile(r"[+-]\d*\]")


class StructureError(ValueError):
    """The input is not a usable structure; the message says why."""


@dataclass
class Standardised:
    """A query or reference structure reduced to its parent compound."""

    parent: Chem.Mol
    smiles: str  # canonical isomeric SMILES of the parent
    inchikey: str  # of the parent, with stereochemistry
    skeleton_key: str  # first InChIKey block: same skeleton, any stereochemistry
    formula: str
    has_stereo: bool
    full_inchikey: str = ""  # of the input as given, before counter-ions were set aside
    removed_fragments: list[str] = field(default_factory=list)  # counter-ions, solvents
    fingerprint: object = None

    @property
    def was_salt(self) -> bool:
        return bool(self.removed_fragments)


def parse(text: str, *, kind: str = "smiles") -> Chem.Mol:
    """Parse SMILES, InChI or a MOL block; raises StructureError with a readable reason."""
    raw = text or ""
    text = raw.strip()
    if not text:
        raise StructureError("empty structure")
    if kind == "molblock" or "M  END" in text:
        # A MOL block's first lines may be blank: keep them as they came.
        molecule = Chem.MolFromMolBlock(raw, sanitize=True, removeHs=True)
        kind = "molblock"
    elif kind == "inchi" or text.startswith("InChI="):
        molecule = Chem.MolFromInchi(text)
    else:
        molecule = Chem.MolFromSmiles(text)
    if molecule is None:
        raise StructureError(f"could not read the {kind if kind != 'smiles' else 'SMILES'}")
    if molecule.GetNumHeavyAtoms() == 0:
        raise StructureError("the structure has no atoms")
    if molecule.GetNumHeavyAtoms() > MAX_HEAVY_ATOMS:
        raise StructureError(
            f"the structure has {molecule.GetNumHeavyAtoms()} heavy atoms; "
            f"the limit is {MAX_HEAVY_ATOMS}"
        )
    return molecule


def standardise(molecule: Chem.Mol, *, with_fingerprint: bool = True) -> Standardised:
    """Keep the largest organic fragment, neutralise it and compute its keys.

    Tautomers are compared through the standard InChI, whose mobile-hydrogen layer gives
    the same key to the usual tautomeric forms.
    """
    several = len(Chem.GetMolFrags(molecule)) > 1
    fragments = Chem.GetMolFrags(molecule, asMols=True, sanitizeFrags=True) if several else ()
    parent = _chooser.choose(molecule) if several else molecule
    parent_smiles = Chem.MolToSmiles(parent)
    if _CHARGED.search(parent_smiles):  # cheaper than visiting every atom from Python
        parent = _uncharger.uncharge(parent)
        parent_smiles = Chem.MolToSmiles(parent)
    removed = []
    if several:
        kept = False
        for fragment in fragments:
            smiles = Chem.MolToSmiles(_uncharger.uncharge(fragment))
            if smiles == parent_smiles and not kept:
                kept = True
                continue
            removed.append(Chem.MolToSmiles(fragment))
    inchikey = Chem.MolToInchiKey(parent)
    if not inchikey:
        raise StructureError("no InChI can be computed for this structure")
    result = Standardised(
        parent=parent,
        smiles=parent_smiles,
        inchikey=inchikey,
        skeleton_key=inchikey[:14],
        formula=CalcMolFormula(parent),
        has_stereo=any(mark in parent_smiles for mark in ("@", "/", "\\")),
        full_inchikey=Chem.MolToInchiKey(molecule) if removed else inchikey,
        removed_fragments=removed,
    )
    if with_fingerprint:
        result.fingerprint = fingerprint(parent)
    return result


def fingerprint(molecule: Chem.Mol):
    return _fingerprinter.GetFingerprint(molecule)


def similarities(query_fingerprint, fingerprints: list) -> list[float]:
    return DataStructs.BulkTanimotoSimilarity(query_fingerprint, fingerprints)


def without_stereo(molecule: Chem.Mol) -> Chem.Mol:
    copy = Chem.Mol(molecule)
    Chem.RemoveStereochemistry(copy)
    return copy


def draw_svg(smiles: str, *, width: int = 300, height: int = 220, highlight_smarts=None) -> str:
    """An SVG drawing of a structure (empty string when it cannot be drawn)."""
    molecule = Chem.MolFromSmiles(smiles) if smiles else None
    if molecule is None:
        return ""
    drawer = rdMolDraw2D.MolDraw2DSVG(width, height)
    options = drawer.drawOptions()
    options.clearBackground = False
    options.addStereoAnnotation = True
    highlight = []
    if highlight_smarts:
        for pattern in highlight_smarts:
            for match in molecule.GetSubstructMatches(pattern):
                highlight.extend(match)
    rdMolDraw2D.PrepareAndDrawMolecule(drawer, molecule, highlightAtoms=sorted(set(highlight)))
    drawer.FinishDrawing()
    svg = drawer.GetDrawingText()
    return svg[svg.index("<svg") :] if "<svg" in svg else svg

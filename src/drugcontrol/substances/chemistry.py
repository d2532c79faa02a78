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
    isotopic: bool = False  # the input carried isotope labels, removed from the parent

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


def _stereo_groups_expanded(molecule: Chem.Mol) -> list[Chem.Mol]:
    """The forms an enhanced-stereo drawing stands for (CXSMILES `&n`/`on`, MOL V3000).

    An AND group is a racemic mixture: both the drawn configuration and its mirror at those
    centres are present. An OR group is one of the two, not known which: those centres are
    as good as undrawn. Absolute groups are as drawn.
    """
    groups = molecule.GetStereoGroups()
    if len(groups) == 0:
        return [molecule]
    forms = [Chem.RWMol(molecule)]
    for group in groups:
        atoms = [atom.GetIdx() for atom in group.GetAtoms()]
        if group.GetGroupType() == Chem.StereoGroupType.STEREO_OR:
            for form in forms:
                for index in atoms:
                    form.GetAtomWithIdx(index).SetChiralTag(Chem.ChiralType.CHI_UNSPECIFIED)
        elif group.GetGroupType() == Chem.StereoGroupType.STEREO_AND:
            mirrored = [Chem.RWMol(form) for form in forms]
            for form in mirrored:
                for index in atoms:
                    form.GetAtomWithIdx(index).InvertChirality()
            forms += mirrored
    result = []
    seen = set()
    for form in forms:
        form.SetStereoGroups([])
        Chem.AssignStereochemistry(form, cleanIt=True, force=True)
        smiles = Chem.MolToSmiles(form)
        if smiles not in seen:
            seen.add(smiles)
            result.append(form.GetMol())
    return result


_ISOTOPE = re.compile(r"\[\d")


def _without_isotopes(molecule: Chem.Mol, smiles: str) -> tuple[Chem.Mol, bool]:
    """The molecule without isotope labels (an isotope shows in SMILES as `[2H]`, `[13C]`:
    testing the text spares a Python loop over the atoms of every query)."""
    if not _ISOTOPE.search(smiles):
        return molecule, False
    labelled = [atom for atom in molecule.GetAtoms() if atom.GetIsotope()]
    copy = Chem.RWMol(molecule)
    for atom in labelled:
        copy.GetAtomWithIdx(atom.GetIdx()).SetIsotope(0)
    plain = copy.GetMol()
    Chem.SanitizeMol(plain)
    return Chem.RemoveHs(plain), True


def skeleton_of(molecule: Chem.Mol) -> str:
    """First InChIKey block of the neutral form: same connectivity, any charge or stereo."""
    neutral = _uncharger.uncharge(molecule)
    return (Chem.MolToInchiKey(neutral) or Chem.MolToInchiKey(molecule) or "")[:14]


def split_components(molecule: Chem.Mol, counter_ions: frozenset = frozenset()) -> list:
    """Each component of a salt or mixture, standardised on its own.

    Fragments whose neutral skeleton is a recognised counter-ion or solvent (`counter_ions`,
    first InChIKey blocks) are set aside and reported with every component; every other
    fragment is a component. When all fragments are counter-ions (sodium chloride,
    potassium sulfate) the largest is the component, as the input has nothing else.
    Identical fragments (a 2:1 salt) count once; a racemic enhanced-stereo drawing gives
    both enantiomers.
    """
    fragments = (
        Chem.GetMolFrags(molecule, asMols=True, sanitizeFrags=True)
        if len(Chem.GetMolFrags(molecule)) > 1
        else (molecule,)
    )
    if len(fragments) == 1:
        return [standardise(form) for form in _stereo_groups_expanded(molecule)]
    aside, kept = [], []
    for fragment in fragments:
        (aside if skeleton_of(fragment) in counter_ions else kept).append(fragment)
    if not kept:
        return [standardise(molecule)]
    removed = [Chem.MolToSmiles(fragment) for fragment in aside]
    distinct, seen = [], set()
    for fragment in kept:
        for form in _stereo_groups_expanded(fragment):
            key = Chem.MolToSmiles(form)
            if key not in seen:
                seen.add(key)
                distinct.append(form)
    single = len(distinct) == 1
    components = []
    for form in distinct:
        # One component with its counter-ions is the listed form of a salt (potassium
        # permanganate); with several, only the component itself can be compared.
        whole = molecule if single and not molecule.GetStereoGroups() else form
        components.append(_standardise_component(form, whole, removed))
    return components


def _standardise_component(fragment: Chem.Mol, whole: Chem.Mol, removed: list[str]):
    result = standardise(fragment)
    result.removed_fragments = list(removed)
    if removed:
        result.full_inchikey = Chem.MolToInchiKey(whole) or result.inchikey
    return result


def standardise(molecule: Chem.Mol, *, with_fingerprint: bool = True) -> Standardised:
    """Keep the largest organic fragment, neutralise it and compute its keys.

    Tautomers are compared through the standard InChI, whose mobile-hydrogen layer gives
    the same key to the usual tautomeric forms.
    """
    several = len(Chem.GetMolFrags(molecule)) > 1
    fragments = Chem.GetMolFrags(molecule, asMols=True, sanitizeFrags=True) if several else ()
    parent = _chooser.choose(molecule) if several else molecule
    parent_smiles = Chem.MolToSmiles(parent)
    parent, isotopic = _without_isotopes(parent, parent_smiles)
    if isotopic:
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
        isotopic=isotopic,
    )
    if with_fingerprint:
        result.fingerprint = fingerprint(parent)
    return result


def fingerprint(molecule: Chem.Mol):
    return _fingerprinter.GetFingerprint(molecule)


def similarities(query_fingerprint, fingerprints: list) -> list[float]:
    return DataStructs.BulkTanimotoSimilarity(query_fingerprint, fingerprints)


def mirror_image(molecule: Chem.Mol) -> Chem.Mol:
    """Every tetrahedral centre inverted (the enantiomer of a chiral molecule)."""
    copy = Chem.RWMol(molecule)
    for atom in copy.GetAtoms():
        if atom.GetChiralTag() in (
            Chem.ChiralType.CHI_TETRAHEDRAL_CW,
            Chem.ChiralType.CHI_TETRAHEDRAL_CCW,
        ):
            atom.InvertChirality()
    return copy.GetMol()


def inchikey_of(smiles: str) -> str:
    molecule = Chem.MolFromSmiles(smiles)
    return (Chem.MolToInchiKey(molecule) if molecule is not None else "") or ""


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

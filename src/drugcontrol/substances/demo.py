"""Demo data of the substances app: a special surveillance list, loaded by the demo
secretariat through the same service as a real edition.

The limited international special surveillance list has a restricted distribution and is
not public, so this is not it: a generated, illustrative list of common industrial
chemicals that no convention table lists, with their CAS numbers. Neither the names nor
any note claims that a chemical is on the real list; the edition and every entry say that
the list is generated demo data. Idempotent: a list on file is left alone."""

import csv
import io

from drugcontrol.core.models import User
from drugcontrol.substances import services
from drugcontrol.substances.models import SurveillanceChemical

EDITION = "demo (generated)"
NOTE = "Illustrative entry of generated demo data; not taken from the INCB list."
# name, CAS number, HS code (chemicals no table of the 1988 Convention lists)
CHEMICALS = [
    ("Benzyl cyanide", "140-29-4", "2926.90"),
    ("Nitroethane", "79-24-3", "2904.20"),
    ("Nitromethane", "75-52-5", "2904.20"),
    ("Benzaldehyde", "100-52-7", "2912.21"),
    ("Benzyl chloride", "100-44-7", "2903.99"),
    ("Formamide", "75-12-7", "2924.19"),
    ("Methylamine", "74-89-5", "2921.11"),
    ("Ammonium formate", "540-69-2", "2915.12"),
    ("Red phosphorus", "7723-14-0", "2804.70"),
    ("Hydriodic acid", "10034-85-2", "2811.19"),
    ("Propionyl chloride", "79-03-8", "2915.90"),
    ("2-Phenylethyl bromide", "103-63-9", "2903.99"),
    ("Aniline", "62-53-3", "2921.41"),
    ("Hydroxylamine hydrochloride", "5470-11-1", "2825.10"),
]


def surveillance_file() -> bytes:
    """The generated list as the secretariat's CSV file (`name,cas,hs_code,notes`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(services.SURVEILLANCE_COLUMNS)
    for name, cas, hs_code in CHEMICALS:
        writer.writerow([name, cas, hs_code, NOTE])
    return buffer.getvalue().encode()


def load(result) -> None:
    secretariat = User.objects.filter(username="intl_admin").first()
    if secretariat is None or SurveillanceChemical.objects.exists():
        return
    loaded = services.surveillance_load(
        actor=secretariat, content=surveillance_file(), edition=EDITION
    )
    result.created += loaded["loaded"]

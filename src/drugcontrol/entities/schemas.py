"""The one description of a party an API caller sends, shared by every app whose records
name parties (their schemas subclass these, adding the party's role in the record)."""

from ninja import Schema

from drugcontrol.core.bounds import RecordId, choice
from drugcontrol.entities.models import PartyKind


class _PartyDetails(Schema):
    """Where a party is and how it is reached (not a schema of the API on its own)."""

    country: str | None = None
    address: str = ""
    phone: str | None = None
    email: str | None = None


class PartyIn(_PartyDetails):
    """A party registered on its own: its kind and name are required."""

    kind: choice(PartyKind)
    name: str


class PartyReferenceIn(_PartyDetails):
    """A party a record names: one on file (`party_id`), or a new one described by its
    details (then `name` is required by the service)."""

    party_id: RecordId | None = None
    kind: choice(PartyKind) = "company"
    name: str = ""

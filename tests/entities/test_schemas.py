"""One party input schema, shared: the entities app's `PartyIn` and `PartyReferenceIn`,
which the schemas of records naming parties subclass."""

from drugcontrol.api import api
from drugcontrol.entities.schemas import PartyIn, PartyReferenceIn
from drugcontrol.incidents.api import IncidentPartyIn


def test_incident_party_is_a_party_reference_with_a_role():
    assert issubclass(IncidentPartyIn, PartyReferenceIn)
    fields = set(IncidentPartyIn.model_fields)
    assert fields == {*PartyReferenceIn.model_fields, "role", "nationality"}
    assert set(PartyReferenceIn.model_fields) == {*PartyIn.model_fields, "party_id"}
    assert PartyIn.model_fields["name"].is_required()
    assert not PartyReferenceIn.model_fields["name"].is_required()


def test_openapi_names_the_party_schemas_once():
    components = api.get_openapi_schema()["components"]["schemas"]
    assert {"PartyIn", "IncidentPartyIn"} <= set(components)
    assert "role" in components["IncidentPartyIn"]["properties"]
    assert "party_id" in components["IncidentPartyIn"]["properties"]
    assert "role" not in components["PartyIn"]["properties"]

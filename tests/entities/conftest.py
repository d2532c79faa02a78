import pytest

from drugcontrol.entities import services


@pytest.fixture
def make_party(countries):
    def make(name, *, kind="company", country="CHN", actor=None, phone=None, organisation=None):
        data = services.validate_party(
            kind=kind,
            name=name,
            country_code=country,
            identifiers=[("phone", phone)] if phone else [],
        )
        return services.party_create(actor=actor, data=data, owner_organisation=organisation)

    return make

import pytest

from drugcontrol.monitoring import selectors, services


@pytest.fixture
def definitions(countries):
    return services.definitions_load()


@pytest.fixture
def focal_point(make_user):
    return make_user(country="CHN", kind="competent_authority", role="focal_point")


@pytest.fixture
def provider(make_user):
    return make_user(country="CHN", kind="competent_authority", role="officer")


@pytest.fixture
def secretariat(make_user):
    return make_user(kind="international", role="officer")


@pytest.fixture
def use_2024(definitions, provider):
    dataset = selectors.dataset_get(provider, "ARQ_USE")
    return services.submission_open(actor=provider, country="CHN", dataset=dataset, year=2024)


def cell(element, value, comment="", **options):
    return services.ValueInput(element=element, options=options, value=value, comment=comment)

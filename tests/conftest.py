import itertools

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from drugcontrol.core import services
from drugcontrol.core.audit import allow_purge
from drugcontrol.core.reference import load_countries

PASSWORD = "correct-horse-battery-9"
_sequence = itertools.count(1)


@pytest.fixture(autouse=True)
def fast_password_hashing(request, settings):
    """Argon2 costs ~50 ms a hash; tests that do not test hashing use a fast hasher."""
    if "real_hashing" not in request.keywords:
        settings.PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.MD5PasswordHasher",
            *settings.PASSWORD_HASHERS,
        ]


@pytest.fixture(autouse=True)
def language_reset():
    """Each test starts in the default language: the test client's requests leave the last
    request's language active in the thread (LocaleMiddleware does not undo it)."""
    translation.deactivate()
    yield
    translation.deactivate()


def _database_use(request) -> str | None:
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if {"transactional_db", "live_server"} & names or (
        marker is not None and marker.kwargs.get("transaction")
    ):
        return "transactional_db"
    if "db" in names or marker is not None:
        return "db"
    return None


TEST_AUDIT_KEY = "test-audit-key-fixed-for-the-suite-0123456789"


@pytest.fixture(autouse=True)
def audit_key_and_checkpoints(settings, tmp_path):
    """A fixed audit key apart from SECRET_KEY, and each test's own checkpoint directory."""
    settings.AUDIT_KEY = TEST_AUDIT_KEY
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"
    # No time-based checkpoint tasks in a long run: tests that count queued tasks stay exact.
    settings.AUDIT_CHECKPOINT_MINUTES = 10**9


@pytest.fixture(autouse=True)
def audit_append_only(request):
    """Audit rows stay undeletable during every test; only the flush that empties the
    database after a transactional test may remove them (see audit.allow_purge)."""
    use = _database_use(request)
    if use is not None:
        request.getfixturevalue(use)
        allow_purge(False)
    yield
    if use == "transactional_db":
        allow_purge(True)


@pytest.fixture
def countries(db):
    load_countries()


@pytest.fixture
def make_org(countries):
    def make(country="CHN", kind="competent_authority", name=None, **extra):
        number = next(_sequence)
        name = name or f"Organisation {number} ({country or 'international'})"
        organisation = services.organisation_for(kind=kind, country_code=country, name=name)
        if extra:
            for field, value in extra.items():
                setattr(organisation, field, value)
            organisation.save()
        return organisation

    return make


@pytest.fixture
def make_user(make_org):
    def make(country="CHN", role="officer", organisation=None, kind="competent_authority", **kw):
        preferred_language = kw.pop("preferred_language", "")
        organisation = organisation or make_org(
            country=None if kind == "international" else country, kind=kind
        )
        username = kw.pop("username", None) or f"user{next(_sequence)}"
        user = services.user_create(
            actor=None,
            organisation=organisation,
            username=username,
            role=role,
            password=kw.pop("password", PASSWORD),
            **kw,
        )
        if preferred_language:
            user = services.profile_update(
                actor=user,
                email=user.email,
                first_name=user.first_name,
                last_name=user.last_name,
                preferred_language=preferred_language,
            )
        return user

    return make


@pytest.fixture
def chn_officer(make_user):
    return make_user(country="CHN", role="officer")


@pytest.fixture
def chn_admin(chn_officer, make_user):
    return make_user(role="admin", organisation=chn_officer.organisation)


@pytest.fixture
def deu_officer(make_user):
    return make_user(country="DEU", role="officer")


@pytest.fixture
def deu_admin(deu_officer, make_user):
    return make_user(role="admin", organisation=deu_officer.organisation)


@pytest.fixture
def intl_admin(make_user):
    return make_user(kind="international", role="admin")


@pytest.fixture
def intl_viewer(intl_admin, make_user):
    return make_user(role="viewer", organisation=intl_admin.organisation)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[0])
    return client


@pytest.fixture
def client_for():
    return signed_in


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the controlled-substance lists once for the whole run (they take a few seconds).
    Transactional tests empty the database; the `registry` fixture loads them again there."""
    from django.test import override_settings

    from drugcontrol.substances.services import reference_lists_load

    with django_db_blocker.unblock(), override_settings(AUDIT_KEY=TEST_AUDIT_KEY):
        reference_lists_load()


@pytest.fixture
def registry(db):
    from drugcontrol.substances.models import Substance
    from drugcontrol.substances.services import reference_lists_load

    if not Substance.objects.exists():
        reference_lists_load()

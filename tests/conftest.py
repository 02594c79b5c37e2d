"""The fixed cast of users every permission test uses, the demo city, and test-wide settings."""

import warnings

import pytest
from django.utils import translation

from accounts.models import Role
from tests.demo_db import DemoRows, seed_demo
from tests.factories import UserFactory, opd

ROLES = ["anonymous", "dinsos_caseworker", "disnaker_caseworker", "supervisor", "admin"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _indonesian():
    """Each test starts in the default language (a request in English must not leak into the next test)."""
    with translation.override("id"):
        yield


@pytest.fixture(scope="session")
def _demo_rows(django_db_setup, django_db_blocker) -> DemoRows:
    """seed_demo, run once per test database (each xdist worker has its own) and rolled back at once."""
    with django_db_blocker.unblock(), translation.override("id"):
        return DemoRows.record()


@pytest.fixture(autouse=True)
def _demo_before_other_data(request):
    """A test that uses the demo gets it before any other fixture writes rows, on the fresh database the
    recorded rows were taken from (their keys are free, nothing the seed reads has changed)."""
    if "demo" in request.fixturenames:
        request.getfixturevalue("demo")


@pytest.fixture
def demo(db, _demo_rows):
    """The demo city exactly as `seed_demo` writes it (accounts with the demo password, 69 extreme-poor
    persons, casework, referrals, baseline), put back from the session's one run; the test's changes are
    rolled back (or flushed, for transactional tests) as usual. Tests that do not ask for it see none of it."""
    if _demo_rows.fits():
        _demo_rows.restore()
    else:  # not a fresh database (some earlier test left rows): seed for real, slowly but correctly
        warnings.warn("demo: the database was not fresh, so seed_demo ran in full", stacklevel=1)
        with translation.override("id"):
            seed_demo()


@pytest.fixture
def dinsos_caseworker(db):
    return UserFactory(username="cw_dinsos", opd=opd("Dinsos"), role=Role.CASEWORKER)


@pytest.fixture
def disnaker_caseworker(db):
    return UserFactory(username="cw_disnaker", opd=opd("Disnaker"), role=Role.CASEWORKER)


@pytest.fixture
def supervisor(db):
    return UserFactory(username="sv_dinsos", opd=opd("Dinsos"), role=Role.SUPERVISOR)


@pytest.fixture
def city_admin(db):
    return UserFactory(username="admin_kota", opd=opd("Diskominfo"), role=Role.ADMIN)


@pytest.fixture
def cast(db, dinsos_caseworker, disnaker_caseworker, supervisor, city_admin):
    """role name -> user (None for anonymous)."""
    return {
        "anonymous": None,
        "dinsos_caseworker": dinsos_caseworker,
        "disnaker_caseworker": disnaker_caseworker,
        "supervisor": supervisor,
        "admin": city_admin,
    }


@pytest.fixture
def client_as(client, cast):
    """`client_as("supervisor")` returns the test client signed in as that member of the cast."""

    def sign_in(role: str):
        user = cast[role]
        if user is not None:
            client.force_login(user)
        return client

    return sign_in

"""The fixed cast of users every permission test uses, and test-wide settings."""

import pytest
from django.utils import translation

from accounts.models import Role
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

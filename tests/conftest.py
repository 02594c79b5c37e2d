"""The fixed cast of users every permission test uses, the demo city, and test-wide settings."""

import io

import pytest
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils import timezone, translation

from accounts.middleware import SessionRefreshMiddleware
from accounts.models import Role
from tests.factories import UserFactory, opd
from tests.recorded import once, recorded

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USES_DB = {"db", "transactional_db", "live_server"}
ROLES = ["anonymous", "dinsos_caseworker", "disnaker_caseworker", "supervisor", "admin"]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests that use no database run first (pytest-django puts them last, after the transactional ones): the
    longest of them (a server in its own process, files read in child processes) then no longer end a
    pytest-xdist run on one worker while the other waits. The database tests keep pytest-django's order."""
    items.sort(key=lambda item: bool(item.get_closest_marker("django_db") or USES_DB & set(item.fixturenames)))


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHER


@pytest.fixture(autouse=True)
def _plain_static(settings):
    """Static files under their own names: production's hashed names need `collectstatic` first (its
    compressed copies are measured in tests/test_page_weight.py)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _jobs_root(settings, tmp_path_factory):
    """Background jobs' files go to the test session's folder, never into the project's var/ (one folder for
    the session: tests/recorded.py puts back jobs recorded by an earlier test, with their files)."""
    settings.JOBS_ROOT = tmp_path_factory.getbasetemp() / "jobs"


@pytest.fixture(autouse=True)
def _indonesian():
    """Each test starts in the default language (a request in English must not leak into the next test)."""
    with translation.override("id"):
        yield


@pytest.fixture(autouse=True)
def _nothing_cached(settings):
    """Nothing is cached (the app caches nothing today): should something start to, the pinned query counts
    stay those of a cold cache."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def seed_demo() -> None:
    """The real command, as users run it (DEBUG on), with the tests' password hasher."""
    with override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHER):
        call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture(autouse=True)
def _demo_before_other_data(request):
    """A test that uses the demo gets it first, on the fresh database: the same state every time, so the demo
    is seeded once per test database and put back in the later tests (tests/recorded.py)."""
    if "demo" in request.fixturenames:
        request.getfixturevalue("demo")


@pytest.fixture
def demo(db):
    """The demo city exactly as `seed_demo` writes it: accounts with the demo password, 69 extreme-poor
    persons, casework, referrals, the baseline. Tests that do not ask for it see none of it."""
    with translation.override("id"):
        once("demo", seed_demo)


@pytest.fixture
@recorded
def dinsos_caseworker(db):
    return UserFactory(username="cw_dinsos", opd=opd("Dinsos"), role=Role.CASEWORKER)


@pytest.fixture
@recorded
def disnaker_caseworker(db):
    return UserFactory(username="cw_disnaker", opd=opd("Disnaker"), role=Role.CASEWORKER)


@pytest.fixture
@recorded
def supervisor(db):
    return UserFactory(username="sv_dinsos", opd=opd("Dinsos"), role=Role.SUPERVISOR)


@pytest.fixture
@recorded
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


def signed_in_now(client) -> None:
    """Stamp a forced sign-in's session as the sign-in page's response does (SessionRefreshMiddleware), so
    the pages that follow within the minute do not write the session, as after a real sign-in."""
    session = client.session
    session[SessionRefreshMiddleware.KEY] = int(timezone.now().timestamp())
    session.save()


@pytest.fixture
def client_as(client, cast):
    """`client_as("supervisor")` returns the test client signed in as that member of the cast."""

    def sign_in(role: str):
        user = cast[role]
        if user is not None:
            client.force_login(user)
            signed_in_now(client)
        return client

    return sign_in

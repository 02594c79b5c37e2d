"""Account administration's reads: the user and OPD lists in a pinned number of queries, the same with 3 rows as
with 20; who is locked out is read for the page's accounts in one query."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts import selectors
from accounts.filters import UserFilter
from accounts.models import Opd, Role
from accounts.services import opd_save, user_create
from tests.factories import opd

pytestmark = pytest.mark.django_db
PASSWORD = "sandi-sementara-2025"


def add_users(count: int, admin, start: int) -> None:
    for n in range(start, start + count):
        user_create(
            actor=admin,
            password=PASSWORD,
            username=f"petugas{n}",
            first_name="Petugas",
            last_name=str(n),
            email=f"petugas{n}@contoh.go.id",
            opd=opd("Disnaker"),
            role=Role.CASEWORKER,
        )


def lock_out(username: str, settings, address: str = "10.0.0.7") -> None:
    """Wrong passwords until the account is locked (each from its own address, which is locked too)."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(
            reverse("accounts:login"), {"username": username, "password": "salah-salah-salah"}, REMOTE_ADDR=address
        )


def test_user_list_reads_in_a_fixed_number_of_queries(client_as, city_admin, settings, django_assert_num_queries):
    client = client_as("admin")
    lock_out("petugas0", settings)
    disnaker = opd("Disnaker")
    for total, more in ((3, 3), (20, 17)):
        add_users(more, city_admin, start=total - more)
        with django_assert_num_queries(9):
            response = client.get(reverse("accounts:user_list"), {"opd": disnaker.pk})
        accounts = list(response.context["page_obj"])
        assert len(accounts) == total + 1  # and the Disnaker caseworker of the cast
        assert response.context["locked"] == {"petugas0"}


def test_opd_list_reads_in_a_fixed_number_of_queries(client_as, city_admin, django_assert_num_queries):
    client = client_as("admin")
    before = len(client.get(reverse("accounts:opd_list")).context["opds"])
    for total, more in ((3, 3), (20, 17)):
        for n in range(total - more, total):
            opd_save(actor=city_admin, name=f"Dinas Uji {n}", short_name=f"Uji{n}", is_active=n % 2 == 0)
        with django_assert_num_queries(5):
            response = client.get(reverse("accounts:opd_list"))
        assert len(response.context["opds"]) == before + total


def test_a_page_of_users_and_who_is_locked_out_in_three_queries(cast, settings, django_assert_num_queries):
    lock_out("cw_disnaker", settings)
    lock_out("sv_dinsos", settings, address="10.0.0.8")
    filters = UserFilter({"role": Role.CASEWORKER})
    assert filters.is_valid()
    with django_assert_num_queries(3):  # count, page with OPDs, locks
        found = selectors.users(filters=filters)
        listed = [(account.username, account.opd.short_name) for account in found.page]
    assert listed == [("cw_dinsos", "Dinsos"), ("cw_disnaker", "Disnaker")]
    assert found.locked == {"cw_disnaker"}  # the supervisor is locked too, but not on this page


def test_opds_come_with_their_active_users_and_programmes_counted(cast, django_assert_num_queries):
    programmes = {o.short_name: o.programs.count() for o in Opd.objects.all()}
    assert programmes["Dinsos"] > 1  # so a count that multiplied users by programmes would show
    with django_assert_num_queries(1):
        counted = {o.short_name: (o.user_count, o.program_count) for o in selectors.opds()}
    assert counted["Dinsos"] == (2, programmes["Dinsos"])  # the Dinsos caseworker and supervisor of the cast
    assert counted["Disnaker"] == (1, programmes["Disnaker"])

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role, User
from audit.models import ChangeLog
from households.models import Household, Person, Visit
from households.nik import validate_nik
from interventions.models import Intervention

pytestmark = pytest.mark.django_db


def test_demo_matches_the_citys_last_count(demo):
    extreme_poor = Person.objects.extreme_poor()
    assert extreme_poor.count() == 69
    in_kameloh_baru = extreme_poor.filter(household__kelurahan__name="Kameloh Baru").count()
    assert 30 <= in_kameloh_baru < 69 / 2 + 1  # nearly half
    places = set(extreme_poor.values_list("household__kelurahan__name", flat=True))
    assert {"Kameloh Baru", "Danau Tundai", "Kereng Bangkirai"} <= places
    assert set(
        extreme_poor.exclude(
            household__kelurahan__name__in=["Kameloh Baru", "Danau Tundai", "Kereng Bangkirai"]
        ).values_list("household__kelurahan__kecamatan__name", flat=True)
    ) == {"Rakumpit"}


def test_demo_accounts_have_their_roles_and_the_documented_password(demo):
    expected = {
        "admin": Role.ADMIN,
        "supervisor": Role.SUPERVISOR,
        "dinsos": Role.CASEWORKER,
        "disnaker": Role.CASEWORKER,
    }
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert user.role == role
        assert user.check_password("demo-palangka")
    assert User.objects.get(username="dinsos").opd.short_name == "Dinsos"
    assert User.objects.get(username="disnaker").opd.short_name == "Disnaker"


def test_every_demo_nik_agrees_with_birth_date_and_sex(demo):
    people = Person.objects.exclude(nik="")
    assert people.count() > 60
    for person in people:
        validate_nik(person.nik, birth_date=person.birth_date, sex=person.sex)
    assert Person.objects.filter(nik="").exists()  # some have no NIK yet


def test_demo_has_visits_and_interventions_by_several_opds(demo):
    assert Visit.objects.count() >= 10
    assert Intervention.objects.values("opd").distinct().count() >= 4
    assert Intervention.objects.filter(status=Intervention.Status.DELIVERED).exists()
    assert Intervention.objects.filter(status=Intervention.Status.PLANNED).exists()
    served = Person.objects.extreme_poor().filter(interventions__status="delivered").distinct().count()
    assert 0 < served < 69  # some still have nothing delivered
    assert ChangeLog.objects.filter(source="seed_demo").count() > 100


def test_running_twice_creates_nothing_new(demo, settings):
    settings.DEBUG = True
    counts = [m.objects.count() for m in (User, Household, Person, Visit, Intervention, ChangeLog)]
    call_command("seed_demo", stdout=io.StringIO())
    assert [m.objects.count() for m in (User, Household, Person, Visit, Intervention, ChangeLog)] == counts


def test_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    assert not Household.objects.exists()
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert Person.objects.extreme_poor().count() == 69

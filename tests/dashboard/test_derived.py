"""Derived numbers — registry summaries, served flags, dashboard tallies — have one definition and one write
path, follow every path that writes (services, Django admin, bulk writes), and are checked against an
independent recount from the raw rows (tests/oracle.py) by a check that can fail."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from audit.casework import CaseWriteOutsideScope, case_scope
from dashboard import derived
from dashboard.models import Contribution, Tally
from dashboard.tallies import Measure
from households.models import Household, Person, Visit
from households.services import visit_log
from interventions.models import Intervention
from tests import oracle
from tests.factories import HouseholdFactory, InterventionFactory, PersonFactory, UserFactory, kelurahan, opd
from tests.pageforms import page_form
from tests.recorded import recorded

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def screens(client) -> dict:
    """The numbers the home page, the dashboard and the registry show a supervisor."""
    home = client.get(reverse("home")).context
    dashboard = client.get(reverse("dashboard:index")).context["headline"]
    registry = client.get(reverse("cases:registry")).context["persons"]
    return {"home": home["city"], "dashboard": dashboard, "registry": registry}


def assert_all_agree(client) -> None:
    """Stored values = an independent recount, the check says so, and every screen shows the recount."""
    assert oracle.differences() == []
    assert derived.check().ok
    expected = oracle.city()
    shown = screens(client)
    for key in ("ep_persons", "ep_households", "served_persons", "graduated", "visited", "in_priority_locus"):
        assert shown["home"][key] == expected[key], key
    for key in ("ep_persons", "ep_households", "served_persons", "graduated", "visited"):
        assert shown["dashboard"][key] == expected[key], key
    assert (shown["registry"]["households"], shown["registry"]["extreme_poor"], shown["registry"]["served"]) == (
        expected["households"],
        expected["ep_persons"],
        expected["served_persons"],
    )


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True, role="admin"))
    return client


@pytest.fixture
@recorded
def city(supervisor, disnaker_caseworker):
    """Two extreme-poor families, each member reached by a delivery, one visited."""
    people = [PersonFactory(household=HouseholdFactory(kelurahan=kelurahan("Kameloh Baru"))) for _ in range(2)]
    for person in people:
        PersonFactory(household=person.household, relation="anak", nik="", full_name=f"Anak {person.pk}")
    for person in Person.objects.all():
        InterventionFactory(
            person=person, program__opd=opd("Disnaker"), status="delivered", delivered_on=TODAY, amount=100_000
        )
    visit_log(household=people[0].household, caseworker=disnaker_caseworker, purpose="monitoring", visited_on=TODAY)
    return people


# The review's findings: a Django-admin edit or delete left the dashboard wrong while the check said "match".


def test_unticking_extreme_poor_in_django_admin_moves_home_dashboard_and_registry_alike(admin_client, client_as, city):
    person = city[0]
    form = page_form(admin_client.get(reverse("admin:households_person_change", args=[person.pk])))
    form["is_extreme_poor"] = False
    assert form.submit(admin_client, button="_save").status_code == 302
    supervisor = client_as("supervisor")
    assert screens(supervisor)["dashboard"]["ep_persons"] == 3
    assert_all_agree(supervisor)


def test_deleting_deliveries_and_a_visit_in_django_admin_takes_them_off_every_number(admin_client, client_as, city):
    household = city[0].household
    delivered = list(Intervention.objects.filter(household=household))
    assert len(delivered) == 2
    for intervention in delivered:
        url = reverse("admin:interventions_intervention_delete", args=[intervention.pk])
        assert page_form(admin_client.get(url)).submit(admin_client).status_code == 302
    visit = Visit.objects.get(household=household)
    url = reverse("admin:households_visit_delete", args=[visit.pk])
    assert page_form(admin_client.get(url)).submit(admin_client).status_code == 302
    household.refresh_from_db()
    assert (household.delivered_count, household.served_count, household.last_visit_on) == (0, 0, None)
    assert not Person.objects.filter(household=household, is_served=True).exists()
    supervisor = client_as("supervisor")
    assert screens(supervisor)["dashboard"]["served_persons"] == 2
    assert_all_agree(supervisor)


def test_a_bulk_delete_action_in_django_admin_keeps_every_number(admin_client, client_as, city):
    changelist = reverse("admin:interventions_intervention_changelist")
    form = page_form(admin_client.get(changelist), containing="action")
    form["action"] = "delete_selected"
    form["_selected_action"] = [str(pk) for pk in Intervention.objects.values_list("pk", flat=True)[:3]]
    confirm = page_form(form.submit(admin_client))
    assert confirm.submit(admin_client).status_code == 302
    assert Intervention.objects.count() == 1
    assert_all_agree(client_as("supervisor"))


def test_the_whole_lifecycle_agrees_with_the_recount_and_the_command_says_so(client_as, city, supervisor, capsys):
    from households.services import household_archive, household_change_status, person_move

    first, second = city[0].household, city[1].household
    child = Person.objects.get(household=first, relation="anak")
    person_move(person=child, to_household=second, actor=supervisor, reason="Ikut kerabat")
    household_change_status(household=first, status="graduated", reason="Mandiri", actor=supervisor)
    household_change_status(household=first, status="extreme_poor", reason="Kehilangan kerja", actor=supervisor)
    household_change_status(household=second, status="moved", reason="Pindah", actor=supervisor)
    household_archive(household=second, actor=supervisor, reason="Keluar program")
    assert_all_agree(client_as("supervisor"))
    call_command("recount_dashboard", "--check")
    assert "cocok" in capsys.readouterr().out


# The check recomputes from the raw rows, compares every layer, and fails — with a non-zero exit.


def corrupt_summary():
    Household._base_manager.update(served_count=7)


def corrupt_served():
    Person._base_manager.update(is_served=False)


def corrupt_ledger():
    Contribution.objects.update(tallies={})


def corrupt_tally():
    row = Tally.objects.filter(measure=Measure.EP_PERSONS).first()
    Tally.objects.filter(pk=row.pk).update(n=row.n + 7)


def corrupt_ledger_and_tally_alike():
    """A wrong ledger and a wrong tally that agree with each other: only a recount from the rows sees it."""
    stored = Contribution.objects.first()
    ledger = dict(stored.tallies)
    key = next(k for k in ledger if k.startswith(f"{Measure.EP_PERSONS}|"))
    ledger[key] = [ledger[key][0] + 7, ledger[key][1]]
    Contribution.objects.filter(pk=stored.pk).update(tallies=ledger)
    measure, kelurahan_id, opd_id, day, bucket = key.split("|")
    Tally.objects.filter(measure=measure, kelurahan_id=kelurahan_id, opd=opd_id, day=day, bucket=bucket).update(
        n=ledger[key][0]
    )


@pytest.mark.parametrize(
    "corrupt",
    [corrupt_summary, corrupt_served, corrupt_ledger, corrupt_tally, corrupt_ledger_and_tally_alike],
    ids=lambda f: f.__name__,
)
def test_the_check_finds_each_kind_of_corruption_and_exits_non_zero(city, corrupt):
    assert derived.check().ok
    corrupt()
    assert not derived.check().ok
    with pytest.raises(CommandError) as refused:
        call_command("recount_dashboard", "--check")
    assert refused.value.returncode == 1  # manage.py exits with it (scripts/demo_recount_check.sh runs that)
    call_command("recount_dashboard", "--now")  # repairs here and now
    assert derived.check().ok
    assert oracle.differences() == []


def test_the_oracle_itself_sees_a_wrong_summary(city):
    """The independent recount is not always-true either."""
    assert oracle.differences() == []
    Household._base_manager.filter(pk=city[0].household_id).update(member_count=9)
    assert oracle.differences() == [f"household #{city[0].household_id} member_count: stored 9, rows say 2"]


# Raw writes on case tables cannot slip past the derived numbers.


@pytest.mark.parametrize(
    "write",
    [
        lambda h: Household.objects.filter(pk=h.pk).update(status="poor"),
        lambda h: Person.objects.filter(household=h).update(is_extreme_poor=False),
        lambda h: Visit.objects.filter(household=h).delete(),
        lambda h: Intervention.objects.filter(household=h).delete(),
        lambda h: Visit.objects.bulk_create(
            [Visit(household=h, caseworker=UserFactory(), purpose="monitoring", visited_on=TODAY)]
        ),
        lambda h: Person(household=h, full_name="Diam-diam", sex="L", relation="anak").save(),
        lambda h: Person.objects.filter(household=h).first().delete(),
    ],
    ids=["update", "update-members", "delete", "delete-interventions", "bulk_create", "save", "model-delete"],
)
def test_a_raw_write_outside_a_case_scope_is_refused_and_inside_one_is_counted(city, client_as, write):
    household = city[0].household
    before = oracle.summary(household)
    with pytest.raises(CaseWriteOutsideScope):
        write(household)
    assert oracle.summary(household) == before  # refused before anything changed
    try:
        with case_scope():
            write(household)
    except Exception as error:  # noqa: BLE001 - a database refusal (protected rows) is fine here too
        assert "protected" in str(error).lower() or "foreign key" in str(error).lower()
    assert_all_agree(client_as("supervisor"))


def test_the_dashboard_can_be_derived_again_from_scratch(city, client_as):
    shown = screens(client_as("supervisor"))
    Tally.objects.all().delete()
    Contribution.objects.all().delete()
    Household._base_manager.update(member_count=0, served_count=0, head_name="")
    derived.rebuild()
    assert screens(client_as("supervisor")) == shown
    assert_all_agree(client_as("supervisor"))


def test_a_visit_edit_moves_the_follow_up_the_registry_filters_on(client_as, disnaker_caseworker):
    household = HouseholdFactory()
    visit = visit_log(
        household=household,
        caseworker=disnaker_caseworker,
        purpose="monitoring",
        visited_on=TODAY - datetime.timedelta(days=40),
        next_follow_up_on=TODAY - datetime.timedelta(days=10),
    )
    client = client_as("disnaker_caseworker")
    overdue = client.get(reverse("cases:registry"), {"overdue": "1"}).context["page_obj"]
    assert [h.pk for h in overdue] == [household.pk]
    form = page_form(client.get(reverse("households:visit_edit", args=[visit.pk])))
    form["next_follow_up_on"] = (TODAY + datetime.timedelta(days=7)).isoformat()
    assert form.submit(client).status_code == 302
    assert not client.get(reverse("cases:registry"), {"overdue": "1"}).context["page_obj"]
    assert oracle.differences() == []


# `verify` (the repair's own check) finds what `check` finds, and holds while people work.


@pytest.mark.parametrize(
    "corrupt",
    [corrupt_summary, corrupt_served, corrupt_ledger, corrupt_tally, corrupt_ledger_and_tally_alike],
    ids=lambda f: f.__name__,
)
def test_verify_finds_what_the_check_finds_and_the_repair_puts_it_right(city, corrupt):
    assert derived.verify().ok
    corrupt()
    found, checked = derived.verify(), derived.check()
    assert not found.ok
    assert {layer for layer, n in found.counts.items() if n} >= {layer for layer, n in checked.counts.items() if n}
    repaired = derived.repair()
    assert repaired.ok and any(repaired.counts.values())
    assert derived.check().ok and oracle.differences() == []
    assert not any(derived.repair().counts.values())  # nothing left to do


def test_verify_holds_while_a_visit_is_logged_where_the_check_sees_a_difference(city, monkeypatch, disnaker_caseworker):
    """A visit is logged half-way, to a household already compared. `check` compares the tallies with ledgers
    derived before it, and reports a difference that is not there; `verify` compares each at one moment."""
    monkeypatch.setattr(derived, "CHUNK", 1)
    first = min(person.household_id for person in city)
    derive, logged, wanted = derived.derive, [], [1]

    def with_a_visit_meanwhile(ids):
        if ids != [first] and len(logged) < wanted[0]:
            household = Household.objects.get(pk=first)
            logged.append(
                visit_log(
                    household=household,
                    caseworker=disnaker_caseworker,
                    purpose="monitoring",
                    visited_on=TODAY - datetime.timedelta(days=len(logged)),
                    next_follow_up_on=TODAY + datetime.timedelta(days=7),
                    findings=f"Dikunjungi sementara pemeriksaan berjalan ({len(logged)})",
                )
            )
        return derive(ids)

    monkeypatch.setattr(derived, "derive", with_a_visit_meanwhile)
    assert not derived.check().ok and len(logged) == 1
    wanted[0] = 2
    assert derived.verify().ok and len(logged) == 2
    assert derived.check().ok and oracle.differences() == []  # nothing was wrong

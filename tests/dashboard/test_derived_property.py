"""Random sequences of what users do — through the services and through Django admin's rendered forms,
including deletes and bulk actions — never leave a derived number different from a recount of the raw
rows: after every step, `recount_dashboard --check` passes and tests/oracle.py agrees."""

import datetime
from contextlib import suppress

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from coordination.models import Referral
from coordination.services import assessment_record, referral_accept, referral_decline, referral_fulfil
from core.errors import DomainError
from dashboard import derived
from households.models import Household, Person, Visit
from households.nik import make_nik
from households.services import (
    household_archive,
    household_change_status,
    household_register,
    household_unarchive,
    person_add,
    person_move,
    person_update,
    visit_log,
)
from interventions.models import Intervention, Program
from interventions.services import intervention_record, intervention_transition
from tests import oracle
from tests.factories import UserFactory, kelurahan
from tests.pageforms import page_form

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PLACES = ["Kameloh Baru", "Danau Tundai", "Petuk Bukit"]
STATUSES = ["extreme_poor", "poor", "graduated", "vulnerable", "moved"]
REFUSED = (DomainError, ValidationError)


def build_machine(actor, admin: Client):
    programs = {
        "person": Program.objects.get(name="Pelatihan kerja"),
        "household": Program.objects.get(name="Bedah rumah tidak layak huni (RTLH)"),
    }
    serial = iter(range(1, 10_000))

    class CaseWork(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            # Each example starts from the same database: its writes are rolled back at its end.
            self.example = transaction.atomic()
            self.example.__enter__()

        def teardown(self):
            transaction.set_rollback(True)
            self.example.__exit__(None, None, None)

        def households(self) -> list[Household]:
            return list(Household.objects.order_by("pk"))

        def pick(self, items, index: int):
            return items[index % len(items)] if items else None

        @rule(place=st.sampled_from(PLACES), size=st.integers(1, 3), extreme=st.booleans())
        def register(self, place, size, extreme):
            members = []
            for index in range(size):
                born = datetime.date(1970 + index * 15, 1, 1)
                members.append(
                    {
                        "full_name": f"Warga {next(serial)}",
                        "sex": "L",
                        "birth_date": born,
                        "relation": "kepala" if index == 0 else "anak",
                        "nik": make_nik(region="627104", birth_date=born, sex="L", serial=next(serial)),
                        "is_extreme_poor": extreme,
                    }
                )
            household_register(
                actor=actor,
                kelurahan=kelurahan(place),
                address="Jl. Acak",
                status="extreme_poor" if extreme else "poor",
                members=members,
            )

        @precondition(lambda self: Household.objects.exists())
        @rule(index=st.integers(0, 50), extreme=st.booleans())
        def add_member(self, index, extreme):
            household = self.pick(self.households(), index)
            with suppress(REFUSED):
                person_add(household=household, actor=actor, full_name=f"Tambah {next(serial)}", sex="P",
                           relation="anak", is_extreme_poor=extreme)  # fmt: skip

        @precondition(lambda self: Person.objects.exists())
        @rule(index=st.integers(0, 50), status=st.sampled_from(["active", "moved_out", "deceased"]), flag=st.booleans())
        def edit_member(self, index, status, flag):
            person = self.pick(list(Person.objects.order_by("pk")), index)
            with suppress(REFUSED):
                person_update(
                    person=person, actor=actor, expected_version=person.version, status=status, is_extreme_poor=flag
                )

        @precondition(lambda self: Household.objects.count() > 1)
        @rule(index=st.integers(0, 50), destination=st.integers(0, 50))
        def move_member(self, index, destination):
            person = self.pick(list(Person.objects.order_by("pk")), index)
            to = self.pick(self.households(), destination)
            with suppress(REFUSED):
                person_move(person=person, to_household=to, actor=actor, reason="Pindah")

        @precondition(lambda self: Household.objects.exists())
        @rule(index=st.integers(0, 50), days_ago=st.integers(0, 90), follow=st.integers(0, 60))
        def log_visit(self, index, days_ago, follow):
            household = self.pick(self.households(), index)
            visited = TODAY - datetime.timedelta(days=days_ago)
            with suppress(REFUSED):
                visit_log(household=household, caseworker=actor, purpose="monitoring", visited_on=visited,
                          next_follow_up_on=visited + datetime.timedelta(days=follow))  # fmt: skip

        @precondition(lambda self: Person.objects.exists())
        @rule(index=st.integers(0, 50), whole=st.booleans(), end=st.sampled_from(["planned", "in_progress",
              "delivered", "cancelled"]), amount=st.integers(0, 2_000_000))  # fmt: skip
        def intervene(self, index, whole, end, amount):
            person = self.pick(list(Person.objects.order_by("pk")), index)
            with suppress(REFUSED):
                intervention = intervention_record(
                    program=programs["household" if whole else "person"],
                    person=None if whole else person,
                    household=person.household,
                    planned_on=TODAY - datetime.timedelta(days=5),
                    amount=amount,
                    recorded_by=actor,
                )
                if end != "planned":
                    intervention_transition(intervention=intervention, status=end, actor=actor, delivered_on=TODAY,
                                            cancel_reason="Batal")  # fmt: skip

        @precondition(lambda self: Household.objects.exists())
        @rule(index=st.integers(0, 50), status=st.sampled_from(STATUSES))
        def change_status(self, index, status):
            household = self.pick(self.households(), index)
            with suppress(REFUSED):
                household_change_status(household=household, status=status, reason="Acak", actor=actor)

        @precondition(lambda self: Household.objects.exists())
        @rule(index=st.integers(0, 50))
        def archive_or_unarchive(self, index):
            household = self.pick(self.households(), index)
            with suppress(REFUSED):
                if household.is_archived:
                    household_unarchive(household=household, actor=actor, reason="Kembali ditangani")
                else:
                    household_archive(household=household, actor=actor, reason="Keluar")

        @precondition(lambda self: Household.objects.exists())
        @rule(index=st.integers(0, 50), outcome=st.sampled_from(["accept", "decline", "fulfil"]))
        def referral(self, index, outcome):
            household = self.pick(self.households(), index)
            with suppress(REFUSED):
                _assessment, created, _skipped = assessment_record(
                    household=household, actor=actor, needs=[("uninhabitable_house", None, "")]
                )
                for item in created or Referral.objects.open().filter(household=household):
                    if outcome == "accept":
                        referral_accept(referral=item, actor=actor)
                    elif outcome == "decline":
                        referral_decline(referral=item, actor=actor, reason="Bukan kewenangan")
                    else:
                        program = Program.objects.filter(opd=item.opd, target="household", is_active=True).first()
                        referral_fulfil(referral=item, actor=actor, program=program)

        # Django admin, through the pages it renders.

        @precondition(lambda self: Person.objects.exists())
        @rule(index=st.integers(0, 50))
        def admin_toggles_extreme_poor(self, index):
            person = self.pick(list(Person.objects.order_by("pk")), index)
            form = page_form(admin.get(reverse("admin:households_person_change", args=[person.pk])))
            form["is_extreme_poor"] = not person.is_extreme_poor
            form.submit(admin, button="_save")

        @precondition(lambda self: Intervention.objects.exists())
        @rule(index=st.integers(0, 50))
        def admin_deletes_an_intervention(self, index):
            intervention = self.pick(list(Intervention.objects.order_by("pk")), index)
            if Referral.objects.filter(intervention=intervention).exists():
                return  # protected: a fulfilled referral points at it
            url = reverse("admin:interventions_intervention_delete", args=[intervention.pk])
            page_form(admin.get(url)).submit(admin)

        @precondition(lambda self: Visit.objects.exists())
        @rule(count=st.integers(1, 3))
        def admin_bulk_deletes_visits(self, count):
            changelist = reverse("admin:households_visit_changelist")
            form = page_form(admin.get(changelist), containing="action")
            form["action"] = "delete_selected"
            form["_selected_action"] = [
                str(pk) for pk in Visit.objects.order_by("pk").values_list("pk", flat=True)[:count]
            ]
            page_form(form.submit(admin)).submit(admin)

        @precondition(lambda self: Household.objects.exists())
        @rule(index=st.integers(0, 50), place=st.sampled_from(PLACES))
        def admin_moves_a_household(self, index, place):
            household = self.pick(self.households(), index)
            form = page_form(admin.get(reverse("admin:households_household_change", args=[household.pk])))
            form.force("kelurahan", kelurahan(place).pk)  # picked in the autocomplete
            form.submit(admin, button="_save")

        @invariant()
        def derived_numbers_match_the_rows(self):
            report = derived.check()
            assert report.ok, report
            assert oracle.differences() == []

    return CaseWork


def test_random_case_work_and_admin_edits_never_leave_a_derived_number_wrong(supervisor, client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True, role="admin"))
    machine = build_machine(supervisor, client)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=10,
            stateful_step_count=12,
            deadline=None,
            derandomize=True,  # the same sequences on every run and machine: CI failures reproduce
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )

"""The test data put back by tests/recorded.py is exactly what building it wrote: a test that gets a copy
starts from the same database as the test that built it."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from coordination.models import ResponsibilityRule
from coordination.services import assessment_record
from dashboard.services import baseline_take
from households.models import Household, Kelurahan
from households.services import kelurahan_set_priority
from imports.models import ImportBatch
from interventions.models import Intervention, Program
from tests.factories import InterventionFactory, PersonFactory, UserFactory, VisitFactory, opd
from tests.recorded import Recording, once, rows_of, tables

pytestmark = pytest.mark.django_db


def everything() -> dict:
    return {model: rows_of(model) for model in tables()}


def a_little_of_everything() -> Household:
    """Rows of every kind of column: dates and times, decimals, JSON, binary, IP addresses, many-to-many,
    derived numbers; new rows, changed rows (a kelurahan, the tallies) and removed ones (a rule's programme)."""
    supervisor = UserFactory(opd=opd("Dinsos"), role=Role.SUPERVISOR)
    person = PersonFactory()
    InterventionFactory(
        person=person, status=Intervention.Status.DELIVERED, delivered_on=datetime.date(2024, 3, 1), amount=Decimal(1)
    )
    VisitFactory(household=person.household, caseworker=supervisor)
    assessment_record(household=person.household, actor=supervisor, needs=[("no_work", person, "")])
    baseline_take(label="Uji", actor=supervisor)
    kelurahan_set_priority(kelurahan=Kelurahan.objects.get(name="Menteng"), is_priority_locus=True, actor=supervisor)
    ImportBatch.objects.create(file_name="p3ke.xlsx", uploaded_by=supervisor, content=b"\x00\xff", summary={"a": [1]})
    rule = ResponsibilityRule.objects.get(need="no_work")
    rule.programs.remove(rule.programs.first())
    rule.programs.add(Program.objects.exclude(pk__in=rule.programs.all()).first())
    revealer = Client(REMOTE_ADDR="10.1.2.3")
    revealer.force_login(supervisor)
    assert revealer.post(reverse("households:reveal_nik", args=[person.pk])).status_code == 200
    return person.household


def test_recorded_rows_come_back_exactly_as_they_were_written():
    with transaction.atomic():
        recording, _household = Recording.take(a_little_of_everything)
        written = everything()
        transaction.set_rollback(True)
    assert recording.inserted and recording.changed and recording.deleted
    assert everything() != written

    recording.restore()

    assert everything() == written
    PersonFactory()  # new rows take keys after the ones put back


def test_once_builds_the_first_time_and_then_puts_back_a_copy():
    built = []

    def build() -> Household:
        built.append(PersonFactory().household)
        return built[-1]

    with transaction.atomic():
        first = once("test_recorded.build", build)
        first_rows = everything()
        transaction.set_rollback(True)
    assert not Household.objects.exists()

    again = once("test_recorded.build", build)

    assert len(built) == 1
    assert again == first and again is not first and again.head_name == first.head_name
    assert everything() == first_rows

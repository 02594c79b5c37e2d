import datetime

import pytest
from django.db import IntegrityError, transaction

from audit.casework import case_scope
from interventions.models import Intervention
from tests.factories import PersonFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


def rejected(**kwargs) -> bool:
    """Write the row straight to the table (no form, no service): the database itself must refuse it."""
    person = PersonFactory()
    program = ProgramFactory()
    fields = {
        "program": program,
        "opd": program.opd,
        "person": person,
        "household": person.household,
        "recorded_by": UserFactory(),
        "planned_on": datetime.date(2024, 2, 1),
        **kwargs,
    }
    try:
        with transaction.atomic(), case_scope():
            Intervention.objects.create(**fields)
    except IntegrityError:
        return True
    return False


def test_delivered_intervention_without_a_delivery_date_is_rejected():
    assert rejected(status=Intervention.Status.DELIVERED, delivered_on=None)


def test_delivered_intervention_with_a_date_is_stored():
    assert not rejected(status=Intervention.Status.DELIVERED, delivered_on=datetime.date(2024, 3, 1))


def test_cancelled_intervention_without_a_reason_is_rejected():
    assert rejected(status=Intervention.Status.CANCELLED, cancel_reason="")


def test_negative_amount_is_rejected():
    assert rejected(amount=-1)


def test_negative_quantity_is_rejected():
    assert rejected(quantity=-2)


def test_delivery_before_the_plan_is_rejected():
    assert rejected(
        status=Intervention.Status.DELIVERED,
        planned_on=datetime.date(2024, 3, 1),
        delivered_on=datetime.date(2024, 2, 1),
    )


def test_unknown_status_is_rejected():
    assert rejected(status="hilang")

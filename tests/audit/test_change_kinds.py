"""The audit trail's "Jenis data" filter offers every kind of data whose changes are recorded — referrals,
graduation proposals and responsibility rules included — and choosing one lists its changes."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from audit.models import ChangeLog
from coordination.models import GraduationProposal, Referral, ResponsibilityRule
from coordination.services import assessment_record, graduation_propose
from households.models import Household
from households.services import household_update
from tests.factories import HouseholdFactory, PersonFactory
from tests.pageforms import page_form

pytestmark = pytest.mark.django_db


def offered(form) -> set[int]:
    select = next(c for c in form.controls if c.name == "content_type")
    return {int(value) for value, _selected in select.options if value}


def test_every_kind_of_data_with_recorded_changes_is_offered_and_filters_the_trail(
    client_as, dinsos_caseworker, supervisor
):
    household = HouseholdFactory()
    head = PersonFactory(household=household)
    assessment_record(household=household, actor=dinsos_caseworker, needs=[("no_work", head, "")])
    version = Household.objects.get(pk=household.pk).version
    household_update(household=household, actor=supervisor, expected_version=version, expenditure_per_capita=450_000)
    graduation_propose(household=household, actor=dinsos_caseworker, basis="expenditure")
    admin = client_as("admin")
    rule = ResponsibilityRule.objects.get(need="no_work")
    rule_form = page_form(admin.get(reverse("coordination:rule_edit", args=[rule.pk])))
    rule_form["due_days"] = "45"
    assert rule_form.submit(admin).status_code == 302

    page = client_as("supervisor").get(reverse("audit:changes"))
    form = page_form(page, containing="content_type", method="get")
    recorded = set(ChangeLog.objects.values_list("content_type", flat=True))
    assert offered(form) == recorded
    coordination = {ContentType.objects.get_for_model(m).pk for m in (Referral, GraduationProposal, ResponsibilityRule)}
    assert coordination <= offered(form)

    form["content_type"] = ContentType.objects.get_for_model(Referral).pk
    listed = form.submit(client_as("supervisor"))
    assert listed.status_code == 200
    rows = [entry.content_type.model for entry in listed.context["page_obj"]]
    assert rows and set(rows) == {"referral"}
    assert re.search(r"<strong>1</strong>\s*catatan", listed.text)

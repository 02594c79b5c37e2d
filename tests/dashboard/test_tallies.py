"""The dashboard's tallies stay equal to a full recount whatever the services do, in the same transaction."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from audit.models import ChangeLog
from audit.services import log_change
from coordination.services import (
    assessment_record,
    referral_accept,
    referral_decline,
    referral_fulfil,
    referral_reassign,
)
from core.errors import DomainError
from dashboard import derived, tallies
from dashboard.models import Tally
from dashboard.selectors import _median
from households.nik import make_nik
from households.services import (
    household_archive,
    household_change_status,
    household_register,
    household_update,
    person_add,
    person_move,
    visit_log,
)
from interventions.models import Program
from interventions.services import intervention_record, intervention_transition
from tests import oracle
from tests.factories import PersonFactory, UserFactory, kelurahan, opd

pytestmark = pytest.mark.django_db
URL = reverse("dashboard:index")
TODAY = timezone.localdate()


def totals() -> dict:
    """Every non-zero tally, as the dashboard would sum it."""
    return {
        (t.measure, t.kelurahan_id, t.opd, t.day, t.bucket): (t.n, t.amount)
        for t in Tally.objects.all()
        if t.n or t.amount
    }


def member(name: str, serial: int, **fields) -> dict:
    fields = {"sex": "L", "birth_date": datetime.date(1980, 1, 1), "relation": "kepala", **fields}
    nik = make_nik(region="627104", birth_date=fields["birth_date"], sex=fields["sex"], serial=serial)
    return {"full_name": name, "nik": nik, "is_extreme_poor": True, **fields}


def register(actor, place: str, serial: int, **fields):
    return household_register(
        actor=actor,
        members=[member(f"Kepala {serial}", serial)],
        kelurahan=kelurahan(place),
        address="Jl. Uji",
        rt="001",
        rw="001",
        status="extreme_poor",
        **fields,
    )


def test_tallies_equal_a_full_recount_after_the_whole_case_lifecycle(
    dinsos_caseworker, disnaker_caseworker, supervisor
):
    first = register(dinsos_caseworker, "Kameloh Baru", 1)
    second = register(dinsos_caseworker, "Danau Tundai", 2)
    head = first.members.get()
    child = person_add(
        household=first,
        actor=dinsos_caseworker,
        **member("Anak", 3, relation="anak", birth_date=datetime.date(2010, 6, 5)),
    )
    visit_log(
        household=first,
        caseworker=dinsos_caseworker,
        purpose="monitoring",
        visited_on=TODAY - datetime.timedelta(days=3),
        next_follow_up_on=TODAY - datetime.timedelta(days=1),
    )
    _a, referrals, _s = assessment_record(
        household=first,
        actor=dinsos_caseworker,
        needs=[("no_work", head, ""), ("uninhabitable_house", None, ""), ("no_documents", child, "")],
    )
    work = next(r for r in referrals if r.need == "no_work")
    referral_accept(referral=work, actor=disnaker_caseworker)
    referral_fulfil(
        referral=work, actor=disnaker_caseworker, program=Program.objects.get(name="Pelatihan kerja"), amount=1_250_000
    )
    house = next(r for r in referrals if r.need == "uninhabitable_house")
    house = referral_decline(referral=house, actor=opd_user(house.opd), reason="Bukan kewenangan")
    referral_reassign(referral=house, actor=supervisor, opd=opd("PUPR"))
    planned = intervention_record(
        program=Program.objects.get(name="Pelatihan kerja"), person=child, recorded_by=disnaker_caseworker
    )
    intervention_transition(intervention=planned, status="in_progress", actor=disnaker_caseworker)
    cancelled = intervention_record(
        program=Program.objects.get(name="Pelatihan kerja"), person=head, recorded_by=disnaker_caseworker
    )
    intervention_transition(intervention=cancelled, status="cancelled", cancel_reason="Pindah", actor=supervisor)
    assert derived.check().ok and oracle.differences() == []

    # A member moves to another kelurahan's household, a household moves kelurahan, one graduates.
    person_move(person=child, to_household=second, actor=dinsos_caseworker, reason="Ikut kerabat")
    first.refresh_from_db()
    household_update(
        household=first, actor=dinsos_caseworker, expected_version=first.version, kelurahan=kelurahan("Kalampangan")
    )
    household_change_status(household=second, status="graduated", reason="Mandiri", actor=supervisor)
    household_archive(household=second, actor=supervisor, reason="Keluar program")
    assert derived.check().ok and oracle.differences() == []

    counted = totals()
    derived.rebuild()
    assert totals() == counted


def opd_user(office):
    return UserFactory(opd=office)


def test_the_dashboard_moves_with_the_change_in_the_same_request(client_as, dinsos_caseworker, supervisor):
    household = register(dinsos_caseworker, "Kameloh Baru", 4)
    client = client_as("supervisor")
    assert client.get(URL).context["headline"]["ep_persons"] == 1
    household_change_status(household=household, status="graduated", reason="Mandiri", actor=supervisor)
    head = client.get(URL).context["headline"]
    assert (head["ep_persons"], head["graduated"]) == (0, 1)


def test_a_refused_change_leaves_the_tallies_as_they_were(dinsos_caseworker):
    household = register(dinsos_caseworker, "Kameloh Baru", 5)
    before = totals()
    with pytest.raises(DomainError):
        household_change_status(household=household, status="extreme_poor", reason="Sama", actor=dinsos_caseworker)
    with pytest.raises(DomainError):
        household_archive(household=household, actor=dinsos_caseworker, reason="Belum keluar")
    assert totals() == before


def test_case_data_logged_outside_a_case_service_fails_loudly(dinsos_caseworker):
    person = PersonFactory()
    with pytest.raises(RuntimeError, match="case_write"):  # CaseWriteOutsideScope
        log_change(
            actor=dinsos_caseworker, instance=person, action=ChangeLog.Action.UPDATE, case_id=person.household_id
        )


def test_recount_command_reports_and_repairs_drift(dinsos_caseworker):
    household = register(dinsos_caseworker, "Kameloh Baru", 6)
    Tally.objects.filter(measure=tallies.Measure.EP_PERSONS).update(n=99)  # as if someone edited the table
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("recount_dashboard", "--check", stdout=out)
    assert "baris hitungan dasbor: 1 tidak cocok" in out.getvalue()
    call_command("recount_dashboard", "--now", stdout=out)
    assert Tally.objects.get(measure=tallies.Measure.EP_PERSONS, kelurahan=household.kelurahan).n == 1
    out = io.StringIO()
    call_command("recount_dashboard", "--check", stdout=out)
    assert "cocok" in out.getvalue() and "tidak cocok" not in out.getvalue()


def test_median_days_to_fulfil_comes_from_the_histogram():
    assert _median([(2, 1), (5, 1), (9, 1)]) == 5
    assert _median([(2, 2), (6, 2)]) == 4
    assert _median([(1, 3), (10, 1)]) == 1

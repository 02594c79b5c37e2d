"""The coordination reads: what the inbox, the consolidation matrix and the graduation queue show, and their
query counts, pinned and the same with 3 rows as with 20."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.casework import case_scope
from coordination import selectors
from coordination.filters import ReferralFilter
from coordination.models import Referral
from coordination.services import assessment_record, graduation_decide, graduation_propose, referral_accept
from households.models import Household
from households.services import household_update
from tests.factories import HouseholdFactory, PersonFactory, kelurahan, opd

pytestmark = pytest.mark.django_db
INBOX = reverse("coordination:inbox")


def refer(count: int, actor) -> list[Referral]:
    """`count` households in Kameloh Baru, each assessed with a member's need (Disnaker) and a household need
    (Disperkimtan); every third Disnaker referral accepted and overdue."""
    made = []
    for n in range(count):
        person = PersonFactory()
        _assessment, referrals, _skipped = assessment_record(
            household=person.household, actor=actor, needs=[("no_work", person, ""), ("uninhabitable_house", None, "")]
        )
        work = next(r for r in referrals if r.need == "no_work")
        if n % 3 == 0:
            referral_accept(referral=work, actor=actor)
            with case_scope():  # as if the due date had passed
                Referral.objects.filter(pk=work.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=2))
        made += referrals
    return made


@pytest.mark.parametrize(
    ("role", "params", "expected_queries", "listed"),
    [
        ("supervisor", {}, 9, lambda n: 2 * n),
        ("supervisor", {"status": "all", "overdue": "1"}, 9, lambda n: (n + 2) // 3),
        ("disnaker_caseworker", {}, 8, lambda n: n),
    ],
)
def test_inbox_page_reads_in_a_fixed_number_of_queries(
    client_as, cast, django_assert_num_queries, role, params, expected_queries, listed
):
    client = client_as(role)
    for total, more in ((3, 3), (20, 17)):
        refer(more, cast["dinsos_caseworker"])
        with django_assert_num_queries(expected_queries):
            response = client.get(INBOX, params)
        assert len(response.context["page_obj"]) == listed(total)


def test_inbox_counts_every_tab_and_lists_overdue_first_in_three_queries(cast, supervisor, django_assert_num_queries):
    refer(4, cast["dinsos_caseworker"])  # 2 accepted and overdue (the 1st and 4th), 2 sent; 4 to Disperkimtan
    filters = ReferralFilter({"opd": opd("Disnaker").pk})
    assert filters.is_valid()  # as the view's parsing leaves it
    with django_assert_num_queries(3):  # tab counts, page count, page rows
        found = selectors.inbox(user=supervisor, filters=filters)
        rows = list(found.page)
    assert found.counts == {"open": 4, "sent": 2, "accepted": 2, "declined": 0, "fulfilled": 0, "overdue": 2}
    assert (found.opd, found.tab) == (opd("Disnaker"), "open")
    assert [r.overdue for r in rows] == [True, True, False, False]
    assert {r.opd.short_name for r in rows} == {"Disnaker"}


def test_a_caseworkers_inbox_holds_only_their_own_opds_referrals(cast):
    refer(2, cast["dinsos_caseworker"])
    disnaker = cast["disnaker_caseworker"]
    # Only supervisors choose the OPD: a caseworker's filter has no OPD field, so asking for another OPD is ignored.
    found = selectors.inbox(
        user=disnaker, filters=ReferralFilter({"opd": opd("Disperkimtan").pk}, may_choose_opd=False)
    )
    assert found.opd == opd("Disnaker")
    assert {r.opd for r in found.page} == {opd("Disnaker")}
    assert found.counts["open"] == 2


def test_an_invalid_inbox_filter_lists_and_counts_nothing(cast, supervisor):
    refer(2, cast["dinsos_caseworker"])
    found = selectors.inbox(user=supervisor, filters=ReferralFilter({"kelurahan": "abc"}))
    assert list(found.page) == []
    assert found.counts["open"] == 0


def test_consolidation_page_reads_in_a_fixed_number_of_queries(client_as, cast, django_assert_num_queries):
    client = client_as("supervisor")
    url = reverse("coordination:consolidation")
    params = {"kelurahan": kelurahan("Kameloh Baru").pk}
    for total, more in ((3, 3), (20, 17)):
        refer(more, cast["dinsos_caseworker"])
        with django_assert_num_queries(11):
            response = client.get(url, params)
        assert len(response.context["matrix"]) == total


def test_consolidation_reads_a_page_and_its_cells_in_three_queries(cast, django_assert_num_queries):
    refer(3, cast["dinsos_caseworker"])
    place = kelurahan("Kameloh Baru")
    with django_assert_num_queries(3):  # households counted, the page's households, their referrals grouped
        found = selectors.consolidation(kelurahan=place, opd=None)
    assert len(found.matrix) == 3
    states = [{need.value: cell.state for need, cell in cells if cell} for _household, cells in found.matrix]
    assert sorted(s["no_work"] for s in states) == ["overdue", "sent", "sent"]
    assert {s["uninhabitable_house"] for s in states} == {"sent"}


def test_consolidation_for_one_opd_shows_only_its_referrals(cast):
    refer(1, cast["dinsos_caseworker"])
    found = selectors.consolidation(kelurahan=kelurahan("Kameloh Baru"), opd=opd("Disperkimtan"))
    [(_household, cells)] = found.matrix
    assert {need.value for need, cell in cells if cell} == {"uninhabitable_house"}


def test_consolidation_without_a_kelurahan_lists_nobody():
    HouseholdFactory()
    assert selectors.consolidation(kelurahan=None, opd=None).matrix == []


def propose(count: int, cast) -> None:
    """`count` measured households proposed for graduation; every other proposal decided (rejected)."""
    caseworker, supervisor = cast["dinsos_caseworker"], cast["supervisor"]
    for n in range(count):
        household = PersonFactory().household
        version = Household.objects.get(pk=household.pk).version
        household_update(
            household=household, actor=caseworker, expected_version=version, expenditure_per_capita=900_000
        )
        proposal = graduation_propose(household=household, actor=caseworker, basis="expenditure")
        if n % 2:
            graduation_decide(proposal=proposal, actor=supervisor, approve=False, reason="Belum diverifikasi")


def test_graduation_queue_reads_in_a_fixed_number_of_queries(client_as, cast, django_assert_num_queries):
    client = client_as("supervisor")
    url = reverse("coordination:graduations")
    for total, more in ((3, 3), (20, 17)):
        propose(more, cast)
        with django_assert_num_queries(7):
            response = client.get(url)
        pending = len(response.context["pending"])
        assert pending + len(response.context["decided"]) == total and pending > 0


def test_graduation_queue_is_two_queries(cast, django_assert_num_queries):
    propose(3, cast)
    with django_assert_num_queries(2):
        queue = selectors.graduation_queue()
        pending, decided = list(queue.pending), list(queue.decided)
    assert [p.status for p in pending] == ["pending", "pending"]
    assert [p.status for p in decided] == ["rejected"]
    assert pending[0].household.kelurahan.name == "Kameloh Baru"  # fetched with the proposal


def test_consolidation_lists_what_needs_attention_first(cast):
    overdue, *_open = refer(3, cast["dinsos_caseworker"])[::2]  # each household's no_work referral
    quiet = PersonFactory(full_name="Aaa Tanpa Rujukan", household__kelurahan=kelurahan("Kameloh Baru")).household
    found = selectors.consolidation(kelurahan=kelurahan("Kameloh Baru"), opd=None)
    order = [household.pk for household, _cells in found.matrix]
    assert order[0] == overdue.household_id and order[-1] == quiet.pk
    assert len(order) == 4

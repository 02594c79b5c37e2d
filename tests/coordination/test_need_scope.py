"""Each member is offered only the needs that apply to them (by age and sex), household needs once, and a
need sent for a member it does not apply to is refused — on the page and in the service."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from coordination.models import (
    HOUSEHOLD_NEEDS,
    NEED_SCOPE,
    PERSON_NEEDS,
    Assessment,
    Need,
    NeedScope,
    Referral,
    needs_for,
)
from coordination.services import assessment_record
from core.errors import DomainError
from households.models import Person, Relation, Sex
from tests.factories import HouseholdFactory, PersonFactory
from tests.pageforms import Control, page_form

ON = datetime.date(2026, 6, 15)
EVERYONE = [Need.NO_DOCUMENTS, Need.NO_HEALTH_INSURANCE, Need.DISABILITY_UNSUPPORTED]


def born(age: int, on: datetime.date = ON) -> datetime.date:
    """A birth date that makes someone `age` years old on `on` (their birthday a month before)."""
    month_before = on - datetime.timedelta(days=30)
    return month_before.replace(year=month_before.year - age, day=min(month_before.day, 28))


# need, age (None: birth date not recorded), sex, whether the need is offered to that member
RULES = [
    (Need.STUNTING_RISK, 0, Sex.MALE, True),
    (Need.STUNTING_RISK, 4, Sex.FEMALE, True),
    (Need.STUNTING_RISK, 5, Sex.MALE, False),
    (Need.STUNTING_RISK, 30, Sex.FEMALE, False),  # pregnancy is not recorded, so not offered to women
    (Need.STUNTING_RISK, 46, Sex.MALE, False),
    (Need.STUNTING_RISK, None, Sex.FEMALE, True),
    (Need.CHILD_OUT_OF_SCHOOL, 1, Sex.MALE, False),
    (Need.CHILD_OUT_OF_SCHOOL, 6, Sex.FEMALE, False),
    (Need.CHILD_OUT_OF_SCHOOL, 7, Sex.MALE, True),
    (Need.CHILD_OUT_OF_SCHOOL, 10, Sex.FEMALE, True),
    (Need.CHILD_OUT_OF_SCHOOL, 18, Sex.MALE, True),
    (Need.CHILD_OUT_OF_SCHOOL, 19, Sex.FEMALE, False),
    (Need.CHILD_OUT_OF_SCHOOL, 30, Sex.MALE, False),
    (Need.CHILD_OUT_OF_SCHOOL, None, Sex.MALE, True),
    (Need.NO_WORK, 1, Sex.MALE, False),
    (Need.NO_WORK, 14, Sex.FEMALE, False),
    (Need.NO_WORK, 15, Sex.MALE, True),
    (Need.NO_WORK, 30, Sex.FEMALE, True),
    (Need.NO_WORK, 64, Sex.MALE, True),
    (Need.NO_WORK, 65, Sex.FEMALE, False),
    (Need.NO_WORK, 70, Sex.MALE, False),
    (Need.NO_WORK, None, Sex.FEMALE, True),
    *[(need, age, sex, True) for need in EVERYONE for age in (0, 10, 46, 90, None) for sex in Sex],
    *[(need, age, Sex.MALE, False) for need in HOUSEHOLD_NEEDS for age in (1, 30, 70, None)],
]


@pytest.mark.parametrize(("need", "age", "sex", "offered"), RULES)
def test_a_need_is_offered_to_a_member_only_when_their_age_and_sex_fit(need, age, sex, offered):
    person = Person(full_name="Uji", sex=sex, birth_date=None if age is None else born(age))
    assert person.age_on(ON) == age
    assert (need in needs_for(person, ON)) is offered
    assert NEED_SCOPE[need].fits(age=age, sex=sex) is offered


def test_every_need_in_the_catalogue_says_to_whom_it_applies():
    assert set(NEED_SCOPE) == set(Need)
    assert set(HOUSEHOLD_NEEDS) == {
        Need.NO_FOOD_AID,
        Need.UNINHABITABLE_HOUSE,
        Need.NO_CLEAN_WATER,
        Need.NO_TOILET,
        Need.NO_ELECTRICITY,
    }
    assert set(PERSON_NEEDS) == set(Need) - set(HOUSEHOLD_NEEDS)


def test_a_need_narrowed_by_sex_is_still_offered_when_the_sex_is_not_recorded():
    for_women = NeedScope(who="perempuan", min_age=15, sexes=frozenset({Sex.FEMALE}))
    assert for_women.fits(age=30, sex=Sex.FEMALE) and not for_women.fits(age=30, sex=Sex.MALE)
    assert for_women.fits(age=30, sex="") and not for_women.fits(age=10, sex=Sex.FEMALE)


def test_stunting_risk_ends_on_the_fifth_birthday():
    fifth_birthday = datetime.date(2021, 6, 15)
    child = Person(full_name="Uji", sex=Sex.MALE, birth_date=fifth_birthday.replace(year=2016))
    assert Need.STUNTING_RISK in needs_for(child, fifth_birthday - datetime.timedelta(days=1))
    assert Need.STUNTING_RISK not in needs_for(child, fifth_birthday)


# Through the page: a household with a baby, a schoolchild, a working-age head and a grandmother.

TODAY = timezone.localdate()


@pytest.fixture
def four_generations(db):
    household = HouseholdFactory()
    today = TODAY
    members = {
        "baby": PersonFactory(household=household, relation=Relation.GRANDCHILD, birth_date=born(1, today)),
        "child": PersonFactory(household=household, relation=Relation.CHILD, birth_date=born(10, today), sex="P"),
        "head": PersonFactory(household=household, relation=Relation.HEAD, birth_date=born(30, today)),
        "grandmother": PersonFactory(
            household=household, relation=Relation.PARENT, birth_date=born(70, today), sex="P"
        ),
    }
    return household, members


def offered(form, person) -> set[str]:
    suffix = f"_{person.pk}"
    return {
        name[len("need_") : -len(suffix)] for name in form.names() if name.startswith("need_") and name.endswith(suffix)
    }


def test_the_page_offers_each_member_exactly_the_needs_that_apply_and_household_needs_once(client_as, four_generations):
    household, members = four_generations
    response = client_as("dinsos_caseworker").get(reverse("coordination:assess", args=[household.pk]))
    form = page_form(response)
    everyone = {"no_documents", "no_health_insurance", "disability_unsupported"}
    assert offered(form, members["baby"]) == everyone | {"stunting_risk"}
    assert offered(form, members["child"]) == everyone | {"child_out_of_school"}
    assert offered(form, members["head"]) == everyone | {"no_work"}
    assert offered(form, members["grandmother"]) == everyone
    household_boxes = [c.name for c in form.controls if c.type == "checkbox" and not re.search(r"_\d+$", c.name)]
    assert sorted(household_boxes) == sorted(f"need_{need.value}" for need in HOUSEHOLD_NEEDS)
    # one line per member: name, relation, age and sex
    page = html.unescape(response.text)
    assert "30 tahun" in page and "70 tahun" in page and "Perempuan" in page


def test_a_member_without_a_birth_date_is_offered_every_member_need(client_as, db):
    household = HouseholdFactory()
    unknown = PersonFactory(household=household, birth_date=None, nik="")
    response = client_as("dinsos_caseworker").get(reverse("coordination:assess", args=[household.pk]))
    assert offered(page_form(response), unknown) == {need.value for need in PERSON_NEEDS}
    assert "umur tidak tercatat" in response.text


def test_a_hand_edited_post_ticking_stunting_risk_for_the_thirty_year_old_is_refused_and_changes_nothing(
    client_as, four_generations
):
    household, members = four_generations
    head = members["head"]
    client = client_as("dinsos_caseworker")
    form = page_form(client.get(reverse("coordination:assess", args=[household.pk])))
    form[f"need_no_work_{head.pk}"] = True
    form[f"note_no_work_{head.pk}"] = "Buruh lepas, tidak ada order"
    form.controls.append(Control("input", "checkbox", f"need_stunting_risk_{head.pk}", "on", checked=True))
    response = form.submit(client, follow=True)

    assert response.status_code == 200
    page = html.unescape(response.text)
    assert (
        f"Kebutuhan “Risiko stunting” tidak berlaku untuk {head.full_name} (30 tahun pada "
        f"{TODAY:%d/%m/%Y}): hanya untuk anak di bawah 5 tahun." in page
    )
    assert not Assessment.objects.exists() and not Referral.objects.exists()
    again = page_form(response)  # what was typed is still there, ready to send once corrected
    assert again[f"need_no_work_{head.pk}"] == "on"
    assert again[f"note_no_work_{head.pk}"] == "Buruh lepas, tidak ada order"
    assert f"need_stunting_risk_{head.pk}" not in again.names()

    sent = again.submit(client, follow=True)
    assert "1 rujukan dikirim ke Disnaker" in sent.text
    assert Referral.objects.get().person == head


@pytest.mark.parametrize(
    ("posted", "words"),
    [
        ("need_no_clean_water_{head}", "dicatat untuk rumah tangga, bukan untuk anggota"),
        ("need_no_work", "dicatat untuk anggota, bukan untuk rumah tangga"),
        ("need_no_work_999999", "Anggota bukan bagian dari rumah tangga ini"),
        ("need_free_money_{head}", "Kebutuhan tidak dikenal"),
    ],
)
def test_other_boxes_the_page_did_not_offer_are_refused_too(client_as, four_generations, posted, words):
    household, members = four_generations
    client = client_as("dinsos_caseworker")
    form = page_form(client.get(reverse("coordination:assess", args=[household.pk])))
    form["need_no_toilet"] = True
    form.controls.append(Control("input", "checkbox", posted.format(head=members["head"].pk), "on", checked=True))
    response = form.submit(client, follow=True)
    assert words in html.unescape(response.text)
    assert not Assessment.objects.exists()


def test_the_service_refuses_a_need_that_does_not_apply_to_the_member_for_every_caller(four_generations, cast):
    household, members = four_generations
    with pytest.raises(DomainError, match="tidak berlaku untuk .*hanya untuk anak di bawah 5 tahun"):
        assessment_record(
            household=household,
            actor=cast["dinsos_caseworker"],
            needs=[("no_toilet", None, ""), ("stunting_risk", members["head"], "")],
        )
    assert not Assessment.objects.exists() and not Referral.objects.exists()


def test_the_service_counts_age_on_the_assessment_date(four_generations, cast):
    household, members = four_generations
    child, actor = members["child"], cast["dinsos_caseworker"]
    three_years_ago, four_years_ago = TODAY.replace(year=TODAY.year - 3), TODAY.replace(year=TODAY.year - 4)
    _assessment, [referral], _skipped = assessment_record(
        household=household, actor=actor, needs=[("child_out_of_school", child, "")], assessed_on=three_years_ago
    )
    assert (child.age_on(three_years_ago), referral.need) == (7, "child_out_of_school")
    with pytest.raises(DomainError, match=r"\(6 tahun pada .*hanya untuk anak usia 7–18 tahun"):
        assessment_record(
            household=household, actor=actor, needs=[("child_out_of_school", child, "")], assessed_on=four_years_ago
        )

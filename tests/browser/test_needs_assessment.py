"""A needs assessment on a 360 px phone for a five-person household: each member sees only the needs that apply,
a note box opens when its need is ticked (and stays open on a refused resubmit), every tick box is a 44 px
touch target, and the page stays short."""

import datetime

import pytest
from django.utils import timezone

from coordination.models import Referral
from households.models import Relation
from tests.browser.conftest import PHONE, screenshot, sign_in
from tests.browser.test_accessibility import axe_problems
from tests.factories import HouseholdFactory, PersonFactory, UserFactory, opd

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "sandi-uji-12345"


def born(age: int) -> datetime.date:
    month_before = timezone.localdate() - datetime.timedelta(days=30)
    return month_before.replace(year=month_before.year - age, day=min(month_before.day, 28))


def test_assessment_on_a_phone_offers_each_member_their_needs_and_opens_notes_when_ticked(new_page):
    UserFactory(username="dinsos1", opd=opd("Dinsos"), password=PASSWORD)
    household = HouseholdFactory()
    head = PersonFactory(household=household, full_name="Rudi Hartono", birth_date=born(30))
    PersonFactory(household=household, full_name="Sari", relation=Relation.SPOUSE, sex="P", birth_date=born(28))
    PersonFactory(household=household, full_name="Dewi", relation=Relation.CHILD, sex="P", birth_date=born(10))
    baby = PersonFactory(household=household, full_name="Bayu", relation=Relation.CHILD, birth_date=born(1))
    PersonFactory(household=household, full_name="Nenek Ijah", relation=Relation.PARENT, sex="P", birth_date=born(70))

    page = new_page(PHONE)
    sign_in(page, "dinsos1", PASSWORD)
    page.goto(f"/households/{household.pk}/")
    page.get_by_role("link", name="Asesmen kebutuhan").click()
    page.wait_for_url(f"**/households/{household.pk}/assess/")  # counting does not wait for the page to load

    baby_needs = page.get_by_test_id(f"needs-person-{baby.pk}")
    assert baby_needs.get_by_role("checkbox", name="Risiko stunting").count() == 1
    assert baby_needs.get_by_role("checkbox", name="Usia kerja tanpa pekerjaan/penghasilan").count() == 0
    assert page.get_by_role("checkbox", name="Risiko stunting").count() == 1  # only the baby
    assert page.get_by_role("checkbox", name="Rumah tidak layak huni (RTLH)").count() == 1  # once, for the household

    assert axe_problems(page) == []
    # With JavaScript, no note box shows until its need is ticked.
    assert page.locator("[data-need-note]:visible").count() == 0
    # Each tick box's label row is a touch target of at least 44 × 44 px.
    for box in page.locator("[data-need-box]").all():
        label = page.locator(f"label[for='{box.get_attribute('id')}']").bounding_box()
        assert label is not None and label["height"] >= 44 and label["width"] >= 44
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 3000, height  # about 4,900 px before, with every need and note offered to everyone

    head_needs = page.get_by_test_id(f"needs-person-{head.pk}")
    head_needs.get_by_text("Usia kerja tanpa pekerjaan/penghasilan").click()  # the label text ticks the box
    note = head_needs.get_by_label("Catatan: Usia kerja tanpa pekerjaan/penghasilan — Rudi Hartono")
    assert note.is_visible()
    note.fill("Buruh lepas, tidak ada order")
    screenshot(page, "assessment-household-phone")
    assert axe_problems(page) == []

    # A refused submit (a date in the future) keeps the tick and shows its note with what was typed.
    page.locator("#id_assessed_on").fill((timezone.localdate() + datetime.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Simpan dan kirim rujukan").click()
    page.get_by_text("Data belum disimpan.").wait_for()
    note = page.get_by_label("Catatan: Usia kerja tanpa pekerjaan/penghasilan — Rudi Hartono")
    assert note.is_visible() and note.input_value() == "Buruh lepas, tidak ada order"
    assert page.locator("[data-need-note]:visible").count() == 1

    page.locator("#id_assessed_on").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Simpan dan kirim rujukan").click()
    page.get_by_text("1 rujukan dikirim ke Disnaker").wait_for()
    assert Referral.objects.get().note == "Buruh lepas, tidak ada order"

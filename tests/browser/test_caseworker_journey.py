"""The main journey, in a real browser: a Disnaker caseworker finds a Kameloh Baru household,
records job training for one member, logs a visit, and sees both on the case file."""

import pytest

from households.models import Household
from interventions.models import Intervention
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_disnaker_caseworker_records_training_and_a_visit(demo, new_page, viewport):
    name = "phone" if viewport is PHONE else "desktop"
    page = new_page(viewport)
    sign_in(page, "disnaker", "demo-palangka")

    # Find a Kameloh Baru household in the registry.
    page.goto("/households/")
    page.get_by_label("Kelurahan").select_option(label="Kameloh Baru")
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_url("**kelurahan=**")
    page.get_by_test_id("registry-total").wait_for()
    target = Household.objects.filter(kelurahan__name="Kameloh Baru").order_by("-id").first()
    assert page.get_by_test_id("registry-total").inner_text() == str(
        Household.objects.filter(kelurahan__name="Kameloh Baru").count()
    )
    screenshot(page, f"journey-1-registry-{name}")
    page.get_by_role("link", name=target.head_name).first.click()
    page.wait_for_url(f"**/households/{target.pk}/")

    # Record job training for one member.
    member = target.members.order_by("id").first()
    page.get_by_test_id(f"member-{member.pk}").get_by_role("link", name="+ Intervensi").click()
    page.get_by_label("Program").select_option(label="Pelatihan kerja (Disnaker)")
    assert page.get_by_label("Penerima").input_value() == str(member.pk)
    page.get_by_label("Catatan").fill("Pelatihan menjahit angkatan I")
    screenshot(page, f"journey-2-intervention-form-{name}")
    page.get_by_role("button", name="Simpan intervensi").click()
    page.wait_for_url(f"**/households/{target.pk}/**")
    assert "Intervensi dicatat." in page.content()

    # Log a visit: the date is already today.
    page.get_by_role("link", name="+ Catat kunjungan").click()
    page.get_by_label("Tujuan").select_option(label="Pemantauan")
    page.get_by_label("Temuan").fill("Ibu siap ikut pelatihan menjahit.")
    page.get_by_role("button", name="Simpan kunjungan").click()
    page.wait_for_url(f"**/households/{target.pk}/**")

    # Both are on the case file.
    intervention = Intervention.objects.get(notes="Pelatihan menjahit angkatan I")
    card = page.get_by_test_id(f"member-{member.pk}")
    assert "Pelatihan kerja" in card.inner_text()
    assert "Direncanakan" in page.get_by_test_id(f"intervention-{intervention.pk}").inner_text()
    visit = target.visits.get(findings="Ibu siap ikut pelatihan menjahit.")
    assert "Ibu siap ikut pelatihan menjahit." in page.get_by_test_id(f"visit-{visit.pk}").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"journey-3-case-file-{name}")

"""Django admin in a real browser: no URL the browser requests carries a searched name or NIK, and the
raw-id lookup popup (instead of an autocomplete) still picks a person."""

import pytest

from tests.browser.conftest import DESKTOP, screenshot, sign_in
from tests.factories import TEST_PASSWORD, InterventionFactory, PersonFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_superuser_searches_case_records_in_django_admin_without_words_in_any_url(new_page):
    from playwright.sync_api import expect

    UserFactory(username="super", is_superuser=True, is_staff=True, role="admin")
    rudi = PersonFactory(full_name="Rudi Hartono")
    maria = PersonFactory(household=rudi.household, full_name="Maria Ulfa", sex="P", relation="pasangan")
    intervention = InterventionFactory(person=maria)
    page = new_page(DESKTOP)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    sign_in(page, "super", TEST_PASSWORD)

    page.goto("/admin/households/person/")
    page.locator("#searchbar").fill(rudi.nik)
    page.locator("#changelist-search input[type=submit]").click()
    expect(page.locator(".messagelist")).to_contain_text("NIK dan No. KK tidak dicari di Admin Django")
    expect(page.locator(".messagelist").get_by_role("link", name="Registri")).to_have_count(1)
    page.locator("#searchbar").fill("Rudi")
    page.locator("#changelist-search input[type=submit]").click()
    page.wait_for_url("**cari=**")
    assert page.locator("#result_list").get_by_role("link", name="Rudi Hartono").count() == 1
    assert page.locator("#result_list").get_by_text("Maria Ulfa").count() == 0
    assert page.locator("#searchbar").input_value() == "Rudi"  # the words come back from the session
    screenshot(page, "admin-person-search-desktop")

    # The intervention form picks its person through the lookup popup, searched the same way.
    page.goto(f"/admin/interventions/intervention/{intervention.pk}/change/")
    assert rudi.nik not in page.content()
    with page.expect_popup() as opened:
        page.locator("#lookup_id_person").click()
    popup = opened.value
    popup.wait_for_load_state()
    popup.locator("#searchbar").fill("Rudi")
    popup.locator("#changelist-search input[type=submit]").click()
    popup.wait_for_url("**cari=**")
    with popup.expect_event("close"):  # choosing closes the popup: do not wait on a page that is gone
        popup.get_by_role("link", name="Rudi Hartono").click(no_wait_after=True)
    expect(page.locator("#id_person")).to_have_value(str(rudi.pk))
    page.get_by_role("button", name="Simpan", exact=True).click()
    page.wait_for_url("**/admin/interventions/intervention/")
    intervention.refresh_from_db()
    assert intervention.person_id == rudi.pk

    assert requested
    for url in requested:
        assert rudi.nik not in url and "Rudi" not in url, url

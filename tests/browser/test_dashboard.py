"""A Dinsos supervisor reads the dashboard at a desk and on a phone, and drills from a number to its list."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_supervisor_reads_the_dashboard_and_drills_down(demo, new_page, viewport, name):
    page = new_page(viewport)
    sign_in(page, "supervisor", "demo-palangka")
    page.goto("/dashboard/")
    assert page.get_by_test_id("headline-ep-persons").inner_text() == "69"
    assert "69" in page.locator("main").inner_text()  # the stored baseline stands next to it
    # Chart.js (vendored) drew the charts: every canvas has pixels, and its table is on the page.
    assert page.evaluate("typeof window.Chart") == "function"
    for canvas in page.locator("canvas[data-chart-for]").all():
        assert canvas.bounding_box()["height"] > 50
        assert page.locator(f"#{canvas.get_attribute('data-chart-for')}").count() == 1
    # Nothing but the wide tables (which scroll inside their box) runs off a 360 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"dashboard-{name}")
    page.get_by_test_id("headline-ep-persons").click()
    page.wait_for_url("**/households/**")
    assert "extreme_poor" in page.url
    assert "69" in page.locator("main").inner_text()

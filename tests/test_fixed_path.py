"""`core.urls.fixed_path`: the menu's and the dashboard's links, reversed once, read as reverse() would."""

import pytest
from django.urls import reverse, set_script_prefix

from core.urls import fixed_path


@pytest.mark.parametrize("name", ["home", "cases:registry", "dashboard:index", "coordination:inbox", "admin:index"])
def test_a_fixed_path_is_what_reverse_gives(name):
    assert fixed_path(name) == reverse(name)


def test_a_fixed_path_follows_the_script_prefix_the_site_is_served_under():
    try:
        set_script_prefix("/kemiskinan/")
        assert fixed_path("cases:registry") == reverse("cases:registry") == "/kemiskinan/households/"
    finally:
        set_script_prefix("/")
    assert fixed_path("cases:registry") == "/households/"

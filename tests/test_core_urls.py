"""`core.urls`: the menu's and the dashboard's links and the list rows' links to their records, reversed once, read
as reverse() would."""

import pytest
from django.urls import reverse, set_script_prefix

from core.templatetags.core_tags import fixed_url, id_url
from core.urls import fixed_path, path_with_id


@pytest.mark.parametrize("name", ["home", "cases:registry", "dashboard:index", "coordination:inbox", "admin:index"])
def test_a_fixed_path_is_what_reverse_gives(name):
    assert fixed_path(name) == fixed_url(name) == reverse(name)


def test_a_fixed_path_follows_the_script_prefix_the_site_is_served_under():
    try:
        set_script_prefix("/kemiskinan/")
        assert fixed_path("cases:registry") == reverse("cases:registry") == "/kemiskinan/households/"
    finally:
        set_script_prefix("/")
    assert fixed_path("cases:registry") == "/households/"


ROW_LINKS = ["cases:detail", "households:member_edit", "interventions:status", "households:visit_edit"]


@pytest.mark.parametrize("name", ROW_LINKS)
@pytest.mark.parametrize("pk", [1, 42, 9_876_543_210])
def test_a_path_with_an_id_is_what_reverse_gives(name, pk):
    assert path_with_id(name, pk) == id_url(name, pk) == reverse(name, args=[pk])


def test_a_path_with_an_id_follows_the_script_prefix():
    try:
        set_script_prefix("/kemiskinan/")
        assert path_with_id("cases:detail", 7) == "/kemiskinan/households/7/"
    finally:
        set_script_prefix("/")
    assert path_with_id("cases:detail", 7) == "/households/7/"


def test_an_id_given_as_text_is_reversed_as_before():
    assert path_with_id("cases:detail", "12") == reverse("cases:detail", args=["12"]) == "/households/12/"

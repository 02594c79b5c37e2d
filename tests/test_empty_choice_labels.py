"""Every select says what its empty choice means: "Semua" in a list's filters, "— Pilih —" (or the field's own
words, such as "— Tidak ada —") in a form. Django's "---------" is shown nowhere."""

import pytest

from tests.pageforms import page_forms
from tests.test_rendered_forms import FORM_PAGES
from tests.test_url_permissions import objects, url_for  # noqa: F401 - `objects` is a fixture

pytestmark = pytest.mark.django_db

DASHES = "---------"


def option_texts(html: str) -> list[str]:
    from html.parser import HTMLParser

    class Options(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.texts: list[str] = []
            self._inside = False

        def handle_starttag(self, tag, attrs):
            if tag == "option":
                self._inside = True
                self.texts.append("")

        def handle_endtag(self, tag):
            if tag == "option":
                self._inside = False

        def handle_data(self, data):
            if self._inside:
                self.texts[-1] += data

    parser = Options()
    parser.feed(html)
    return [text.strip() for text in parser.texts]


@pytest.mark.parametrize(("name", "target", "role"), FORM_PAGES, ids=[p[0] for p in FORM_PAGES])
def test_no_select_on_any_page_offers_dashes(client_as, objects, name, target, role):  # noqa: F811
    response = client_as(role).get(url_for(name, target, objects))
    if not response.get("Content-Type", "").startswith("text/html"):
        return  # a download
    texts = option_texts(response.text)
    assert DASHES not in texts, f"{name}: an empty choice reads {DASHES!r}"


def test_filters_say_semua_and_forms_say_pilih(client_as, objects):  # noqa: F811
    from django.urls import reverse

    client = client_as("supervisor")
    registry = client.get(reverse("cases:registry"))
    kelurahan = next(c for f in page_forms(registry) for c in f.controls if c.name == "kelurahan")
    assert kelurahan.options[0][0] == ""
    assert option_texts(registry.text).count("Semua") >= 3
    create = client.get(reverse("households:create"))
    assert "— Pilih —" in option_texts(create.text)  # the kelurahan, required
    member = client.get(reverse("households:member_add", args=[objects["household"].pk]))
    education = next(c for f in page_forms(member) for c in f.controls if c.name == "education")
    assert education.options[0][0] == ""
    assert "— Belum diisi —" in option_texts(member.text)  # education may stay empty

"""Read a rendered page's forms and links the way a browser does, so tests submit what the page carries."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

SKIPPED_INPUTS = {"submit", "button", "image", "reset", "file"}


@dataclass
class Form:
    id: str
    method: str
    action: str | None
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)

    def data(self, button: str | None = None, **changes: str) -> dict[str, list[str]]:
        """The fields a browser sends (plus the named submit button), with `changes` typed in."""
        values: dict[str, list[str]] = {}
        for name, value in self.fields:
            values.setdefault(name, []).append(value)
        for name, value in self.buttons:
            if name == button:
                values[name] = [value]
        for name, value in changes.items():
            values[name] = [value]
        return values


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: dict | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value if value is not None else "" for name, value in attrs}
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag == "form":
            self._form = Form(id=a.get("id", ""), method=a.get("method", "get").lower(), action=a.get("action"))
            self.forms.append(self._form)
            return
        if self._form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in SKIPPED_INPUTS:
                if kind == "submit":
                    self._form.buttons.append((name, a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.fields.append((name, a.get("value", "on")))
            else:
                self._form.fields.append((name, a.get("value", "")))
        elif tag == "button" and name and a.get("type", "submit") == "submit":
            self._form.buttons.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in a, "options": [], "selected": []}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select["options"].append(value)
            if "selected" in a:
                self._select["selected"].append(value)
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = self._select["selected"]
            if not chosen and not self._select["multiple"] and self._select["options"]:
                chosen = self._select["options"][:1]
            self._form.fields.extend((self._select["name"], value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, parts = self._textarea
            text = "".join(parts)
            self._form.fields.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)


def _parse(html: str) -> _Parser:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser


def find_form(html: str, form_id: str) -> Form:
    forms = [form for form in _parse(html).forms if form.id == form_id]
    assert forms, f"no form #{form_id} on the page"
    return forms[0]


def links(html: str) -> list[str]:
    return _parse(html).links


def submit(client, page_url: str, form: Form, button: str | None = None, **changes: str):
    """Send `form` as a browser would from `page_url`; returns (the URL requested, the response)."""
    target = urljoin(page_url, form.action) if form.action else page_url
    data = form.data(button, **changes)
    if form.method == "post":
        return target, client.post(target, data)
    url = urlsplit(target)._replace(query=urlencode(data, doseq=True)).geturl()
    return url, client.get(url)

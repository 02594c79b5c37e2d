"""Submit a form as a browser would: parse the rendered page and post exactly what its form carries.

Tests that build POST dicts by hand pass even when the page never renders a field the view needs (a
hidden version or submit-once token); these helpers post only what the page holds, plus what the test
types into the fields it names, so a field the page forgot fails the test.

    form = page_form(client.get(url))
    form["address"] = "Jl. Baru"
    response = form.submit(client)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

from django.http import HttpResponse


@dataclass
class Control:
    tag: str
    type: str
    name: str
    value: str
    checked: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # selects: (value, selected)
    multiple: bool = False
    disabled: bool = False


@dataclass
class PageForm:
    action: str
    method: str
    controls: list[Control]
    buttons: list[Control]
    page_url: str
    id: str = ""

    def names(self) -> set[str]:
        return {c.name for c in self.controls if c.name}

    def _find(self, name: str) -> list[Control]:
        found = [c for c in self.controls if c.name == name]
        if not found:
            raise KeyError(f"the page's form has no field named {name!r} (it has {sorted(self.names())})")
        return found

    def __setitem__(self, name: str, value) -> None:
        """Type into a field, pick an option, or tick checkboxes (a list ticks exactly those values)."""
        controls = self._find(name)
        first = controls[0]
        if first.type in ("checkbox", "radio"):
            wanted = {str(v) for v in value} if isinstance(value, list | tuple | set) else None
            for control in controls:
                if wanted is not None:
                    control.checked = control.value in wanted
                elif isinstance(value, bool):
                    control.checked = value
                else:
                    control.checked = control.value == str(value)
            return
        if first.tag == "select":
            wanted = {str(v) for v in value} if isinstance(value, list | tuple | set) else {str(value)}
            values = [v for v, _ in first.options]
            missing = wanted - set(values)
            if missing:
                raise ValueError(f"{name!r} offers no option {sorted(missing)} (it offers {values})")
            first.options = [(v, v in wanted) for v, _ in first.options]
            return
        first.value = "" if value is None else str(value)

    def force(self, name: str, value: str) -> None:
        """Send a value the page does not offer (a tampered request): for tests of what the server refuses."""
        control = self._find(name)[0]
        if control.tag == "select":
            control.options = [(str(value), True)]
        else:
            control.value, control.checked = str(value), True

    def __getitem__(self, name: str) -> str | list[str]:
        data = self.data()
        values = [v for k, v in data if k == name]
        return values[0] if len(values) == 1 else values

    def data(self, button: str | None = None) -> list[tuple[str, str]]:
        """The (name, value) pairs the browser sends, in page order."""
        pairs = []
        for control in self.controls:
            if not control.name or control.disabled:
                continue
            if control.type in ("checkbox", "radio"):
                if control.checked:
                    pairs.append((control.name, control.value or "on"))
            elif control.tag == "select":
                chosen = [v for v, selected in control.options if selected]
                if not chosen and not control.multiple and control.options:
                    chosen = [control.options[0][0]]
                pairs += [(control.name, v) for v in chosen]
            elif control.type == "file":
                continue
            else:
                pairs.append((control.name, control.value))
        if button is not None:
            pressed = [b for b in self.buttons if b.name == button or b.value == button]
            if not pressed:
                raise KeyError(f"no submit button {button!r}")
            if pressed[0].name:
                pairs.append((pressed[0].name, pressed[0].value))
        return pairs

    def submit(
        self, client, *, button: str | None = None, follow: bool = False, files: dict | None = None, **extra
    ) -> HttpResponse:
        """Send the form; `files` fills its file inputs ({name: SimpleUploadedFile}), which must be on the page."""
        data: dict[str, list] = {}
        for name, value in self.data(button):
            data.setdefault(name, []).append(value)
        for name, upload in (files or {}).items():
            if not any(c.name == name and c.type == "file" for c in self.controls):
                raise KeyError(f"the page's form has no file input named {name!r}")
            data[name] = [upload]
        url = self.target()
        if self.method == "get":
            return client.get(url, data, follow=follow, **extra)
        return client.post(url, data, follow=follow, **extra)

    def target(self) -> str:
        return urljoin(self.page_url, self.action) if self.action else self.page_url

    def requested_url(self, button: str | None = None) -> str:
        """The URL a browser requests when it sends this form (for GET forms, with the fields in it)."""
        if self.method != "get":
            return self.target()
        return urlsplit(self.target())._replace(query=urlencode(self.data(button), doseq=True)).geturl()


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.links: list[str] = []
        self.nested = 0  # <form> tags inside a form: a browser drops them and ends the outer form early
        self._form: dict | None = None
        self._select: Control | None = None
        self._option: list | None = None
        self._textarea: Control | None = None
        self._template_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "template":  # a row the page's script copies; not sent until then
            self._template_depth += 1
        if self._template_depth:
            return
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag == "form":
            if self._form is not None:
                self.nested += 1
                return  # a browser ignores a <form> inside a form (and its </form> ends the outer one)
            self._form = {
                "action": a.get("action", ""),
                "method": a.get("method", "get").lower(),
                "id": a.get("id", ""),
            }
            self._form.update(controls=[], buttons=[])
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        disabled = "disabled" in a
        if tag == "input":
            kind = a.get("type", "text").lower()
            control = Control("input", kind, a.get("name", ""), a.get("value", ""), "checked" in a, disabled=disabled)
            if kind in ("submit", "image", "button", "reset"):
                if kind == "submit":
                    self._form["buttons"].append(control)
            else:
                if kind in ("checkbox", "radio") and "value" not in a:
                    control.value = "on"
                self._form["controls"].append(control)
        elif tag == "button":
            kind = a.get("type", "submit").lower()
            if kind == "submit":
                self._form["buttons"].append(Control("button", kind, a.get("name", ""), a.get("value", "")))
        elif tag == "select":
            name, multiple = a.get("name", ""), "multiple" in a
            self._select = Control("select", "select", name, "", multiple=multiple, disabled=disabled)
            self._form["controls"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]
            self._select.options.append(("", False))  # filled at the end tag (value may be the text)
        elif tag == "textarea":
            self._textarea = Control("textarea", "textarea", a.get("name", ""), "", disabled=disabled)
            self._form["controls"].append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._template_depth:
            return
        if self._option is not None:
            self._option[2] += data
        elif self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._template_depth = max(0, self._template_depth - 1)
            return
        if self._template_depth:
            return
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value, selected, text = self._option
            self._select.options[-1] = (value if value is not None else text.strip(), selected)
            self._option = None
        elif tag == "textarea" and self._textarea is not None:
            if self._textarea.value.startswith("\n"):
                self._textarea.value = self._textarea.value[1:]
            self._textarea = None


def _parse(html: str) -> _FormParser:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser


def forms_in(html: str, url: str = "") -> list[PageForm]:
    """Every form in a page's HTML; `url` is where the page was loaded from (relative actions resolve to it)."""
    return [
        PageForm(f["action"], f["method"], f["controls"], f["buttons"], page_url=url, id=f["id"])
        for f in _parse(html).forms
    ]


def page_forms(response: HttpResponse) -> list[PageForm]:
    """Every form on a rendered page."""
    return forms_in(response.content.decode(), response.wsgi_request.get_full_path())


def nested_forms(response: HttpResponse) -> int:
    return _parse(response.content.decode()).nested


def links(html: str) -> list[str]:
    """Every link's href on a page, in order."""
    return _parse(html).links


def find_form(html: str, form_id: str, url: str = "") -> PageForm:
    forms = [form for form in forms_in(html, url) if form.id == form_id]
    assert forms, f"no form #{form_id} on the page"
    return forms[0]


def form_fields(html: str, field: str) -> dict[str, str]:
    """What the page's POST form that has a field named `field` sends, as a dict (single values)."""
    form = next(f for f in forms_in(html) if f.method == "post" and field in f.names())
    return dict(form.data())


def submit(client, page_url: str, form: PageForm, button: str | None = None, **changes: str):
    """Send `form`, loaded from `page_url`, with `changes` typed in; returns (the URL requested, the response)."""
    form.page_url = page_url
    for name, value in changes.items():
        form[name] = value
    return form.requested_url(button), form.submit(client, button=button)


# Forms every page carries in its frame (sign out, language), not the page's own.
FRAME_ACTIONS = ("/accounts/logout/", "/i18n/setlang/", "/admin/logout/")


def page_form(response: HttpResponse, *, containing: str | None = None, method: str = "post") -> PageForm:
    """The page's one `method` form (or the one that has a field named `containing`)."""
    assert response.status_code == 200, response.status_code
    candidates = [f for f in page_forms(response) if f.method == method and f.action not in FRAME_ACTIONS]
    if containing is not None:
        candidates = [f for f in candidates if containing in f.names()]
    assert len(candidates) == 1, f"expected one {method} form, found {len(candidates)}"
    return candidates[0]

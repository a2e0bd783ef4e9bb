"""The sign form read and filled in as a browser would: shared by the signing tests."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from flask.testing import FlaskClient

from petitions.extensions import db
from petitions.mail.models import OutboxMessage
from petitions.signing.models import Signature


class FormPage(HTMLParser):
    """The sign form as a browser sees it: control values, error texts, invalid markers, and each
    list's (value, label) options in order."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self.checked: dict[str, bool] = {}
        self.errors: dict[str, str] = {}
        self.invalid: set[str] = set()
        self.described_by: dict[str, str] = {}
        self.action: str | None = None
        self.summary = ""
        self.options: dict[str, list[tuple[str, str]]] = {}
        self._select: str | None = None
        self._in_option = False
        self._textarea: str | None = None
        self._error_for: str | None = None
        self._in_summary = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if self._in_summary and tag == "div":
            self._in_summary += 1
        if tag == "form" and "/sign" in attr.get("action", ""):
            self.action = attr["action"]
        elif tag == "input" and "name" in attr:
            self._control(attr)
            if attr.get("type") == "checkbox":
                self.checked[attr["name"]] = "checked" in attr
            else:
                self.values[attr["name"]] = attr.get("value", "")
        elif tag == "textarea":
            self._control(attr)
            self._textarea = attr["name"]
            self.values[attr["name"]] = ""
        elif tag == "select":
            self._control(attr)
            self._select = attr["name"]
            self.values.setdefault(attr["name"], "")
            self.options[attr["name"]] = []
        elif tag == "option" and self._select:
            self.options[self._select].append((attr.get("value", ""), ""))
            self._in_option = True
            if "selected" in attr:
                self.values[self._select] = attr.get("value", "")
        elif tag == "p" and attr.get("id", "").endswith("-error"):
            self._error_for = attr["id"].removesuffix("-error")
            self.errors[self._error_for] = ""
        elif tag == "div" and "error-summary" in attr.get("class", ""):
            self._in_summary = 1

    def _control(self, attr: dict[str, str]) -> None:
        if attr.get("aria-invalid") == "true":
            self.invalid.add(attr["name"])
        if "aria-describedby" in attr:
            self.described_by[attr["name"]] = attr["aria-describedby"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "option":
            self._in_option = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "p":
            self._error_for = None
        elif tag == "div" and self._in_summary:
            self._in_summary -= 1

    def handle_data(self, data: str) -> None:
        if self._select is not None and self._in_option:
            value, label = self.options[self._select][-1]
            self.options[self._select][-1] = (value, label + data.strip())
        if self._textarea is not None:
            self.values[self._textarea] += data
        if self._error_for is not None:
            self.errors[self._error_for] += data
        if self._in_summary:
            self.summary += data

    def comment_text(self) -> str:
        # WTForms writes one line break before the text so a leading blank line survives.
        return self.values["comment"].removeprefix("\r\n").removeprefix("\n")


def form_post_data(page: FormPage, **typed: Any) -> dict[str, str]:
    """Fill the form as a person would: typed text replaces values, True ticks a box."""
    data = dict(page.values)
    data.update({name: "y" for name, ticked in page.checked.items() if ticked})
    for name, value in typed.items():
        if value is None:
            data.pop(name, None)
        elif value is True:
            data[name] = "y"
        elif value is False:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def sign_in_browser(client: FlaskClient, path: str, **typed: Any) -> Any:
    """Open a petition page (path may carry ?ref=), fill in its form and send it."""
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    form = FormPage(page.get_data(as_text=True))
    assert form.action, "no sign form on the page"
    return client.post(form.action, data=form_post_data(form, **typed))


def stored_rows() -> tuple[list[Signature], int]:
    db.session.expire_all()
    signatures = list(db.session.execute(db.select(Signature).order_by(Signature.id)).scalars())
    outbox = db.session.execute(db.select(db.func.count()).select_from(OutboxMessage)).scalar()
    return signatures, int(outbox or 0)


#: A complete, valid signer, different from conftest's so a re-shown value cannot be a default.
TYPED = {
    "full_name": "Hanna Kovalenka",
    "email": "hanna@example.org",
    "country": "LT",
    "city": "Vilnius",
    "comment": "Solidarity from Vilnius.",
}

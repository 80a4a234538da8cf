"""Read the POST forms of a rendered page, as a browser would submit them.

Used by the fuzzing and the concurrent-edit tests: every form is found on the page
itself, so a new field or a new form is covered without editing a test.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "select-multiple" or "textarea"
    value: str = ""  # what the browser would send untouched ("" when nothing)
    options: list = field(default_factory=list)  # a select's option values; a radio group's values
    checked: bool = False
    required: bool = False


@dataclass
class Form:
    action: str
    enctype: str
    fields: dict = field(default_factory=dict)  # name -> Field

    def data(self) -> dict:
        """The form as submitted without touching it (ticked boxes, selected options, typed values)."""
        out = {}
        for item in self.fields.values():
            if item.kind in ("checkbox", "radio"):
                if item.checked:
                    out[item.name] = item.value
            elif item.kind in ("submit", "button", "file", "image", "reset"):
                continue
            else:
                out[item.name] = item.value
        return out


class _Parser(HTMLParser):
    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: Field | None = None
        self.in_option = False
        self.option_value: str | None = None
        self.option_text = ""
        self.option_selected = False
        self.textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {key: (value if value is not None else "") for key, value in attrs}
        if tag == "form":
            if attrs.get("method", "get").lower() == "post":
                self.form = Form(action=attrs.get("action") or self.page_path, enctype=attrs.get("enctype", ""))
            return
        if self.form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            existing = self.form.fields.get(name)
            if kind == "radio" and existing:
                existing.options.append(attrs.get("value", "on"))
                if "checked" in attrs:
                    existing.value, existing.checked = attrs.get("value", "on"), True
                return
            self.form.fields[name] = Field(
                name=name, kind=kind, value=attrs.get("value", "on" if kind in ("checkbox", "radio") else ""),
                options=[attrs.get("value", "on")] if kind == "radio" else [],
                checked="checked" in attrs, required="required" in attrs,
            )
        elif tag == "select" and name:
            self.select = Field(name=name, kind="select-multiple" if "multiple" in attrs else "select", required="required" in attrs)
            self.form.fields[name] = self.select
        elif tag == "option" and self.select is not None:
            self._close_option()  # an <option> not closed before the next one
            self.in_option, self.option_value, self.option_text = True, attrs.get("value"), ""
            self.option_selected = "selected" in attrs
        elif tag == "textarea" and name:
            self.textarea = Field(name=name, kind="textarea", required="required" in attrs)
            self.form.fields[name] = self.textarea

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data
        elif self.in_option:
            self.option_text += data

    def handle_endtag(self, tag):
        if tag == "form" and self.form is not None:
            self.forms.append(self.form)
            self.form = None
        elif tag == "option" and self.select is not None:
            self._close_option()
        elif tag == "select" and self.select is not None:
            self._close_option()
            if not self.select.value and self.select.options and self.select.kind == "select":
                self.select.value = self.select.options[0]  # a browser sends the first option
            self.select = None
        elif tag == "textarea":
            if self.textarea is not None and self.textarea.value.startswith("\n"):
                self.textarea.value = self.textarea.value[1:]  # the newline after <textarea> is not content
            self.textarea = None

    def _close_option(self):
        if not self.in_option:
            return
        value = self.option_value if self.option_value is not None else self.option_text.strip()
        self.select.options.append(value)
        if self.option_selected and not self.select.value:
            self.select.value = value
            self.select.checked = True
        self.in_option, self.option_value, self.option_text, self.option_selected = False, None, "", False


def post_forms(html: str, page_path: str) -> list[Form]:
    """Every <form method="post"> on the page, with its fields."""
    parser = _Parser(page_path)
    parser.feed(html)
    parser.close()
    return parser.forms

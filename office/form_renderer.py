"""The form renderer: Django's, except that selects, ticks, radios, inputs and text areas
are written in Python.

Django renders each <option> and each tick through two or three included templates,
about 80 µs apiece: a list of 300 people costs 25 ms a form, most of the duty and leave
pages; a plain input is two templates too. The HTML is exactly what Django's templates write (tests/test_form_renderer.py
compares them), and a widget with its own templates still goes through them."""

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape

WIDGETS = "django/forms/widgets/"


def _text(value) -> str:
    """What {{ value }} writes: localized, escaped unless already safe."""
    return conditional_escape(localize(value))


def _attrs(attrs: dict) -> str:
    """What attrs.html writes: ' name="value"', a bare name for True, nothing for False."""
    return "".join(
        f" {conditional_escape(name)}" + ("" if value is True else f'="{conditional_escape(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


def _select(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            parts.append(f'\n  <option value="{conditional_escape(option["value"])}"{_attrs(option["attrs"])}>{_text(option["label"])}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{conditional_escape(widget["value"])}"'
    return f'<input type="{_text(widget["type"])}" name="{conditional_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _textarea(widget: dict) -> str:
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _input_option(option: dict) -> str:
    # The newlines are the ends of the three template files Django includes for one tick.
    html = _input(option) + "\n"
    if not option["wrap_label"]:
        return html + "\n\n"
    label_for = f' for="{_text(option["attrs"]["id"])}"' if option["attrs"].get("id") else ""
    return f"<label{label_for}>{html} {_text(option['label'])}</label>\n\n"


def _multiple_input(widget: dict) -> str:
    element_id, css_class = widget["attrs"].get("id"), widget["attrs"].get("class")
    id_html = f' id="{_text(element_id)}"' if element_id else ""
    class_html = f' class="{_text(css_class)}"' if css_class else ""
    parts = [f"<div{id_html}{class_html}>"]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f"\n  <div><label>{_text(group_name)}</label>")
        for option in options:
            parts.append(f"<div>\n    {_input_option(option)}</div>")
        if group_name:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


# widget template → (its writer, the option templates it knows)
WRITERS = {
    WIDGETS + "select.html": (_select, {WIDGETS + "select_option.html"}),
    WIDGETS + "checkbox_select.html": (_multiple_input, {WIDGETS + "checkbox_option.html"}),
    WIDGETS + "radio.html": (_multiple_input, {WIDGETS + "radio_option.html"}),
    WIDGETS + "textarea.html": (_textarea, set()),
    # The inputs whose template is just input.html.
    **{WIDGETS + f"{kind}.html": (_input, set()) for kind in (
        "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "search", "tel", "color", "checkbox", "file")},
}


class OfficeFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        writer, option_templates = WRITERS.get(template_name, (None, ()))
        widget = context.get("widget")
        if writer is not None and all(
            option["template_name"] in option_templates for _group, options, _index in widget.get("optgroups", ()) for option in options
        ):
            return writer(widget)
        return super().render(template_name, context, request)

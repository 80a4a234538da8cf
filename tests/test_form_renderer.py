"""office.form_renderer writes selects, ticks, radios, inputs and text areas itself: the
HTML must be what Django's own templates write, for every kind of widget and awkward value."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from office.form_renderer import OfficeFormRenderer

AWKWARD = [
    ("", "请选择"),
    (1, "张三（办公室）"),
    ("a&b", 'say "hi" <script>'),
    ("<x>", mark_safe("<b>已安全</b>")),
    (3, gettext_lazy("Yes")),
    (4, datetime.date(2026, 11, 24)),
    (5.5, 1234567),
]
GROUPED = [("", "（无）"), ("第一组", [(1, "甲"), (2, "乙<")]), ("第二组", [(3, "丙")]), (4, "丁")]


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=AWKWARD)
    grouped = forms.ChoiceField(choices=GROUPED, widget=forms.Select(attrs={"class": "wide", "data-x": 'q"', "disabled": True}))
    many = forms.MultipleChoiceField(choices=AWKWARD, widget=forms.SelectMultiple(attrs={"size": 5}))
    ticks = forms.MultipleChoiceField(choices=AWKWARD, widget=forms.CheckboxSelectMultiple(attrs={"class": "ticks"}))
    grouped_ticks = forms.MultipleChoiceField(choices=GROUPED, widget=forms.CheckboxSelectMultiple)
    radio = forms.ChoiceField(choices=GROUPED, widget=forms.RadioSelect(attrs={"required": False}))
    yes_no = forms.NullBooleanField()
    no_id = forms.ChoiceField(choices=AWKWARD, widget=forms.RadioSelect)
    text = forms.CharField(max_length=20, widget=forms.TextInput(attrs={"placeholder": '引号"与<尖括号>'}))
    number = forms.IntegerField(min_value=1, max_value=99)
    amount = forms.DecimalField(max_digits=6, decimal_places=2, required=False)
    email = forms.EmailField(required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    moment = forms.DateTimeField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    agreed = forms.BooleanField(required=False)
    upload = forms.FileField(required=False)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"plain": "a&b", "grouped": "2", "many": ["1", "<x>", "3"], "ticks": ["", "5.5"], "grouped_ticks": ["3"], "radio": "4", "yes_no": "true",
         "text": '<script>"x"</script>', "number": "7", "amount": "12.5", "email": "a@b.cn", "day": "2026-11-24",
         "moment": "2026-11-24 09:30", "secret": "p&w", "hidden": "<h>", "notes": "第一行\n<第二行>&", "agreed": "on"},
        {"plain": "nothing", "many": ["zzz"], "yes_no": "false", "number": "abc", "day": "2026-02-30", "notes": "", "text": "x" * 30},
    ],
)
@pytest.mark.parametrize("auto_id", ["id_%s", False])
def test_every_choice_widget_writes_what_djangos_templates_write(data, auto_id):
    django_form = Everything(data, auto_id=auto_id, renderer=DjangoTemplates())
    office_form = Everything(data, auto_id=auto_id, renderer=OfficeFormRenderer())
    for name in Everything.base_fields:
        expected, written = str(django_form[name]), str(office_form[name])
        assert "<option" in expected or "<input" in expected or "<textarea" in expected
        assert written == expected, name


def test_the_project_uses_it_and_a_widget_with_its_own_templates_keeps_them():
    from django.forms.renderers import get_default_renderer

    from conduct.forms import PrerenderedSelect

    assert isinstance(get_default_renderer(), OfficeFormRenderer)

    class Own(forms.Form):
        person = forms.ChoiceField(choices=[(1, "甲")], widget=PrerenderedSelect)

    assert str(Own()["person"]) == str(Own(renderer=DjangoTemplates())["person"])
    assert '<option value="1">甲</option>' in str(Own()["person"])

"""The shared fields of office/forms.py. Person fields list their choices from four columns
(PersonLabels): the labels are what the Person rows give, the pick cleans to the Person, the
list costs one query however long it is. Ids and times no database can keep are refused."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conduct.forms import choices_of
from office.forms import PeopleChoiceField, PersonChoiceField
from office.models import Person
from tests.factories import PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db


def people():
    committee = UnitFactory(name="财政经济工作委员会", short_name="财经工委")
    nameless = UnitFactory(name="代表联络工作委员会", short_name="")
    return [PersonFactory(name="张三", unit=committee), PersonFactory(name="李四<b>", unit=nameless), PersonFactory(name="王五", unit=None)]


class Pick(forms.Form):
    one = PersonChoiceField(queryset=Person.objects.none(), empty_label="请选择")
    many = PeopleChoiceField(queryset=Person.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("one", "many"):
            self.fields[name].queryset = Person.objects.select_related("unit").order_by("id")


def test_labels_are_the_rows_labels_and_the_pick_cleans_to_the_person():
    listed = people()
    form = Pick()
    # The unit's short name, else its full name; no unit, the name alone.
    expected = list(zip([person.pk for person in listed], ["张三（财经工委）", "李四<b>（代表联络工作委员会）", "王五"]))
    assert [(value.value, label) for value, label in form.fields["one"].choices if value != ""] == expected
    assert list(form.fields["one"].choices)[0] == ("", "请选择")
    assert [(value.value, label) for value, label in form.fields["many"].choices] == expected
    assert [(pk, label) for pk, label in choices_of(Person.objects.order_by("id"))] == expected
    html = str(form["one"])
    assert "李四&lt;b&gt;（代表联络工作委员会）" in html and f'<option value="{listed[0].pk}">张三（财经工委）</option>' in html

    bound = Pick({"one": listed[1].pk, "many": [listed[0].pk, listed[2].pk]})
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["one"] == listed[1] and isinstance(bound.cleaned_data["one"], Person)
    assert sorted(person.pk for person in bound.cleaned_data["many"]) == [listed[0].pk, listed[2].pk]
    assert not Pick({"one": 999999}).is_valid()


def test_a_long_list_is_one_query():
    unit = UnitFactory(name="办公室", short_name="办公室")
    PersonFactory.create_batch(60, unit=unit)
    form = Pick()
    with CaptureQueriesContext(connection) as captured:
        html = str(form["one"]) + str(form["many"])
    assert html.count("<option") == 60 + 1 + 60
    assert len(captured) == 2  # one per field


@pytest.mark.parametrize("value", ["9223372036854775808", "-9223372036854775809", "99999999999999999999999"])
def test_an_id_past_the_database_integer_is_refused_not_a_server_error(value):
    people()
    form = Pick({"many": [value]})
    assert not form.is_valid()
    assert "不是一个有效的值" in form.errors["many"][0] and value in form.errors["many"][0]


@pytest.mark.parametrize("value", ["0001-01-01T00:00", "9999-12-31T23:59", "1899-12-31T23:00"])
def test_a_time_the_database_cannot_keep_is_refused(value):
    """Year 1 in Beijing time is before year 1 in UTC: saving it was a server error."""
    from office.forms import DateTimeField

    class When(forms.Form):
        start = DateTimeField()

    form = When({"start": value})
    assert not form.is_valid() and form.errors["start"] == ["请填写1900年至2100年之间的时间"]
    assert When({"start": "2026-11-24T09:00"}).is_valid()

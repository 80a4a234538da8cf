"""Factories for test data."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from office.models import Body, Membership, Person, Term, Unit


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"测试工委{n}")
    short_name = factory.LazyAttribute(lambda unit: unit.name[:6])
    kind = Unit.Kind.COMMITTEE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@office.example")
    password = factory.PostGenerationMethodCall("set_password", "demo12345")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            for role in extracted:
                self.groups.add(Group.objects.get(name=role))
        if create:
            self.save()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"人员{n}")
    unit = factory.SubFactory(UnitFactory)
    protocol_rank = factory.Sequence(lambda n: 100 + n)


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term
        django_get_or_create = ["number"]

    number = 16
    start_date = datetime.date(2022, 1, 6)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    term = factory.SubFactory(TermFactory)
    body = Body.STANDING_COMMITTEE
    title = "委员"
    start_date = datetime.date(2022, 1, 6)

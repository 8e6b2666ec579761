"""factory_boy factories for the models. Every test builds what it needs from these."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from lvzhi.org.models import (
    Committee,
    Congress,
    DeputyGroup,
    ElectoralUnit,
    Mandate,
    Person,
    RoleAssignment,
    Term,
    Unit,
    User,
)
from lvzhi.stations.models import Station

PASSWORD = "Test-pass-2026"


class CongressFactory(DjangoModelFactory):
    class Meta:
        model = Congress
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试{n}区人民代表大会")
    short_name = factory.Sequence(lambda n: f"测试{n}区人大")
    level = Congress.Level.COUNTY
    region_name = factory.Sequence(lambda n: f"测试{n}区")
    parent = None

    @factory.post_generation
    def set_path(obj, create, extracted, **kwargs):
        obj.path = (obj.parent.path if obj.parent else "/") + f"{obj.pk}/"
        obj.save(update_fields=["path"])


class TermFactory(DjangoModelFactory):
    class Meta:
        model = Term
        django_get_or_create = ("congress", "number")

    congress = factory.SubFactory(CongressFactory)
    number = 17
    start_date = dt.date(2022, 1, 1)
    end_date = dt.date(2026, 12, 31)


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"代表{n}")
    congress = factory.SubFactory(CongressFactory)
    mobile = factory.Sequence(lambda n: f"139{n:08d}")


class MandateFactory(DjangoModelFactory):
    class Meta:
        model = Mandate

    congress = factory.SubFactory(CongressFactory)
    term = factory.SubFactory(TermFactory, congress=factory.SelfAttribute("..congress"))
    person = factory.SubFactory(PersonFactory, congress=factory.SelfAttribute("..congress"))
    start_date = dt.date(2022, 1, 1)


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    congress = factory.SubFactory(CongressFactory)
    name = factory.Sequence(lambda n: f"测试区第{n}局")
    short_name = factory.Sequence(lambda n: f"第{n}局")


class CommitteeFactory(DjangoModelFactory):
    class Meta:
        model = Committee

    congress = factory.SubFactory(CongressFactory)
    kind = Committee.Kind.SPECIAL
    name = factory.Sequence(lambda n: f"第{n}专门委员会")


class ElectoralUnitFactory(DjangoModelFactory):
    class Meta:
        model = ElectoralUnit

    congress = factory.SubFactory(CongressFactory)
    kind = ElectoralUnit.Kind.DISTRICT
    name = factory.Sequence(lambda n: f"第{n}选区")


class GroupFactory(DjangoModelFactory):
    class Meta:
        model = DeputyGroup

    congress = factory.SubFactory(CongressFactory)
    name = factory.Sequence(lambda n: f"第{n}代表小组")


class StationFactory(DjangoModelFactory):
    class Meta:
        model = Station

    congress = factory.SubFactory(CongressFactory)
    name = factory.Sequence(lambda n: f"第{n}代表联络站")
    address = "示范路1号"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    must_change_password = False
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def grant(user, role, congress, **target):
    return RoleAssignment.objects.create(user=user, role=role, congress=congress, **target)

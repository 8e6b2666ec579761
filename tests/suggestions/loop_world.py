"""The demo city's accounts set up for the suggestions loop at city level (recess, 2026-11-26)."""

import datetime as dt
from dataclasses import dataclass

from lvzhi.org.models import Congress, Mandate, Unit, User
from lvzhi.suggestions.services import drafting

TODAY = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
BODY = "我市部分老旧小区冬季供热温度长期不达标，居民反映强烈，建议对管网进行改造并加强监管。"


@dataclass
class LoopWorld:
    city: Congress
    staff: User  # city_staff
    staff_b: User  # a sibling district's staff
    deputy: User  # deputy_a
    mandate: Mandate  # deputy_a's city mandate
    cosigner: User
    co_mandate: Mandate
    handler: User  # handler_a at 示范市教育局
    unit: Unit
    handler_b: User  # handler_b at 示范市住房和城乡建设局
    unit_b: Unit

    def draft(self, **kw):
        data = {"title": "关于进一步改善我市老旧小区供热质量的建议", "field": "urban", "body": BODY}
        data.update(kw)
        return drafting.suggestion_create(actor=self.deputy, mandate=self.mandate, **data)


def build() -> LoopWorld:
    city = Congress.objects.get(name__startswith="示范市", level=Congress.Level.CITY)
    deputy = User.objects.get(username="deputy_a")
    mandate = Mandate.objects.get(person=deputy.person, congress=city)
    co_mandate = (
        Mandate.objects.current()
        .filter(congress=city, person__account__is_active=True)
        .exclude(person=deputy.person)
        .order_by("pk")
        .first()
    )
    handler, handler_b = User.objects.get(username="handler_a"), User.objects.get(username="handler_b")
    return LoopWorld(
        city=city,
        staff=User.objects.get(username="city_staff"),
        staff_b=User.objects.get(username="staff_b"),
        deputy=deputy,
        mandate=mandate,
        cosigner=co_mandate.person.account,
        co_mandate=co_mandate,
        handler=handler,
        unit=Unit.objects.get(handlers__user=handler, handlers__role="unit_handler"),
        handler_b=handler_b,
        unit_b=Unit.objects.get(handlers__user=handler_b, handlers__role="unit_handler"),
    )

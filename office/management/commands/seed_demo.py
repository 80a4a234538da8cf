"""Demo data for a fictional district office. Safe to run again: nothing is duplicated."""

import datetime
from importlib import import_module

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from office.models import Body, Membership, Person, Term, Unit
from office.notifications import notify
from office.roles import Role, roles_sync

DEMO_PASSWORD = "demo12345"

UNITS = [
    # name, short name, kind
    ("清河区人大常委会办公室", "办公室", Unit.Kind.OFFICE),
    ("常委会领导办公室", "领导办", Unit.Kind.LEADERSHIP),
    ("法制工作委员会", "法制工委", Unit.Kind.COMMITTEE),
    ("财政经济工作委员会", "财经工委", Unit.Kind.COMMITTEE),
    ("教育科学文化卫生工作委员会", "教科文卫工委", Unit.Kind.COMMITTEE),
    ("农业农村工作委员会", "农业农村工委", Unit.Kind.COMMITTEE),
    ("社会建设工作委员会", "社会建设工委", Unit.Kind.COMMITTEE),
    ("人事代表选举工作委员会", "人事代表选举工委", Unit.Kind.COMMITTEE),
    ("研究室", "研究室", Unit.Kind.COMMITTEE),
]

# The standing committee's leaders: name, post, rank, demo username (or "").
LEADERS = [
    ("周建国", "常委会主任", 1, ""),
    ("李慧敏", "常委会副主任", 2, "leader"),
    ("王德明", "常委会副主任", 3, ""),
    ("赵振华", "常委会副主任", 4, ""),
    ("陈立新", "常委会副主任", 5, ""),
    ("刘文彬", "常委会秘书长", 6, ""),
]

# Office and committee staff with logins: username, name, unit short name, post, role.
STAFF = [
    ("director", "孙明远", "办公室", "办公室主任", Role.DIRECTOR),
    ("staff", "杨晓琳", "办公室", "办公室科员", Role.STAFF),
    ("staff2", "吴海涛", "办公室", "文秘科科长", Role.STAFF),
    ("liaison", "郑雅婷", "财经工委", "财经工委联络员", Role.LIAISON),
    ("liaison2", "何志强", "法制工委", "法制工委联络员", Role.LIAISON),
    ("driver", "马国庆", "办公室", "驾驶员", Role.DRIVER),
    ("canteen", "林秀英", "办公室", "食堂管理员", Role.CANTEEN),
    ("duty", "黄俊杰", "办公室", "值班员", Role.DUTY),
]

_SURNAMES = "张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
_GIVEN = ["建华", "秀兰", "志强", "丽华", "国平", "海燕", "永红", "春梅", "德胜", "玉兰", "文静", "卫东", "晓明", "红霞", "宏伟", "淑珍", "振宇", "桂英", "家豪", "雪梅", "子涵", "立军", "美玲", "俊峰", "新民", "爱华", "宇航", "慧芳", "光辉", "静怡"]
COMMITTEE_MEMBERS = 24  # besides the six leaders: 30 members in all
DEPUTIES = 60


def demo_name(index: int) -> str:
    return _SURNAMES[(index * 7) % len(_SURNAMES)] + _GIVEN[index % len(_GIVEN)]


class Command(BaseCommand):
    help = "载入演示数据（可重复运行，不会重复创建）"

    @transaction.atomic
    def handle(self, *args, **options):
        roles_sync()
        units = {}
        for order, (name, short, kind) in enumerate(UNITS, start=1):
            unit, _ = Unit.objects.update_or_create(name=name, defaults={"short_name": short, "kind": kind, "order": order * 10})
            units[short] = unit
        term, _ = Term.objects.get_or_create(number=16, defaults={"start_date": datetime.date(2022, 1, 6)})

        committee_people = []
        for name, post, rank, username in LEADERS:
            user = self._user(username, name, Role.LEADER) if username else None
            person = self._person(f"L{rank:02d}", name, units["领导办"], post, rank, user)
            committee_people.append((person, post.removeprefix("常委会")))
            self._member(person, term, Body.COUNCIL, post.removeprefix("常委会"))
        committee_units = [units[key] for key in ("法制工委", "财经工委", "教科文卫工委", "农业农村工委", "社会建设工委", "人事代表选举工委", "研究室")]
        for index in range(COMMITTEE_MEMBERS):
            unit = committee_units[index % len(committee_units)]
            person = self._person(f"W{index + 1:02d}", demo_name(index), unit, "常委会委员", 100 + index, None)
            committee_people.append((person, "委员"))
        for person, title in committee_people:
            self._member(person, term, Body.STANDING_COMMITTEE, title)
            self._member(person, term, Body.CONGRESS, "代表")
        for index in range(DEPUTIES):
            person = self._person(f"D{index + 1:03d}", demo_name(index + 40), None, "区人大代表", 500 + index, None)
            self._member(person, term, Body.CONGRESS, "代表")

        for rank, (username, name, unit_short, post, role) in enumerate(STAFF, start=200):
            user = self._user(username, name, role)
            self._person(f"S{rank}", name, units[unit_short], post, rank, user)

        User = get_user_model()
        everyone = User.objects.filter(username__in=[row[0] for row in STAFF] + ["leader"])
        notify(
            everyone,
            "demo:welcome",
            "欢迎使用办公室工作平台",
            "这是演示数据。左上角的导航进入办会、办文、督办、办事、作风各项职责；右上角“消息”是您的站内通知。",
            link="",
        )
        # Each duty app may add its own demo records (module <app>/demo.py, function seed).
        for app_config in apps.get_app_configs():
            try:
                module = import_module(f"{app_config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{app_config.name}.demo":
                    raise
                continue
            message = module.seed()
            if message:
                self.stdout.write(f"  {app_config.verbose_name}：{message}")
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪：{Person.objects.count()} 人，{Unit.objects.count()} 个单位"))

    def _user(self, username, name, role):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": name, "email": f"{username}@office.example", "is_staff": role == Role.DIRECTOR},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=role))
        return user

    def _person(self, code, name, unit, post, rank, user):
        person, _ = Person.objects.update_or_create(
            id_code=code, defaults={"name": name, "unit": unit, "post": post, "protocol_rank": rank, "user": user}
        )
        return person

    def _member(self, person, term, body, title):
        Membership.objects.get_or_create(
            person=person, term=term, body=body, defaults={"title": title, "start_date": term.start_date}
        )

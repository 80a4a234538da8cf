"""Ten years of a large office, for the page and load benchmarks.

    .venv/bin/python bench/generate.py [--seed 2026] [--scale 1.0] [--force]

Fills var/bench/office.sqlite3 (or DATABASE_URL) with, at --scale 1: 200,000 收文,
50,000 发文, 60,000 督办 items, 3,000 meetings with 150,000 participations, 20,000
trips, 500,000 meal bookings, 5,000 差错 entries and 300 users — most items closed
or archived, a few hundred open in every workflow state. The demo data (logins,
units, rooms, the fleet, records made through the services) is loaded first.

Rows are written with bulk_create in batches straight from a seeded random
generator (no per-row services, no audit-log signals), so the same seed and scale
give the same rows. Numbers stay unique and the counters (office.Counter) are set
to the highest number used, so numbers taken afterwards continue the series.
A marker table records seed and scale; a second run with the same ones does nothing.
"""

import argparse
import contextlib
import io
import datetime
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
DEFAULT_SQLITE = ROOT / "var" / "bench" / "office.sqlite3"

VOLUMES = {  # at --scale 1
    "users": 300,
    "incoming": 200_000,
    "outgoing": 50_000,
    "supervision": 60_000,
    "meetings": 3_000,
    "participations": 150_000,
    "trips": 20_000,
    "meals": 500_000,
    "errors": 5_000,
}
# Still open at the end of the ten years ("a few hundred"), spread over the open states.
OPEN = {"incoming": 300, "outgoing": 120, "supervision": 400, "trips": 60, "errors": 40}
YEARS = 10
DEPUTIES = 300  # people without logins, at any scale: meetings draw their participants from everyone
GENERATOR_VERSION = "3"  # bump when the generated rows change, so old databases are rebuilt
BATCH = 2000
MARKER_TABLE = "bench_marker"

SENDERS = [("市人大常委会办公室", "市人常办"), ("区委办公室", "区委办"), ("区人民政府办公室", "区政办"), ("区发展和改革局", "区发改"),
           ("区财政局", "区财"), ("区人民法院", "区法"), ("区人民检察院", "区检"), ("区教育局", "区教"), ("区卫生健康局", "区卫健"),
           ("区住房和城乡建设局", "区住建"), ("区农业农村局", "区农"), ("区审计局", "区审")]
IN_TITLES = ["关于报送{year}年工作总结的通知", "关于开展优化营商环境条例执法检查的函", "关于{year}年预算执行情况的报告",
             "关于提请审议人事任免事项的请示", "关于加强农村饮水安全工作的意见", "关于召开全市人大工作座谈会的通知",
             "关于征求《条例（草案）》修改意见的函", "关于安全生产检查情况的通报", "关于代表建议办理情况的报告",
             "关于做好节日期间值班工作的通知", "关于{year}年度重点民生实事项目推进情况的报告", "关于开展专题询问准备工作的函"]
OUT_TITLES = ["关于召开区人大常委会会议的通知", "关于报送代表建议办理情况的函", "关于开展专题调研的通知",
              "关于印发《常委会机关公文处理办法》的通知", "关于做好年终工作考核的通知", "关于征求立法计划项目建议的函",
              "关于组织代表视察活动的通知", "关于报送{year}年度执法检查计划的函"]
SUP_TOPICS = [("关于加快老旧小区改造进度的审议意见", "meeting"), ("区级预算执行审计查出问题整改情况", "meeting"),
              ("农村饮水安全巩固提升工程推进情况", "council"), ("义务教育阶段学校布局调整调研报告", "council"),
              ("关于增设城区公共停车位的建议", "suggestion"), ("关于加强农贸市场食品安全监管的建议", "suggestion"),
              ("关于改善乡镇卫生院医疗条件的建议", "suggestion"), ("市人大关于优化营商环境条例执法检查的通知", "above"),
              ("河长制落实情况专题调研", "instruction"), ("养老服务体系建设情况", "instruction"), ("政府债务管理情况专题询问准备", "other")]
AGENDA = ["听取和审议区人民政府关于{year}年国民经济和社会发展计划执行情况的报告", "审议人事任免事项",
          "听取和审议区人民法院关于行政审判工作情况的报告", "研究常委会会议议程（草案）", "审议《城市绿化管理办法（草案）》",
          "听取关于代表建议办理情况的汇报", "研究年度监督工作计划"]
DESTINATIONS = [("市人大常委会", 60), ("韩公渡镇", 46), ("石门桥镇", 38), ("区政府", 8), ("灌溪镇", 52), ("市委党校", 24), ("蒿子港镇", 70)]
ERROR_KINDS = [("documents", "text"), ("documents", "delay"), ("documents", "procedure"), ("documents", "secrecy"),
               ("meetings", "meeting"), ("meetings", "procedure"), ("affairs", "vehicle"), ("affairs", "reception"), ("affairs", "other")]
SURNAMES = "张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康"
GIVEN = ["建华", "秀兰", "志强", "丽华", "国平", "海燕", "永红", "春梅", "德胜", "玉兰", "文静", "卫东", "晓明", "红霞", "宏伟", "淑珍",
         "振宇", "桂英", "家豪", "雪梅", "子涵", "立军", "美玲", "俊峰", "新民", "爱华", "宇航", "慧芳", "光辉", "静怡", "思远", "若曦"]


def volumes(scale: float) -> dict[str, int]:
    counts = {key: max(1, round(value * scale)) for key, value in VOLUMES.items()}
    counts["users"] = max(20, counts["users"])  # enough people to staff every role
    return counts


def open_counts(scale: float) -> dict[str, int]:
    # Never fewer than the open states, so every state appears even in a tiny run.
    return {key: max(8, round(value * scale)) for key, value in OPEN.items()}


# --- the marker: which seed and scale this database holds -----------------------------------------


def marker_read() -> dict[str, str]:
    from django.db import connection

    if MARKER_TABLE not in connection.introspection.table_names():
        return {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, value FROM {MARKER_TABLE}")
        return dict(cursor.fetchall())


def marker_write(values: dict[str, str]) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (key varchar(50) PRIMARY KEY, value varchar(200) NOT NULL)")
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")
        for key, value in values.items():
            cursor.execute(f"INSERT INTO {MARKER_TABLE} (key, value) VALUES (%s, %s)", [key, str(value)])


def wanted_marker(seed: int, scale: float) -> dict[str, str]:
    return {"seed": str(seed), "scale": str(scale), "version": GENERATOR_VERSION}


def is_generated(seed: int, scale: float) -> bool:
    marker = marker_read()
    return bool(marker.get("finished_at")) and all(marker.get(key) == value for key, value in wanted_marker(seed, scale).items())


# --- helpers --------------------------------------------------------------------------------------


@contextlib.contextmanager
def historic_timestamps(*models):
    """Let bulk_create keep the created_at/updated_at we give (ten years back) instead of now()."""
    switched = []
    for model in models:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                switched.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in switched:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def save_all(model, objects, batch_size=BATCH):
    """bulk_create in batches; returns the objects with their ids."""
    return model.objects.bulk_create(objects, batch_size=batch_size) if objects else []


class Generator:
    def __init__(self, seed: int, scale: float, today: datetime.date | None = None, log=print):
        from django.utils import timezone

        self.seed, self.scale, self.log = seed, scale, log
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.tz = timezone.get_current_timezone()
        self.counts = volumes(scale)
        self.open = open_counts(scale)
        self.start_day = self.today - datetime.timedelta(days=365 * YEARS + YEARS // 4)
        # Historic records end before the demo's month of trips, meals and meetings.
        self.history_end = self.today - datetime.timedelta(days=40)
        self.serials = defaultdict(int)  # (series, year) → last number used
        self.made = defaultdict(int)

    # time --------------------------------------------------------------------------------------
    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)

    def working_days(self):
        from office import calendar

        days, day = [], self.start_day
        end = self.today + datetime.timedelta(days=60)
        while day <= end:
            if calendar.is_working_day(day):
                days.append(day)
            day += datetime.timedelta(days=1)
        self.days = days
        self.day_index = {day: index for index, day in enumerate(days)}
        self.history_days = [day for day in days if day <= self.history_end]
        self.recent_days = [day for day in days if self.history_end < day <= self.today]

    def shift(self, day: datetime.date, working_days: int) -> datetime.date:
        """`working_days` working days after a working day (from the precomputed list)."""
        index = self.day_index[day] + working_days
        return self.days[min(max(index, 0), len(self.days) - 1)]

    def history_day(self) -> datetime.date:
        return self.rng.choice(self.history_days)

    def sorted_history_days(self, count: int) -> list[datetime.date]:
        return sorted(self.rng.choice(self.history_days) for _ in range(count))

    def recent_day(self) -> datetime.date:
        return self.rng.choice(self.recent_days)

    def stamp(self, day: datetime.date) -> datetime.datetime:
        return self.at(day, self.rng.randint(8, 17), self.rng.randint(0, 59))

    # numbers -----------------------------------------------------------------------------------
    def load_counters(self):
        from office.models import Counter

        for counter in Counter.objects.all():
            self.serials[(counter.series, counter.year)] = counter.last_value

    def take(self, series: str, year: int) -> int:
        self.serials[(series, year)] += 1
        return self.serials[(series, year)]

    def save_counters(self):
        from office.models import Counter

        for (series, year), value in self.serials.items():
            counter, _ = Counter.objects.get_or_create(series=series, year=year)
            if counter.last_value < value:
                Counter.objects.filter(pk=counter.pk).update(last_value=value)

    # ------------------------------------------------------------------------------------------
    def run(self):
        from django.db import transaction

        self.working_days()
        stages = [self.base, self.people, self.incoming, self.outgoing, self.supervision, self.meetings, self.trips,
                  self.meals, self.errors, self.conduct_rest, self.logistics_rest, self.inbox]
        for stage in stages:
            started = time.perf_counter()
            with transaction.atomic():
                stage()
            self.log(f"  {stage.__name__:<15} {time.perf_counter() - started:6.1f} s")
        with transaction.atomic():
            self.save_counters()
            self.renumber_meetings()
        return dict(self.made)

    # base: units, terms, rooms, fleet, supplies (reused when the demo made them) -----------------
    def base(self):
        from django.contrib.auth.models import Group, Permission
        from django.contrib.contenttypes.models import ContentType

        from logistics.demo import FLEET, ROOMS, SUPPLIES
        from logistics.models import Room, SupplyItem, Vehicle
        from office.management.commands.seed_demo import UNITS
        from office.models import Term, Unit
        from office.roles import Role, roles_sync

        roles_sync()
        self.groups = {group.name: group for group in Group.objects.filter(name__in=Role.ALL)}
        for order, (name, short, kind) in enumerate(UNITS, start=1):
            if not Unit.objects.filter(name=name).exists() and not Unit.objects.filter(short_name=short).exists():
                Unit.objects.create(name=name, short_name=short, kind=kind, order=order * 10)
        units = list(Unit.objects.order_by("order", "id"))
        self.committees = [unit for unit in units if unit.kind == Unit.Kind.COMMITTEE]
        self.office_unit = next(unit for unit in units if unit.kind == Unit.Kind.OFFICE)
        self.leader_unit = next((unit for unit in units if unit.kind == Unit.Kind.LEADERSHIP), self.office_unit)
        self.all_units = units
        Term.objects.get_or_create(number=16, defaults={"start_date": datetime.date(2022, 1, 6)})
        Term.objects.get_or_create(number=15, defaults={"start_date": datetime.date(2017, 1, 6), "end_date": datetime.date(2022, 1, 5)})
        Term.objects.get_or_create(number=14, defaults={"start_date": datetime.date(2012, 1, 6), "end_date": datetime.date(2017, 1, 5)})
        self.terms = sorted(Term.objects.all(), key=lambda term: term.start_date)
        for name, location, capacity, rostrum, equipment in ROOMS:
            Room.objects.get_or_create(name=name, defaults={"location": location, "capacity": capacity, "rostrum_seats": rostrum, "equipment": equipment})
        self.rooms = list(Room.objects.order_by("id"))
        for plate, model, seats in FLEET:
            Vehicle.objects.get_or_create(plate=plate, defaults={"model": model, "seats": seats, "insurance_expires": self.today + datetime.timedelta(days=200),
                                                                 "inspection_expires": self.today + datetime.timedelta(days=120), "odometer": 60_000})
        self.vehicles = list(Vehicle.objects.order_by("id"))
        for name, spec, measure, stock, low in SUPPLIES:
            SupplyItem.objects.get_or_create(name=name, defaults={"spec": spec, "measure": measure, "stock": stock, "low_threshold": low})
        self.supplies = list(SupplyItem.objects.order_by("id"))
        self.ct = {model: ContentType.objects.get_for_model(model) for model in self._content_models()}
        self.perm_in = Permission.objects.get(codename="view_secret_incoming")
        self.perm_out = Permission.objects.get(codename="view_secret_outgoing")

    def _content_models(self):
        from documents.models import IncomingDocument, OutgoingDocument
        from logistics.models import Trip
        from meetings.models import Meeting
        from supervision.models import SupervisionItem

        return [IncomingDocument, OutgoingDocument, SupervisionItem, Meeting, Trip]

    # 300 users with a person each, over the units and roles ------------------------------------
    def people(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password

        from office.management.commands.seed_demo import DEMO_PASSWORD
        from office.models import Person
        from office.roles import Role

        User = get_user_model()
        count = self.counts["users"]
        # Shares of a large office: mostly office staff and committee liaisons.
        shares = [(Role.LEADER, 0.04), (Role.DRIVER, 0.05), (Role.CANTEEN, 0.015), (Role.DUTY, 0.04), (Role.LIAISON, 0.33)]
        roles = []
        for role, share in shares:
            roles += [role] * max(1, round(count * share))
        roles += [Role.STAFF] * (count - len(roles))
        password = make_password(DEMO_PASSWORD)  # hashed once: every bench user logs in with the demo password
        joined = self.at(self.start_day, 9)
        users, people = [], []
        existing = set(User.objects.filter(username__startswith="bench").values_list("username", flat=True))
        for index, role in enumerate(roles, start=1):
            username = f"bench{index:03d}"
            if username in existing:
                continue
            name = SURNAMES[(index * 7) % len(SURNAMES)] + GIVEN[(index * 3) % len(GIVEN)]
            users.append(User(username=username, first_name=name, email=f"{username}@office.example", password=password, date_joined=joined))
            unit = self.rng.choice(self.committees) if role == Role.LIAISON else self.leader_unit if role == Role.LEADER else self.office_unit
            people.append((role, Person(name=name, gender=self.rng.choice("MF"), unit=unit, post=role, phone=f"0736-72{index:05d}",
                                        id_code=f"B{index:04d}", protocol_rank=(20 + index) if role == Role.LEADER else 1000 + index)))
        users = save_all(User, users)
        for user, (role, person) in zip(users, people):
            person.user = user
        save_all(Person, [person for _, person in people])
        save_all(User.groups.through, [User.groups.through(user_id=user.pk, group_id=self.groups[role].pk) for user, (role, _) in zip(users, people)])
        self.made["users"] += len(users)
        # The deputies the office serves (no login): invited to meetings, never users.
        deputies = [Person(name=SURNAMES[(index * 11) % len(SURNAMES)] + GIVEN[(index * 5) % len(GIVEN)], unit=None, post="区人大代表",
                           id_code=f"BD{index:04d}", protocol_rank=2000 + index)
                    for index in range(1, DEPUTIES + 1) if not Person.objects.filter(id_code=f"BD{index:04d}").exists()]
        save_all(Person, deputies)

        def with_role(*names):
            return list(User.objects.filter(groups__name__in=names).order_by("id").distinct())

        self.leaders = with_role(Role.LEADER)
        self.staff = with_role(Role.STAFF, Role.DIRECTOR)
        self.liaisons = with_role(Role.LIAISON)
        self.drivers = with_role(Role.DRIVER)
        self.users = list(User.objects.filter(is_active=True).order_by("id"))
        self.directors = with_role(Role.DIRECTOR) or self.staff[:1]
        self.persons = list(Person.objects.filter(is_active=True).order_by("id").values_list("id", flat=True))
        self.person_of = dict(Person.objects.filter(user__isnull=False).values_list("user_id", "id"))
        self.duty_people = list(Person.objects.filter(user__groups__name__in=[Role.DUTY, Role.STAFF]).order_by("id").values_list("id", flat=True).distinct())
        self.leader_people = list(Person.objects.filter(unit=self.leader_unit).order_by("protocol_rank", "id").values_list("id", flat=True)) or self.persons[:6]

    # 收文 --------------------------------------------------------------------------------------
    def incoming(self):
        from documents.models import IncomingDocument, IncomingGrant, InState, Instruction

        total, open_count = self.counts["incoming"], min(self.open["incoming"], self.counts["incoming"])
        open_states = [InState.REGISTERED, InState.REVIEWED, InState.PROPOSED, InState.INSTRUCTED, InState.HANDLING, InState.HANDLING, InState.DONE, InState.REJECTED]
        plan = [(day, self.rng.choices([InState.ARCHIVED, InState.DONE, InState.REJECTED], [92, 5, 3])[0]) for day in self.sorted_history_days(total - open_count)]
        plan += [(day, open_states[index % len(open_states)]) for index, day in enumerate(sorted(self.recent_day() for _ in range(open_count)))]
        after_proposal = {InState.PROPOSED, InState.INSTRUCTED, InState.HANDLING, InState.DONE, InState.ARCHIVED}
        assigned = {InState.HANDLING, InState.DONE, InState.ARCHIVED}
        with historic_timestamps(IncomingDocument):
            for chunk in _chunks(plan, BATCH):
                docs, extra = [], []
                for received, state in chunk:
                    rng = self.rng
                    sender, code = rng.choice(SENDERS)
                    secrecy = rng.choices(["", "secret", "confidential", "top_secret"], [94, 4, 1.6, 0.4])[0]
                    leader = rng.choice(self.leaders)
                    lead = rng.choice(self.committees) if state in assigned else None
                    due = self.shift(received, rng.choice([5, 10, 15, 20]))
                    done_on = self.shift(received, rng.randint(2, 25)) if state in (InState.DONE, InState.ARCHIVED) else None
                    created = self.stamp(received)
                    docs.append(IncomingDocument(
                        year=received.year, serial=self.take("incoming", received.year), from_unit=sender,
                        from_number=f"{code}〔{received.year}〕{rng.randint(1, 300)}号", title=rng.choice(IN_TITLES).format(year=received.year),
                        doc_type=rng.choice(["notice", "letter", "report", "opinion", "request", "reply", "bulletin"]),
                        secrecy=secrecy, secrecy_term="10年" if secrecy else "", urgency=rng.choices(["", "urgent", "extra_urgent"], [85, 12, 3])[0],
                        copies=rng.randint(1, 5), pages=rng.randint(1, 30), received_on=received, due_date=due,
                        body_text="请按要求认真组织落实，并于规定时间内报送有关情况。", state=state,
                        proposal="拟请分管领导阅示。" if state in after_proposal else "", lead_unit=lead,
                        result="已按要求办理完毕，并书面报送。" if done_on else "", done_on=done_on,
                        registered_by=rng.choice(self.staff), created_at=created, updated_at=self.stamp(done_on or received)))
                    extra.append((state, leader, lead, secrecy, created))
                docs = save_all(IncomingDocument, docs)
                instructions, co_units, grants = [], [], []
                for doc, (state, leader, lead, secrecy, created) in zip(docs, extra):
                    if state in after_proposal:
                        signed = None if state == InState.PROPOSED else created + datetime.timedelta(hours=self.rng.randint(2, 48))
                        instructions.append(Instruction(document_id=doc.pk, order=1, leader_id=leader.pk, signed_at=signed,
                                                        text="请相关工委研究办理。" if signed else ""))
                    if lead is not None and self.rng.random() < 0.2:
                        other = self.rng.choice(self.committees)
                        if other.pk != lead.pk:
                            co_units.append(IncomingDocument.co_units.through(incomingdocument_id=doc.pk, unit_id=other.pk))
                    if secrecy:
                        for user in {doc.registered_by_id, leader.pk}:
                            grants.append(IncomingGrant(content_object_id=doc.pk, user_id=user, permission_id=self.perm_in.pk))
                save_all(Instruction, instructions)
                save_all(IncomingDocument.co_units.through, co_units)
                save_all(IncomingGrant, grants)
                self.made["incoming"] += len(docs)

    # 发文 --------------------------------------------------------------------------------------
    def outgoing(self):
        from documents.models import Countersign, Distribution, OutgoingDocument, OutgoingGrant, OutState

        total, open_count = self.counts["outgoing"], min(self.open["outgoing"], self.counts["outgoing"])
        order = list(OutState)
        plan = [(day, self.rng.choices([OutState.ARCHIVED, OutState.DISTRIBUTED], [93, 7])[0]) for day in self.sorted_history_days(total - open_count)]
        plan += [(day, order[index % (len(order) - 1)]) for index, day in enumerate(sorted(self.recent_day() for _ in range(open_count)))]
        numbered_from = order.index(OutState.NUMBERED)
        signed_from = order.index(OutState.SIGNED)
        with historic_timestamps(OutgoingDocument):
            for chunk in _chunks(plan, BATCH):
                docs, extra = [], []
                for drafted, state in chunk:
                    rng = self.rng
                    step = order.index(state)
                    prefix = "清人常办发" if rng.random() < 0.75 else "清人常办函"
                    signed_on = self.shift(drafted, rng.randint(1, 4)) if step >= signed_from else None
                    signer = rng.choice(self.leaders) if signed_on else None
                    numbered = step >= numbered_from
                    year = signed_on.year if numbered else None
                    secrecy = rng.choices(["", "secret", "confidential"], [96, 3, 1])[0]
                    created = self.stamp(drafted)
                    docs.append(OutgoingDocument(
                        doc_type=rng.choice(["notice", "letter", "report", "opinion", "request", "reply"]),
                        title=rng.choice(OUT_TITLES).format(year=drafted.year), main_to="各工作委员会、办公室各科室",
                        copy_to="区委办公室，区人民政府办公室。", body="根据工作安排，现将有关事项通知如下：\n一、请各单位高度重视，认真组织实施。\n特此通知。",
                        issuer="清河区人大常委会办公室", signature="清河区人大常委会办公室", prefix=prefix,
                        year=year, serial=self.take(f"outgoing:{prefix}", year) if numbered else None, state=state,
                        secrecy=secrecy, secrecy_term="10年" if secrecy else "", drafter=rng.choice(self.staff),
                        drafting_unit=self.office_unit if rng.random() < 0.7 else rng.choice(self.committees),
                        signer=signer, signed_at=self.stamp(signed_on) if signed_on else None, signed_on=signed_on,
                        printing_unit="清河区人大常委会办公室" if step >= order.index(OutState.PRINTED) else "",
                        printed_on=self.shift(signed_on, 1) if signed_on and step >= order.index(OutState.PRINTED) else None,
                        created_at=created, updated_at=self.stamp(signed_on or drafted)))
                    extra.append((state, step, signed_on))
                docs = save_all(OutgoingDocument, docs)
                countersigns, distribution, grants = [], [], []
                for doc, (state, step, signed_on) in zip(docs, extra):
                    if state == OutState.COUNTERSIGNING:
                        countersigns.append(Countersign(document_id=doc.pk, unit_id=self.rng.choice(self.committees).pk))
                    if step >= order.index(OutState.DISTRIBUTED):
                        when = self.stamp(self.shift(signed_on, 2))
                        distribution.append(Distribution(document_id=doc.pk, recipient="各工作委员会", copies=8, delivered_at=when,
                                                         delivered_by_id=doc.drafter_id, receiver_name="王收发"))
                    if doc.secrecy:
                        for user in {doc.drafter_id, doc.signer_id or self.leaders[0].pk}:
                            grants.append(OutgoingGrant(content_object_id=doc.pk, user_id=user, permission_id=self.perm_out.pk))
                save_all(Countersign, countersigns)
                save_all(Distribution, distribution)
                save_all(OutgoingGrant, grants)
                self.made["outgoing"] += len(docs)

    # 督办 --------------------------------------------------------------------------------------
    def supervision(self):
        from supervision.models import Extension, ProgressReport, State, SupervisionItem

        total, open_count = self.counts["supervision"], min(self.open["supervision"], self.counts["supervision"])
        plan = [(day, State.CLOSED) for day in self.sorted_history_days(total - open_count)]
        open_states = [State.REGISTERED, State.ASSIGNED, State.IN_PROGRESS, State.IN_PROGRESS, State.IN_PROGRESS, State.REPORTED, State.ASSIGNED, State.IN_PROGRESS]
        plan += [(day, open_states[index % len(open_states)]) for index, day in enumerate(sorted(self.recent_day() for _ in range(open_count)))]
        rule_days = {"urgent": 3, "normal": 7, "complex": 15}
        self.concerns = []  # (content type, id, label) of some late items, for 差错 entries
        with historic_timestamps(SupervisionItem, ProgressReport, Extension):
            for chunk in _chunks(plan, BATCH):
                items, extra = [], []
                for registered, state in chunk:
                    rng = self.rng
                    title, source = rng.choice(SUP_TOPICS)
                    urgency = rng.choices(["urgent", "normal", "complex"], [20, 55, 25])[0]
                    assigned_on = None if state == State.REGISTERED else self.shift(registered, rng.randint(0, 2))
                    deadline = self.shift(assigned_on, rule_days[urgency]) if assigned_on else None
                    reported = closed = None
                    if state in (State.REPORTED, State.CLOSED):
                        reported = self.shift(deadline, rng.choices([-3, -1, 0, 2], [50, 30, 12, 8])[0])
                        reported = max(reported, assigned_on)
                        closed = self.shift(reported, rng.randint(1, 3)) if state == State.CLOSED else None
                    created = self.stamp(registered)
                    items.append(SupervisionItem(
                        year=registered.year, serial=self.take("supervision", registered.year), title=title,
                        requirements="请认真研究处理，按期报送办理情况和办结报告。", source=source,
                        source_detail=f"{registered.year}年{source}", urgency=urgency, lead_unit=rng.choice(self.committees),
                        supervisor=rng.choice(self.staff), leader=rng.choice(self.leaders), state=state,
                        assigned_on=assigned_on, deadline=deadline, original_deadline=deadline, reported_on=reported,
                        completion_report="已办结，相关情况已书面报告。" if reported else "", closed_on=closed,
                        satisfaction=rng.choice(["satisfied", "satisfied", "satisfied", "basic", "unsatisfied"]) if closed and source == "suggestion" else "",
                        registered_by=rng.choice(self.staff), created_at=created, updated_at=self.stamp(closed or reported or registered)))
                    extra.append(state)
                items = save_all(SupervisionItem, items)
                reports, extensions, co_units = [], [], []
                for item, state in zip(items, extra):
                    if item.assigned_on and self.rng.random() < 0.5:
                        liaison = self.rng.choice(self.liaisons)
                        reports.append(ProgressReport(item_id=item.pk, unit_id=item.lead_unit_id, author_id=liaison.pk,
                                                      text="已召开专题会议研究，正在按要求推进。", created_at=self.stamp(self.shift(item.assigned_on, 1))))
                    if item.deadline and (self.rng.random() < 0.03 or (state == State.IN_PROGRESS and self.rng.random() < 0.25)):
                        pending = state == State.IN_PROGRESS
                        decision = "pending" if pending else self.rng.choice(["approved", "approved", "refused"])
                        extensions.append(Extension(item_id=item.pk, requested_by_id=self.rng.choice(self.liaisons).pk, reason="涉及多个部门会商，需要延长时间协调。",
                                                    old_deadline=item.deadline, new_deadline=self.shift(item.deadline, 5), decision=decision,
                                                    decided_by_id=None if pending else item.leader_id,
                                                    decided_at=None if pending else self.stamp(item.deadline),
                                                    requested_at=self.stamp(self.shift(item.deadline, -2))))
                    if self.rng.random() < 0.15:
                        other = self.rng.choice(self.committees)
                        if other.pk != item.lead_unit_id:
                            co_units.append(SupervisionItem.co_units.through(supervisionitem_id=item.pk, unit_id=other.pk))
                    if item.reported_on and item.reported_on > item.deadline and len(self.concerns) < 2000:
                        self.concerns.append((self.ct[SupervisionItem].pk, item.pk, f"督〔{item.year}〕{item.serial}号"))
                save_all(ProgressReport, reports)
                save_all(Extension, extensions)
                save_all(SupervisionItem.co_units.through, co_units)
                self.made["supervision"] += len(items)

    # 办会 --------------------------------------------------------------------------------------
    def meetings(self):
        from logistics.models import RoomBooking
        from meetings.models import AgendaItem, Kind, Meeting, Participant, Reply, Role, State

        total = self.counts["meetings"]
        # 主任会议 twice a week, 主任办公会议 most other days: no kind passes 999 meetings in a
        # five-year term (chinese_numeral, which writes the meeting's name, stops there).
        per_year = {Kind.CONGRESS: 1, Kind.STANDING: 10, Kind.COUNCIL: 104}
        kinds = []
        for kind, yearly in per_year.items():
            kinds += [kind] * max(1, round(yearly * YEARS * self.scale))
        kinds += [Kind.COUNCIL_OFFICE] * max(0, total - len(kinds))
        kinds = kinds[:total]
        self.rng.shuffle(kinds)
        # Each meeting takes a (day, room, half-day) slot: rooms are never double-booked.
        taken = set()
        plan = []
        for kind in kinds:
            while True:
                day = self.history_day()  # congresses sit in the district hall, not in a room
                slot = (day, self.rng.randrange(len(self.rooms)), self.rng.randint(0, 1))
                if kind == Kind.CONGRESS or slot not in taken:
                    taken.add(slot)
                    plan.append((kind, slot))
                    break
        plan.sort(key=lambda row: (row[1][0], row[1][2], row[1][1]))
        participations = self.counts["participations"]
        weights = {Kind.CONGRESS: 3.0, Kind.STANDING: 1.5, Kind.COUNCIL: 0.5, Kind.COUNCIL_OFFICE: 1.0}
        weight_sum = sum(weights[kind] for kind, _ in plan)
        pool = self.persons
        sizes = [min(len(pool), max(1, round(participations * weights[kind] / weight_sum))) for kind, _ in plan]
        # Spread the rounding difference so the total is exact (as far as the people suffice).
        participations = min(participations, len(plan) * len(pool))
        index = 0
        while sum(sizes) != participations and plan:
            step = 1 if sum(sizes) < participations else -1
            if 1 <= sizes[index % len(sizes)] + step <= len(pool):
                sizes[index % len(sizes)] += step
            index += 1
        sequences = defaultdict(int)
        with historic_timestamps(Meeting, RoomBooking):
            for chunk, chunk_sizes in zip(_chunks(plan, 500), _chunks(sizes, 500)):
                meetings = []
                for kind, (day, room_index, half) in chunk:
                    rng = self.rng
                    term = next(term for term in reversed(self.terms) if term.start_date <= day)
                    sequences[(kind, term.number)] += 1
                    start = self.at(day, 9) if half == 0 else self.at(day, 14, 30)
                    end = start + datetime.timedelta(hours=2, minutes=30)
                    room = None if kind == Kind.CONGRESS else self.rooms[room_index]
                    state = State.ARCHIVED if day < self.today - datetime.timedelta(days=180) else State.ENDED
                    meetings.append(Meeting(
                        kind=kind, term=term, sequence=1_000_000 + sequences[(kind, term.number)], subject=rng.choice(AGENDA).format(year=day.year),
                        start=start, end=end, room=room, venue="区会议中心大礼堂" if room is None else "",
                        convener_id=self.leader_people[0], state=state, plan_approved_by=rng.choice(self.directors),
                        plan_approved_at=self.at(self.shift(day, -8), 10), notice_sent_at=self.at(self.shift(day, -7), 10),
                        created_by=rng.choice(self.staff), created_at=self.at(self.shift(day, -10), 9), updated_at=end))
                meetings = save_all(Meeting, meetings)
                agenda, people, bookings = [], [], []
                for meeting, size in zip(meetings, chunk_sizes):
                    rng = self.rng
                    for order in range(1, 4):
                        agenda.append(AgendaItem(meeting_id=meeting.pk, order=order, title=rng.choice(AGENDA).format(year=meeting.start.year),
                                                 sponsor=rng.choice(self.committees), reporter="有关负责同志", to_vote=order == 2))
                    for person_id in rng.sample(pool, size):
                        leave = rng.random() < 0.08
                        role = rng.choices([Role.ATTEND, Role.NONVOTING, Role.STAFF], [75, 15, 10])[0]
                        people.append(Participant(
                            meeting_id=meeting.pk, person_id=person_id, role=role, reply=Reply.LEAVE if leave else Reply.ATTEND,
                            leave_reason="因公出差" if leave else "", replied_at=meeting.notice_sent_at + datetime.timedelta(days=1),
                            signed_in_at=None if leave else meeting.start - datetime.timedelta(minutes=rng.randint(1, 30)),
                            signed_in_by=rng.choice(self.staff) if not leave else None, token=f"b{rng.getrandbits(128):032x}"))
                    if meeting.room_id:
                        bookings.append(RoomBooking(room_id=meeting.room_id, start=meeting.start, end=meeting.end, purpose=meeting.subject[:200],
                                                    owner_type=self.ct[Meeting], owner_id=meeting.pk, booked_by_id=meeting.created_by_id,
                                                    created_at=meeting.created_at))
                save_all(AgendaItem, agenda)
                save_all(Participant, people)
                save_all(RoomBooking, bookings)
                self.made["meetings"] += len(meetings)
                self.made["participations"] += len(people)

    def renumber_meetings(self):
        """Sequences in date order within each (kind, term), the demo's meetings included; counters follow."""
        from django.db.models import F

        from meetings.models import Meeting
        from office.models import Counter

        rows = list(Meeting.objects.values_list("id", "kind", "term__number", "start").order_by("start", "id"))
        Meeting.objects.update(sequence=F("sequence") + 2_000_000)
        numbers = defaultdict(int)
        changed = []
        for pk, kind, term, _ in rows:
            numbers[(kind, term)] += 1
            changed.append(Meeting(pk=pk, sequence=numbers[(kind, term)]))
        Meeting.objects.bulk_update(changed, ["sequence"], batch_size=500)
        for (kind, term), value in numbers.items():
            Counter.objects.update_or_create(series=f"meeting-{kind}", year=term, defaults={"last_value": value})

    # 用车 --------------------------------------------------------------------------------------
    def trips(self):
        from logistics.models import Trip, TripState, VehicleBooking

        total, open_count = self.counts["trips"], min(self.open["trips"], self.counts["trips"])
        days = self.sorted_history_days(total - open_count)
        per_day = defaultdict(int)
        odometers = {vehicle.pk: 10_000 for vehicle in self.vehicles}
        slots = [(8, 0, 12, 0), (13, 30, 17, 30), (18, 0, 21, 0)]
        capacity = len(self.vehicles) * len(slots)
        # Drivers are paired with vehicles per slot, so neither is ever double-booked.
        drivers = self.drivers or self.staff[:1]
        with historic_timestamps(Trip, VehicleBooking):
            plan = []
            for day in days:
                while per_day[day] >= capacity:  # a full day: the request moves to the next one
                    day = self.shift(day, 1)
                plan.append((day, per_day[day]))
                per_day[day] += 1
            for chunk in _chunks(plan, BATCH):
                trips = []
                for day, index in chunk:
                    rng = self.rng
                    vehicle = self.vehicles[index % len(self.vehicles)]
                    h1, m1, h2, m2 = slots[(index // len(self.vehicles)) % len(slots)]
                    driver = drivers[index % len(drivers)]
                    state = rng.choices([TripState.RETURNED, TripState.CANCELLED, TripState.REFUSED], [90, 5, 5])[0]
                    destination, km = rng.choice(DESTINATIONS)
                    requester = rng.choice(self.users)
                    dispatched = state == TripState.RETURNED
                    start, end = self.at(day, h1, m1), self.at(day, h2, m2)
                    odometer_start = odometers[vehicle.pk] if dispatched else None
                    distance = km + rng.randint(-3, 12)
                    if dispatched:
                        odometers[vehicle.pk] += distance
                    trips.append(Trip(
                        requester=requester, unit_id=self.rng.choice(self.all_units).pk, purpose=rng.choice(["调研", "执法检查", "送达文件", "代表视察", "参加会议"]),
                        destination=destination, passengers=min(vehicle.seats, rng.randint(1, 4)), passenger_names="",
                        distance_km=km, start=start, end=end, state=state,
                        approver=rng.choice(self.directors) if state != TripState.CANCELLED else None,
                        approved_at=self.at(self.shift(day, -1), 16) if state != TripState.CANCELLED else None,
                        vehicle=vehicle if dispatched else None, driver=driver if dispatched else None,
                        odometer_start=odometer_start, odometer_end=odometers[vehicle.pk] if dispatched else None,
                        fuel_liters=round(distance * 0.09, 2) if dispatched else None, fuel_cost=round(distance * 0.7, 2) if dispatched else None,
                        tolls=0 if dispatched else None, parking=rng.choice([0, 5, 10]) if dispatched else None,
                        returned_at=end if dispatched else None, created_at=self.at(self.shift(day, -1), 10)))
                trips = save_all(Trip, trips)
                bookings = [VehicleBooking(vehicle_id=trip.vehicle_id, driver_id=trip.driver_id, start=trip.start, end=trip.end,
                                           purpose=trip.purpose, owner_type=self.ct[Trip], owner_id=trip.pk,
                                           booked_by_id=self.directors[0].pk, created_at=trip.approved_at)
                            for trip in trips if trip.vehicle_id]
                save_all(VehicleBooking, bookings)
                self.made["trips"] += len(trips)
            # A few requests waiting for approval in the coming weeks (no car yet: nothing booked).
            upcoming = [day for day in self.days if self.today < day <= self.today + datetime.timedelta(days=30)]
            requests = []
            for index in range(open_count):
                day = upcoming[index % len(upcoming)]
                destination, km = self.rng.choice(DESTINATIONS)
                requests.append(Trip(requester=self.rng.choice(self.users), unit_id=self.rng.choice(self.committees).pk, purpose="调研",
                                     destination=destination, passengers=2, distance_km=km, start=self.at(day, 8, 30),
                                     end=self.at(day, 11, 30), state=TripState.REQUESTED, created_at=self.at(self.today, 9)))
            save_all(Trip, requests)
            self.made["trips"] += len(requests)
        from logistics.models import Vehicle

        for vehicle in self.vehicles:
            Vehicle.objects.filter(pk=vehicle.pk, odometer__lt=odometers[vehicle.pk]).update(odometer=odometers[vehicle.pk])

    # 食堂 --------------------------------------------------------------------------------------
    def meals(self):
        from logistics.models import Meal, MealBooking

        total = self.counts["meals"]
        days = self.history_days
        eaters = [user.pk for user in self.users]
        per_day = total / len(days)
        shares = [(Meal.LUNCH, 0.7), (Meal.BREAKFAST, 0.15), (Meal.DINNER, 0.15)]
        made, carry = 0, 0.0
        batch = []
        with historic_timestamps(MealBooking):
            for index, day in enumerate(days):
                carry += per_day
                today_count = int(carry) if index < len(days) - 1 else total - made
                carry -= int(carry)
                left = today_count
                for position, (meal, share) in enumerate(shares):
                    count = left if position == len(shares) - 1 else min(left, round(today_count * share))
                    count = min(count, len(eaters))
                    left -= count
                    created = self.at(self.shift(day, -1), 15)
                    for person in self.rng.sample(eaters, count):
                        batch.append(MealBooking(date=day, meal=meal, person_id=person, booked_by_id=person, created_at=created))
                    made += count
                if len(batch) >= 5 * BATCH:
                    save_all(MealBooking, batch, 5 * BATCH)
                    batch = []
            save_all(MealBooking, batch, 5 * BATCH)
        self.made["meals"] += made

    # 差错 --------------------------------------------------------------------------------------
    def errors(self):
        from conduct.models import EntryState, ErrorEntry

        total, open_count = self.counts["errors"], min(self.open["errors"], self.counts["errors"])
        plan = [(day, EntryState.RECTIFIED) for day in self.sorted_history_days(total - open_count)]
        open_states = [EntryState.REGISTERED, EntryState.VERIFIED, EntryState.PUBLISHED]
        plan += [(day, open_states[index % 3]) for index, day in enumerate(sorted(self.recent_day() for _ in range(open_count)))]
        staff_people = [self.person_of[user.pk] for user in self.staff if user.pk in self.person_of] or self.persons
        with historic_timestamps(ErrorEntry):
            for chunk in _chunks(plan, BATCH):
                entries = []
                for day, state in chunk:
                    rng = self.rng
                    category, sub_kind = rng.choice(ERROR_KINDS)
                    concerns = rng.choice(self.concerns) if self.concerns and sub_kind == "delay" else None
                    confirmed = state != EntryState.REGISTERED
                    entries.append(ErrorEntry(
                        date=day, unit=rng.choice(self.all_units), category=category, sub_kind=sub_kind,
                        severity=rng.choices(["minor", "serious", "grave"], [80, 17, 3])[0],
                        concerns_type_id=concerns[0] if concerns else None, concerns_id=concerns[1] if concerns else None,
                        concerns_label=concerns[2] if concerns else "", what_happened="发文主送机关漏列一个单位，发现后已补发。",
                        cause="核稿时未对照主送名单逐一核对。", corrective_action="补发并向有关单位说明情况。",
                        lesson="发文前须对照主送名单逐一核对，核稿人签字确认。", state=state,
                        confirmed_by=rng.choice(self.directors) if confirmed else None,
                        confirmed_at=self.stamp(self.shift(day, 2)) if confirmed else None,
                        published_at=self.stamp(self.shift(day, 4)) if state in (EntryState.PUBLISHED, EntryState.RECTIFIED) else None,
                        rectified_at=self.stamp(self.shift(day, 10)) if state == EntryState.RECTIFIED else None,
                        registered_by=rng.choice(self.staff), created_at=self.stamp(day)))
                entries = save_all(ErrorEntry, entries)
                through = ErrorEntry.people.through
                links = []
                for entry in entries:
                    for person in set(self.rng.sample(staff_people, min(len(staff_people), self.rng.choice([1, 1, 1, 2])))):
                        links.append(through(errorentry_id=entry.pk, person_id=person))
                save_all(through, links)
                self.made["errors"] += len(entries)

    # leave and the duty roster, ten years of them --------------------------------------------
    def conduct_rest(self):
        from conduct.models import DutyShift, Leave

        taken = set(DutyShift.objects.filter(kind=DutyShift.Kind.DAY).values_list("date", flat=True))
        shifts = [DutyShift(date=day, kind=DutyShift.Kind.DAY, person_id=self.rng.choice(self.duty_people), log="值班正常，无特殊情况。",
                            handed_over_at=self.at(day, 17, 30))
                  for day in self.history_days if day not in taken]
        save_all(DutyShift, shifts)
        leaves = []
        people = [self.person_of[user.pk] for user in self.users if user.pk in self.person_of]
        with historic_timestamps(Leave):
            for day in self.sorted_history_days(max(10, round(4000 * self.scale))):
                leaves.append(Leave(person_id=self.rng.choice(people), leave_type=self.rng.choice(["personal", "sick", "annual", "business"]),
                                    start=day, end=self.shift(day, self.rng.randint(0, 4)), reason="家中有事", approver=self.rng.choice(self.directors),
                                    state="approved", decided_at=self.at(day, 8), registered_by=self.rng.choice(self.staff), created_at=self.at(day, 8)))
            save_all(Leave, leaves)

    # receptions and supply requisitions ------------------------------------------------------
    def logistics_rest(self):
        from logistics.models import Reception, Requisition

        with historic_timestamps(Reception, Requisition):
            receptions = [Reception(title="市人大常委会调研组来区调研", guests="市人大常委会调研组", guest_count=self.rng.randint(3, 12),
                                    host_unit=self.rng.choice(self.committees), start=self.at(day, 9), end=self.at(day, 17),
                                    state=Reception.State.DONE, created_by=self.rng.choice(self.staff), created_at=self.at(self.shift(day, -3), 10))
                          for day in self.sorted_history_days(max(5, round(1500 * self.scale)))]
            save_all(Reception, receptions)
            requisitions = [Requisition(item=self.rng.choice(self.supplies), quantity=self.rng.randint(1, 10), requester=self.rng.choice(self.users),
                                        reason="日常办公", state=Requisition.State.ISSUED, decided_by=self.rng.choice(self.directors),
                                        decided_at=self.at(day, 15), created_at=self.at(day, 10))
                            for day in self.sorted_history_days(max(5, round(6000 * self.scale)))]
            save_all(Requisition, requisitions)

    # the inbox: years of notices, nearly all read ----------------------------------------------
    def inbox(self):
        from office.models import Message

        per_user = max(5, round(60 * self.scale))
        with historic_timestamps(Message):
            for chunk in _chunks(self.users, 50):
                messages = []
                for user in chunk:
                    for index, day in enumerate(self.sorted_history_days(per_user)):
                        sent = self.stamp(day)
                        messages.append(Message(recipient=user, event_key=f"bench:{user.pk}:{index}", subject="督办事项临近办理期限",
                                                body="请及时办理。", link="", created_at=sent, read_at=sent + datetime.timedelta(hours=2)))
                save_all(Message, messages)


def _chunks(rows, size):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def generate(seed: int = 2026, scale: float = 1.0, today: datetime.date | None = None, log=print) -> dict[str, int]:
    """Add the ten years to the current database (call inside a configured Django)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        # Random-order index inserts (tokens, person-first keys) need more than the default 2 MB page cache.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
    generator = Generator(seed, scale, today=today, log=log)
    generator.load_counters()
    return generator.run()


def ensure(seed: int, scale: float, force: bool = False, log=print) -> bool:
    """Migrate, load the demo and generate, unless this database already holds this seed and scale.
    Returns whether it generated. The caller drops a database built with other settings."""
    import logging

    from django.core.management import call_command
    from django.utils import timezone

    from django.db import connection

    call_command("migrate", verbosity=0)
    if not force and is_generated(seed, scale):
        log(f"数据已存在（seed={seed}, scale={scale}），跳过生成")
        return False
    if marker_read():
        if connection.vendor != "postgresql":
            raise SystemExit("数据库里已有另一次生成的数据：请删除数据库文件后再运行")
        # Another seed or scale (or an unfinished run) in the bench cluster: start from an empty schema.
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        call_command("migrate", verbosity=0)
    started = time.perf_counter()
    marker_write({**wanted_marker(seed, scale), "started_at": timezone.now().isoformat()})
    # The demo's records go through the services; with no broker running their tasks wait in the outbox.
    logging.getLogger("office.jobs").setLevel(logging.ERROR)
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    log(f"演示数据 {time.perf_counter() - started:.1f} s")
    made = generate(seed, scale, log=log)
    marker_write({**wanted_marker(seed, scale), "finished_at": timezone.now().isoformat(), "seconds": f"{time.perf_counter() - started:.0f}"})
    log("生成：" + "，".join(f"{key} {value:,}" for key, value in made.items()) + f"（{time.perf_counter() - started:.0f} s）")
    return True


def main():
    parser = argparse.ArgumentParser(description="生成十年的办公室数据，用于性能测试")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--force", action="store_true", help="即使已生成也重建（仅 SQLite：删除数据库文件）")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "office.settings")
    os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")  # nothing is queued during generation
    if not os.environ.get("DATABASE_URL"):
        path = Path(os.environ.setdefault("SQLITE_PATH", str(DEFAULT_SQLITE)))
        path.parent.mkdir(parents=True, exist_ok=True)
        if args.force or sqlite_stale(path, args.seed, args.scale):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    import django

    django.setup()
    ensure(args.seed, args.scale, force=args.force)


def sqlite_stale(path: Path, seed: int, scale: float) -> bool:
    """Whether an existing SQLite file holds other (or unfinished) data; read without Django."""
    import sqlite3

    if not path.exists():
        return False
    try:
        with contextlib.closing(sqlite3.connect(path)) as db:
            marker = dict(db.execute(f"SELECT key, value FROM {MARKER_TABLE}").fetchall())
    except sqlite3.DatabaseError:
        return True
    wanted = wanted_marker(seed, scale)
    return not marker.get("finished_at") or any(marker.get(key) != value for key, value in wanted.items())


if __name__ == "__main__":
    main()

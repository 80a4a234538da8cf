"""Valid data of every kind, in rounds, for the query-count tests: each round adds
records of every duty, and its own records have `size` children each (participants,
agenda items, materials, votes and opinions of a meeting; instructions, circulation,
files of a document; reports and extensions of a supervision item …). A page is
measured on a record of the first, small round, then on a record of a later, larger
round, when every list holds more rows too.

Everything is made through the services where they exist, so the data are what the
office itself would produce."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conduct import services as conduct
from conduct.models import Category, DutyShift, LeaveType, Proposal, Severity, SubKind
from documents import services as documents
from documents.models import Countersign
from logistics import services as logistics
from logistics.models import Meal, MealBooking, Room, SupplyItem, Trip, TripState, Vehicle
from meetings import services as meetings
from meetings.models import Kind, MeetingDocument, Reply
from meetings.models import Role as MeetingRole
from office import calendar
from office.models import Body, NightlyReport
from office.notifications import notify
from office.roles import Role
from supervision import services as supervision
from tests.factories import MembershipFactory, PersonFactory, TermFactory, UnitFactory, UserFactory


def local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 test file\n", content_type="application/pdf")


@dataclass
class Round:
    """The records of one round that pages are opened on."""

    size: int
    meeting: object = None  # in session: votes, opinions, sign-in
    meeting_planning: object = None  # being prepared: agenda and invitation forms
    agenda_item: object = None
    material: object = None
    meeting_document: object = None
    incoming: object = None  # 承办中: instructions, circulation, files
    incoming_archived: object = None  # with amendments
    incoming_secret: object = None  # granted, with an access log
    incoming_file: object = None
    outgoing: object = None  # 会签中
    outgoing_distributed: object = None
    outgoing_secret: object = None
    outgoing_file: object = None
    item: object = None  # 督办: reports, extensions
    report: object = None
    trip: object = None
    vehicle: object = None
    reception: object = None
    entry: object = None
    person: object = None
    message: object = None
    extra: dict = field(default_factory=dict)


class BulkData:
    """Rounds of data for the office fixture's people (tests/conftest.py)."""

    def __init__(self, office):
        self.office = office
        self.term = TermFactory(number=16)
        self.rounds: list[Round] = []
        self.today = timezone.localdate()
        # A room and a car the office has from the start.
        self.room = Room.objects.create(name="常委会议室", location="机关大楼四楼", capacity=80, rostrum_seats=7)
        self.slots_from = timezone.now() + datetime.timedelta(minutes=5)
        self.trip_slot = 0

    # --- helpers ------------------------------------------------------------------------------

    def _user(self, username, role, unit, name, rank):
        user = UserFactory(username=username, roles=[role])
        PersonFactory(name=name, unit=unit, post=role, protocol_rank=rank, user=user)
        return user

    def _working_day(self, offset: int) -> datetime.date:
        return calendar.add_working_days(self.today, offset) if offset >= 0 else calendar.shift_working_days(self.today, offset)

    # --- one round ----------------------------------------------------------------------------

    def grow(self, size: int) -> Round:
        """Add a round: `size` records of every kind, each with `size` children."""
        index = len(self.rounds)
        data = Round(size=size)
        o = self.office
        tag = f"R{index}"
        units = [UnitFactory(name=f"{tag}工委{k}", short_name=f"{tag}委{k}") for k in range(size)]
        leaders = [self._user(f"{tag}leader{k}", Role.LEADER, o.leader.person.unit, f"{tag}领导{k}", 3 + index * 10 + k) for k in range(size)]
        liaisons = [self._user(f"{tag}liaison{k}", Role.LIAISON, units[k], f"{tag}联络员{k}", 500 + index * 10 + k) for k in range(size)]
        staff = [self._user(f"{tag}staff{k}", Role.STAFF, o.office_unit, f"{tag}科员{k}", 600 + index * 10 + k) for k in range(size)]
        data.person = o.staff.person
        data.extra.update(units=units, leaders=leaders, liaisons=liaisons, staff=staff)

        self._office(data, tag, size)
        self._meetings(data, tag, size, index)
        self._documents(data, tag, size, leaders, liaisons, staff, units)
        self._supervision(data, tag, size, index, units, leaders)
        self._logistics(data, tag, size, index, staff)
        self._conduct(data, tag, size, index, staff)
        self.rounds.append(data)
        return data

    def _office(self, data, tag, size):
        o = self.office
        everyone = [o.director, o.leader, o.staff, o.liaison_a, o.liaison_b, o.driver, o.canteen, o.duty]
        for k in range(size):
            notify(everyone, f"{tag}:notice:{k}", f"{tag}通知{k}", "正文")
        data.message = o.director.messages.order_by("-id").first()
        for k in range(size):
            MembershipFactory(term=self.term, body=Body.CONGRESS, person=PersonFactory(name=f"{tag}代表{k}", id_code=f"{tag}D{k}"))
        for k, user in enumerate((o.director, o.leader)):
            for day in range(size):
                NightlyReport.objects.create(date=self.today - datetime.timedelta(days=100 * len(self.rounds) + day + 1), recipient=user,
                                             subject=f"{tag}日报{day}", sent_at=timezone.now())

    # --- 办会 ---------------------------------------------------------------------------------

    def _meetings(self, data, tag, size, index):
        o = self.office
        members = [
            MembershipFactory(term=self.term, body=Body.STANDING_COMMITTEE, person=PersonFactory(name=f"{tag}委员{k}", id_code=f"{tag}W{k}")).person
            for k in range(size * 3)
        ]
        convener = o.leader.person
        # In session, today: signed in, voted, opinions registered and assigned.
        start = local(self.today, 0) + datetime.timedelta(minutes=5 * index)
        meeting = meetings.meeting_create(actor=o.staff, kind=Kind.STANDING, term=self.term, start=start, end=start + datetime.timedelta(hours=23),
                                          convener=convener, venue=f"{tag}会场", subject=f"{tag}常委会会议", confirm_clashes=True)
        items = [meetings.agenda_add(meeting=meeting, actor=o.staff, title=f"{tag}议题{k}", sponsor=o.unit_a, reporter="汇报人",
                                     to_vote=k % 2 == 0) for k in range(size)]
        for item in items:
            for k in range(size):
                meetings.material_add(item=item, actor=o.staff, title=f"{tag}材料{k}", file=upload(f"m{k}.pdf"))
        meetings.invite_body(meeting=meeting, actor=o.staff, confirm_clashes=True)
        guests = [PersonFactory(name=f"{tag}列席{k}", unit=o.unit_b) for k in range(size)]
        meetings.participants_invite(meeting=meeting, actor=o.staff, people=guests, role=MeetingRole.NONVOTING, confirm_clashes=True)
        meetings.participants_invite(meeting=meeting, actor=o.staff, people=[o.staff.person], role=MeetingRole.STAFF, confirm_clashes=True)
        meetings.meeting_transition(meeting=meeting, action="approve_plan", actor=o.director)
        meetings.meeting_transition(meeting=meeting, action="send_notice", actor=o.staff)
        participants = list(meeting.participants.order_by("id"))
        for k, participant in enumerate(participants):
            if k % 7 == 3:
                meetings.reply_record(participant=participant, reply=Reply.LEAVE, reason="出差", actor=o.staff)
            else:
                meetings.sign_in(participant=participant, actor=o.staff)
        meetings.meeting_transition(meeting=meeting, action="open", actor=o.staff)
        for item in items:
            if item.to_vote:
                meetings.vote_record(item=item, actor=o.staff, yes=3, no=1, abstain=0, not_voting=0)
            for k in range(size):
                opinion = meetings.opinion_add(item=item, actor=o.staff, text=f"{tag}审议意见{k}", lead_unit=o.unit_a, co_units=[o.unit_b])
                if k % 2 == 0:
                    meetings.opinion_assign(opinion=opinion, actor=o.staff, leader=o.leader)
        for k, task in enumerate(meeting.checklist.order_by("id")):
            if k % 2:
                meetings.task_done(task=task, actor=o.director)
        for code, _ in MeetingDocument.DocKind.choices[:size]:
            document = MeetingDocument(meeting=meeting, doc_kind=code, status=MeetingDocument.Status.READY, requested_by=o.staff,
                                       generated_at=timezone.now())
            document.file.save(f"{code}.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
        data.meeting, data.agenda_item = meeting, items[0]
        data.material = items[0].materials.first()
        data.meeting_document = meeting.documents.first()

        # Being prepared, some weeks ahead: the editable page with its forms.
        day = self.today + datetime.timedelta(days=30 + index)
        planning = meetings.meeting_create(actor=o.staff, kind=Kind.COUNCIL, term=self.term, start=local(day, 9), end=local(day, 11),
                                           convener=convener, room=self.room if index == 0 else None, venue=f"{tag}会议室",
                                           subject=f"{tag}主任会议", confirm_clashes=True)
        planning_items = [
            meetings.agenda_add(meeting=planning, actor=o.staff, title=f"{tag}研究事项{k}", sponsor=o.unit_a if k % 2 else o.unit_b, reporter="", to_vote=False)
            for k in range(size)
        ]
        data.extra["planning_item"] = planning_items[0]
        meetings.participants_invite(meeting=planning, actor=o.staff, people=members, confirm_clashes=True)
        for k, participant in enumerate(planning.participants.order_by("id")):
            if k % 3 == 0:
                meetings.reply_record(participant=participant, reply=Reply.ATTEND, actor=o.staff)
        data.meeting_planning = planning

    # --- 办文 ---------------------------------------------------------------------------------

    def _incoming_data(self, title, **extra):
        data = {"from_unit": "区财政局", "from_number": "区财〔2026〕15号", "title": title, "doc_type": "report",
                "received_on": self.today, "due_date": calendar.add_working_days(self.today, 10), "body_text": "正文"}
        data.update(extra)
        return data

    def _outgoing_data(self, title, **extra):
        data = {"doc_type": "notice", "title": title, "main_to": "各工作委员会", "copy_to": "区委办公室", "body": "正文一。\n正文二。",
                "issuer": "清河区人大常委会办公室", "signature": "清河区人大常委会办公室", "prefix": "清人常办发",
                "attachment_note": "附件一\n附件二"}
        data.update(extra)
        return data

    def _documents(self, data, tag, size, leaders, liaisons, staff, units):
        o = self.office
        # 承办中, instructed by every leader of the round, circulated, with files.
        doc = documents.incoming_register(actor=o.staff, **self._incoming_data(f"{tag}来文"))
        documents.attachment_add(doc=doc, actor=o.staff, uploads=[upload(f"scan{k}.pdf") for k in range(size)])
        documents.incoming_review(doc=doc, actor=o.staff, accept=True)
        documents.incoming_propose(doc=doc, actor=o.staff, proposal="拟请领导阅示。", leaders=[o.leader, *leaders])
        for leader in [o.leader, *leaders]:
            documents.incoming_instruct(doc=doc, actor=leader, text="请阅办。")
        doc.refresh_from_db()
        documents.incoming_assign(doc=doc, actor=o.staff, lead_unit=o.unit_a, co_units=[o.unit_b, *units])
        documents.circulation_add(doc=doc, actor=o.staff, readers=[o.director, *staff, *liaisons])
        for reader in staff[: size // 2 + 1]:
            documents.circulation_read(doc=doc, actor=reader, comment="已阅")
        data.incoming = doc
        data.incoming_file = doc.files.first()
        # More of the register in other states, some overdue.
        for k in range(size):
            other = documents.incoming_register(actor=o.staff, **self._incoming_data(
                f"{tag}来文{k}", received_on=self.today - datetime.timedelta(days=40), due_date=self._working_day(-5 - k) if k % 2 else None,
                urgency="urgent" if k % 3 == 0 else ""))
            if k % 2:
                documents.incoming_review(doc=other, actor=o.staff, accept=True)
        # Archived, with amendments.
        archived = documents.incoming_register(actor=o.staff, **self._incoming_data(f"{tag}归档来文"))
        documents.incoming_review(doc=archived, actor=o.staff, accept=True)
        documents.incoming_assign(doc=archived, actor=o.staff, lead_unit=o.unit_a)
        documents.incoming_complete(doc=archived, actor=o.liaison_a, result="已办结")
        documents.incoming_archive(doc=archived, actor=o.staff)
        for k in range(size):
            documents.amendment_record(doc=archived, actor=o.staff, field="title", new_value=f"{tag}归档来文（更正{k}）", reason="笔误")
        data.incoming_archived = archived
        # Secret, granted to the director and the round's staff, viewed often.
        secret = documents.incoming_register(actor=o.staff, **self._incoming_data(f"{tag}密件", secrecy="confidential", secrecy_term="10年"))
        documents.grant(secret, [o.director, *staff], actor=o.staff)
        for k in range(size):
            documents.record_access(secret, o.staff)
        data.incoming_secret = secret

        # 会签中: every unit of the round asked, some decided.
        out = documents.outgoing_draft(actor=o.staff, **self._outgoing_data(f"{tag}发文"))
        documents.attachment_add(doc=out, actor=o.staff, uploads=[upload(f"att{k}.pdf") for k in range(size)])
        documents.outgoing_check(doc=out, actor=o.staff)
        documents.countersign_request(doc=out, actor=o.staff, units=[o.unit_a, *units])
        for countersign in Countersign.objects.filter(document=out).select_related("unit")[: size // 2 + 1]:
            documents.countersign_decide(countersign=countersign, actor=o.director, approve=True, comment="同意")
        data.outgoing, data.outgoing_file = out, out.files.first()
        # Distributed to `size` recipients.
        done = documents.outgoing_draft(actor=o.staff, **self._outgoing_data(f"{tag}已发文"))
        documents.outgoing_check(doc=done, actor=o.staff)
        for action, actor in (("submit", o.staff), ("sign", o.leader), ("number", o.staff), ("seal", o.staff)):
            documents.outgoing_transition(doc=done, action=action, actor=actor)
        rows = documents.distribution_add(doc=done, actor=o.staff, recipients=[(f"{tag}收文单位{k}", 2) for k in range(size)])
        for row in rows[: size // 2 + 1]:
            documents.distribution_deliver(distribution=row, actor=o.staff, receiver_name="张三")
        done.refresh_from_db()
        done.pdf.save("printed.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
        data.outgoing_distributed = done
        # Others along the route, one secret.
        for k in range(size):
            other = documents.outgoing_draft(actor=o.liaison_a if k % 2 else o.staff, **self._outgoing_data(f"{tag}文稿{k}"))
            if k % 2 == 0:
                documents.outgoing_check(doc=other, actor=o.staff)
                documents.outgoing_transition(doc=other, action="submit", actor=o.staff)
        secret_out = documents.outgoing_draft(actor=o.staff, **self._outgoing_data(f"{tag}密发", secrecy="secret", secrecy_term="5年"))
        documents.grant(secret_out, [o.director, *staff], actor=o.staff)
        data.outgoing_secret = secret_out

    # --- 督办 ---------------------------------------------------------------------------------

    def _supervision(self, data, tag, size, index, units, leaders):
        o = self.office

        def register(title, **extra):
            values = {"requirements": "按要求办理。", "source": "other", "urgency": "normal", "lead_unit": o.unit_a,
                      "supervisor": o.staff, "leader": o.leader, "co_units": [o.unit_b, *units]}
            values.update(extra)
            return supervision.item_register(actor=o.staff, title=title, **values)

        # In progress, with `size` reports (with attachments) and extensions decided.
        item = supervision.item_assign(item=register(f"{tag}督办事项"), actor=o.staff)
        for k in range(size):
            supervision.item_report_progress(item=item, actor=o.liaison_a if k % 2 else o.staff, text=f"进展{k}",
                                             attachment=upload(f"report{k}.pdf"))
        for k in range(size):
            item.refresh_from_db()
            extension = supervision.extension_request(item=item, actor=o.liaison_a, new_deadline=calendar.add_working_days(item.deadline, 5),
                                                      reason=f"延期理由{k}")
            if k < size - 1:
                supervision.extension_decide(extension=extension, actor=o.director, approve=k % 2 == 0, comment="同意" if k % 2 == 0 else "不同意")
        data.item = item
        data.report = item.reports.first()
        # The rest of the register: overdue, reported, closed, unit B's.
        for k in range(size):
            other = supervision.item_assign(item=register(f"{tag}事项{k}", lead_unit=o.unit_b if k % 2 else o.unit_a,
                                                         urgency="urgent" if k % 3 == 0 else "normal", source="suggestion"),
                                            actor=o.staff, assigned_on=self.today - datetime.timedelta(days=60) if k % 2 else None)
            if k % 3 == 1:
                supervision.item_report_completion(item=other, actor=o.staff, report="已办结")
            if k % 3 == 2:
                supervision.item_report_completion(item=other, actor=o.staff, report="已办结")
                supervision.item_close(item=other, actor=o.director, satisfaction="satisfied")
        data.extra["item_registered"] = register(f"{tag}待交办事项")

    # --- 办事 ---------------------------------------------------------------------------------

    def _logistics(self, data, tag, size, index, staff):
        o = self.office
        today = self.today
        vehicles = [
            Vehicle.objects.create(plate=f"湘J·{tag}{k:02d}", model="别克GL8", seats=6, odometer=30000,
                                   insurance_expires=today + datetime.timedelta(days=10 + k), inspection_expires=today + datetime.timedelta(days=200))
            for k in range(size)
        ]
        drivers = [self._user(f"{tag}driver{k}", Role.DRIVER, o.office_unit, f"{tag}司机{k}", 700 + index * 10 + k) for k in range(size)]
        for vehicle in vehicles:
            for k in range(size):
                logistics.maintenance_record(actor=o.staff, vehicle=vehicle, date=today - datetime.timedelta(days=k + 1), kind="保养",
                                             cost=Decimal("300.00"), description="常规保养", odometer=30000 + k)
        data.vehicle = vehicles[0]
        # Trips in each state from now on, each in its own slot of time so that the
        # office's driver (on every other trip) is never booked twice.
        trips = []
        for k in range(size * 2):
            self.trip_slot += 1
            start = self.slots_from + datetime.timedelta(minutes=25 * self.trip_slot)
            requester = staff[k % size] if k % 2 else o.staff
            trip = logistics.trip_request(actor=requester, purpose=f"{tag}调研{k}", destination=f"{tag}镇{k}", passengers=2,
                                          start=start, end=start + datetime.timedelta(minutes=20), distance_km=30 + k,
                                          passenger_names="李副主任", leader_passenger=o.leader.person if k == 0 else None, confirm_clashes=True)
            trips.append(trip)
        for k, trip in enumerate(trips):
            if k % 4 == 3:
                continue  # left waiting for approval
            logistics.trip_decide(trip=trip, actor=o.director, approve=True)
            if k % 4 in (0, 1):
                logistics.trip_dispatch(trip=trip, actor=o.staff, vehicle=vehicles[k % size], driver=o.driver if k % 2 == 0 else drivers[k % size])
            if k % 4 == 1:
                logistics.trip_return(trip=trip, actor=o.staff, odometer_end=30100 + k, fuel_liters=Decimal("10"), fuel_cost=Decimal("80"),
                                      tolls=Decimal("10"), parking=Decimal("5"))
        # Past, returned trips this month (for the totals), written as history.
        for k in range(size):
            start = local(today.replace(day=1), 8) + datetime.timedelta(minutes=index * 60 + k)
            Trip.objects.create(requester=o.staff, unit=o.office_unit, purpose="往月", destination="某镇", passengers=1, distance_km=20,
                                start=start, end=start + datetime.timedelta(minutes=30), state=TripState.RETURNED, vehicle=vehicles[k],
                                driver=o.driver, odometer_start=1000, odometer_end=1020, fuel_cost=Decimal("50"), returned_at=start)
        data.trip = trips[0]
        # Meals: each staff member of the round books the coming days; group meals.
        day = today + datetime.timedelta(days=2)
        for user in [o.staff, *staff]:
            for meal in (Meal.LUNCH, Meal.DINNER):
                logistics.meal_book(actor=user, day=day, meal=meal, wanted=True)
        for k in range(size):
            MealBooking.objects.create(date=today, meal=Meal.LUNCH, kind=MealBooking.Kind.STAFF, person=staff[k], unit=o.office_unit,
                                       booked_by=staff[k])
        # Supplies and requisitions.
        items = [SupplyItem.objects.create(name=f"{tag}用品{k}", stock=3 if k % 2 else 50, low_threshold=5) for k in range(size)]
        for k, supply in enumerate(items):
            logistics.supply_purchase(actor=o.staff, item=supply, quantity=10, unit_price=Decimal("2.5"))
            requisition = logistics.requisition_request(actor=staff[k], item=supply, quantity=2, reason="办公")
            if k % 2:
                logistics.requisition_decide(requisition=requisition, actor=o.director, approve=True)
        # Rooms with bookings this week; receptions with room, car and meals.
        rooms = [Room.objects.create(name=f"{tag}会议室{k}", capacity=20) for k in range(size)]
        monday = today - datetime.timedelta(days=today.weekday())
        for k, room in enumerate(rooms):
            for d in range(size):
                start = local(monday + datetime.timedelta(days=d % 7), 8 + k % 8)
                logistics.room_book(room=room, start=start, end=start + datetime.timedelta(minutes=50), purpose=f"{tag}会议{d}", booked_by=o.staff)
        for k in range(size):
            start = local(today + datetime.timedelta(days=2 + k % 5), 14) + datetime.timedelta(minutes=index)
            reception = logistics.reception_create(
                actor=o.staff, title=f"{tag}接待{k}", guests="外区人大考察团", guest_count=5, host_unit=o.office_unit,
                start=start, end=start + datetime.timedelta(minutes=30), host_leader=o.leader.person if k == 0 else None,
                room=rooms[k], vehicle=vehicles[k], driver=drivers[k],
                meals=[(start.date(), Meal.DINNER, 10)], confirm_clashes=True,
            )
            if k == 0:
                data.reception = reception

    # --- 作风 ---------------------------------------------------------------------------------

    def _conduct(self, data, tag, size, index, staff):
        o = self.office
        concerns = [data.meeting, data.incoming, data.item, data.trip, data.outgoing]
        for k in range(size * 2):
            entry = conduct.entry_register(
                actor=o.staff, people=[o.staff.person, *(user.person for user in staff)], unit=o.office_unit if k % 2 else o.unit_a,
                date=self.today - datetime.timedelta(days=k), category=[Category.DOCUMENTS, Category.MEETINGS, Category.AFFAIRS][k % 3],
                sub_kind=SubKind.TEXT, what_happened=f"{tag}差错{k}", severity=Severity.MINOR, concerns=concerns[k % len(concerns)],
                lesson=f"{tag}教训{k}" if k % 2 == 0 else "", cause="疏忽", corrective_action="加强校对",
            )
            if k % 3 >= 1:
                entry = conduct.entry_step(entry=entry, actor=o.director, action="verify")
            if k % 3 == 2:
                entry = conduct.entry_step(entry=entry, actor=o.director, action="publish")
                entry.bulletin.save("bulletin.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
                data.extra["entry_published"] = entry
            if k == 0:
                data.entry = entry
        for k in range(size):
            Proposal.objects.create(key=f"{tag}:proposal:{k}", category=Category.AFFAIRS, sub_kind=SubKind.DELAY, unit=o.unit_a,
                                    summary=f"{tag}线索{k}", occurred_on=self.today, concerns=data.item)
        # Leave: the round's staff away today and later, some waiting for the director.
        for k, user in enumerate(staff):
            leave = conduct.leave_register(actor=o.duty, person=user.person, leave_type=LeaveType.PERSONAL, start=self.today,
                                           end=self.today + datetime.timedelta(days=1), reason="家中有事")
            if k % 2 == 0:
                conduct.leave_decide(leave=leave, actor=leave.approver, approve=True)
        # The duty roster: days off for the coming weeks, taken in turn; swaps and logs.
        rota = [o.duty.person, *(user.person for user in staff)]
        start = self.today + datetime.timedelta(days=7 * index)
        conduct.roster_generate(actor=o.duty, start=start - datetime.timedelta(days=7), end=start + datetime.timedelta(days=14 + size), rota=rota)
        shifts = list(DutyShift.objects.filter(date__gte=start).order_by("date")[:size])
        for shift in shifts:
            # The director keeps no leave, so may always stand in.
            conduct.swap_request(shift=shift, actor=o.duty, substitute=o.director.person, reason="临时有事")
        past = DutyShift.objects.filter(date__lt=self.today, handed_over_at__isnull=True).first()
        if past is not None:
            conduct.duty_log(shift=past, actor=o.director, text="平安无事", hand_over=True)

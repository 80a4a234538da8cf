"""办事 services: the one booking service (rooms, vehicles and drivers), trips, canteen,
supplies and receptions.

A booking is decided inside a transaction that first locks the resource's row
(select_for_update; on SQLite the IMMEDIATE transaction serialises writers), so
two people booking the same room at once cannot both succeed. Intervals are
half-open: a booking ending at 10:00 and one starting at 10:00 do not clash.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from logistics.models import (
    Meal,
    MealBooking,
    Reception,
    Requisition,
    Room,
    RoomBooking,
    StockMove,
    SupplyItem,
    Trip,
    TripState,
    Vehicle,
    VehicleBooking,
)
from office.roles import Role, has_role, user_unit_id
from office.schedule import check_leaders_free, commitments
from office.text import month_day
from office.workflow import TransitionRefused, workflow_note


class BookingRefused(Exception):
    """The resource is taken; the message names the clash for the user."""


def room_clashes(room, start, end, exclude_owner=None):
    clashes = RoomBooking.objects.filter(room=room, start__lt=end, end__gt=start)
    if exclude_owner is not None:
        clashes = clashes.exclude(
            owner_type=ContentType.objects.get_for_model(exclude_owner), owner_id=exclude_owner.pk
        )
    return clashes


@transaction.atomic
def room_book(*, room: Room, start, end, purpose: str, booked_by, owner=None) -> RoomBooking:
    """Book `room` for [start, end); an owner's earlier booking is replaced (a moved meeting)."""
    if end <= start:
        raise BookingRefused("结束时间须晚于开始时间")
    room = Room.objects.select_for_update().get(pk=room.pk)
    if not room.is_active:
        raise BookingRefused(f"{room.name}已停用")
    clash = room_clashes(room, start, end, exclude_owner=owner).first()
    if clash is not None:
        start_at, end_at = timezone.localtime(clash.start), timezone.localtime(clash.end)
        raise BookingRefused(f"{room.name}在 {month_day(start_at)} {start_at:%H:%M}–{end_at:%H:%M} 已被预订（{clash.purpose}）")
    if owner is not None:
        room_release(owner)
    return RoomBooking.objects.create(room=room, start=start, end=end, purpose=purpose, booked_by=booked_by, owner=owner)


def room_release(owner) -> int:
    """Cancel every room booking held by `owner`."""
    deleted, _ = RoomBooking.objects.filter(
        owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk
    ).delete()
    return deleted


# --- vehicles and drivers ----------------------------------------------------------------------------



def _owner_filter(owner):
    return {"owner_type": ContentType.objects.get_for_model(owner), "owner_id": owner.pk}


def vehicle_clash(vehicle, driver, start, end, exclude_owner=None):
    """The first booking that takes this vehicle or this driver in [start, end)."""
    clashes = VehicleBooking.objects.filter(start__lt=end, end__gt=start).filter(Q(vehicle=vehicle) | Q(driver=driver))
    if exclude_owner is not None:
        clashes = clashes.exclude(**_owner_filter(exclude_owner))
    return clashes.select_related("vehicle").first()


@transaction.atomic
def vehicle_book(*, vehicle: Vehicle, driver, start, end, purpose: str, booked_by, owner, passengers: int = 0) -> VehicleBooking:
    """Book a vehicle with its driver. The vehicle row and the driver's row are locked in
    a fixed order first, so two dispatchers at once cannot both take either."""
    if end <= start:
        raise BookingRefused("返回时间须晚于出发时间")
    if driver is None:
        raise BookingRefused("请选择驾驶员")
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    get_user_model().objects.select_for_update().filter(pk=driver.pk).first()
    if vehicle.status in (Vehicle.Status.MAINTENANCE, Vehicle.Status.RETIRED):
        raise BookingRefused(f"{vehicle.plate}{vehicle.get_status_display()}，不能派车")
    if passengers > vehicle.seats:
        raise BookingRefused(f"{vehicle.plate}只有{vehicle.seats}个座位，乘车{passengers}人")
    if not has_role(driver, Role.DRIVER):
        raise BookingRefused("所选人员不是驾驶员")
    person_id = getattr(getattr(driver, "person", None), "pk", None)
    away = [c for c in commitments([person_id], start, end) if c.key.startswith("leave:")] if person_id else []
    if away:
        raise BookingRefused(f"该驾驶员{away[0].title}，不能派车")
    clash = vehicle_clash(vehicle, driver, start, end, exclude_owner=owner)
    if clash is not None:
        start_at, end_at = timezone.localtime(clash.start), timezone.localtime(clash.end)
        who = clash.vehicle.plate if clash.vehicle_id == vehicle.pk else "该驾驶员"
        raise BookingRefused(f"{who}在 {month_day(start_at)} {start_at:%H:%M}–{end_at:%H:%M} 已有任务（{clash.purpose}）")
    vehicle_release(owner)  # a trip or visit moved to another car frees the first
    return VehicleBooking.objects.create(vehicle=vehicle, driver=driver, start=start, end=end, purpose=purpose, booked_by=booked_by, owner=owner)


def vehicle_release(owner) -> int:
    deleted, _ = VehicleBooking.objects.filter(**_owner_filter(owner)).delete()
    return deleted


@transaction.atomic
def maintenance_record(*, actor, vehicle: Vehicle, date, kind: str, cost, description: str = "", odometer=None):
    """维修保养 with its cost; a later odometer reading moves the car's odometer on."""
    from logistics.models import Maintenance

    if not is_dispatcher(actor):
        raise TransitionRefused("只有办公室可以登记维修保养")
    if not kind.strip():
        raise TransitionRefused("请填写维修保养项目")
    if cost is None or Decimal(cost) < 0:
        raise TransitionRefused("费用不能为负数")
    if date > timezone.localdate():
        raise TransitionRefused("日期不能晚于今天")
    record = Maintenance.objects.create(vehicle=vehicle, date=date, kind=kind.strip(), description=description.strip(),
                                        cost=cost, odometer=odometer, recorded_by=actor)
    if odometer:
        Vehicle.objects.filter(pk=vehicle.pk, odometer__lt=odometer).update(odometer=odometer)
    return record


@transaction.atomic
def vehicle_set_status(*, actor, vehicle: Vehicle, status: str) -> Vehicle:
    """可用 / 维修 / 停用; a car with trips still booked ahead cannot be taken off the road."""
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    if not is_dispatcher(actor):
        raise TransitionRefused("只有办公室可以变更车辆状态")
    if status not in Vehicle.Status.values:
        raise TransitionRefused("状态不正确")
    if status in (Vehicle.Status.MAINTENANCE, Vehicle.Status.RETIRED):
        ahead = VehicleBooking.objects.filter(vehicle=vehicle, end__gt=timezone.now()).order_by("start").first()
        if ahead is not None:
            start = timezone.localtime(ahead.start)
            raise TransitionRefused(f"{vehicle.plate}在 {month_day(start)} {start:%H:%M} 还有任务（{ahead.purpose}），请先改派")
    vehicle.status = status
    vehicle.save(update_fields=["status"])
    return vehicle


# --- trips ----------------------------------------------------------------------------------------------


def is_dispatcher(user) -> bool:
    """The office dispatches cars (staff and the director)."""
    return has_role(user, Role.DIRECTOR, Role.STAFF)


def needs_leader(trip: Trip) -> bool:
    """Long trips go to a leader; the rest the director approves."""
    return trip.distance_km > settings.TRIP_LEADER_APPROVAL_KM


def can_approve(user, trip: Trip) -> bool:
    return has_role(user, Role.LEADER) if needs_leader(trip) else has_role(user, Role.DIRECTOR, Role.LEADER)


@transaction.atomic
def trip_request(*, actor, purpose, destination, passengers, start, end, distance_km, passenger_names="", leader_passenger=None,
                 confirm_clashes=False) -> Trip:
    unit_id = user_unit_id(actor)
    if unit_id is None:
        raise TransitionRefused("您的账号没有所属单位，请联系办公室")
    if end <= start:
        raise TransitionRefused("返回时间须晚于出发时间")
    if start < timezone.now() - datetime.timedelta(hours=1):
        raise TransitionRefused("出发时间已过，请补录时联系办公室")
    if passengers < 1:
        raise TransitionRefused("乘车人数至少1人")
    if not purpose.strip() or not destination.strip():
        raise TransitionRefused("请填写事由和目的地")
    if leader_passenger is not None:
        check_leaders_free([leader_passenger.pk], start, end, confirmed=confirm_clashes)
    return Trip.objects.create(
        requester=actor, unit_id=unit_id, purpose=purpose.strip(), destination=destination.strip(), passengers=passengers,
        passenger_names=passenger_names, leader_passenger=leader_passenger, distance_km=distance_km, start=start, end=end,
    )


def _trip_locked(trip) -> Trip:
    return Trip.objects.select_for_update().get(pk=trip.pk)


def _step(trip, action, label, actor, comment="") -> None:
    workflow_note(trip, action=action, label=label, actor=actor, state=trip.state, comment=comment)


@transaction.atomic
def trip_decide(*, trip: Trip, actor, approve: bool, comment: str = "") -> Trip:
    trip = _trip_locked(trip)
    if trip.state != TripState.REQUESTED:
        raise TransitionRefused(f"用车申请当前为“{trip.get_state_display()}”，不能审批")
    if not can_approve(actor, trip):
        raise TransitionRefused(f"往返{trip.distance_km}公里的用车须由领导审批" if needs_leader(trip) else "只有办公室主任或领导可以审批用车")
    if not approve and not comment.strip():
        raise TransitionRefused("不批准时请填写意见")
    trip.state = TripState.APPROVED if approve else TripState.REFUSED
    trip.approver, trip.approved_at = actor, timezone.now()
    trip.save()
    _step(trip, "decide", "批准用车" if approve else "不批准用车", actor, comment.strip())
    return trip


@transaction.atomic
def trip_dispatch(*, trip: Trip, actor, vehicle: Vehicle, driver) -> Trip:
    """派车: a vehicle with enough seats and a driver, both free for the trip's time."""
    trip = _trip_locked(trip)
    if not is_dispatcher(actor):
        raise TransitionRefused("只有办公室可以派车")
    if trip.state not in (TripState.APPROVED, TripState.DISPATCHED):
        raise TransitionRefused(f"用车申请当前为“{trip.get_state_display()}”，不能派车")
    try:
        booking = vehicle_book(vehicle=vehicle, driver=driver, start=trip.start, end=trip.end,
                               purpose=f"{trip.destination}（{trip.purpose}）", booked_by=actor, owner=trip, passengers=trip.passengers)
    except BookingRefused as error:
        raise TransitionRefused(str(error)) from None
    trip.vehicle, trip.driver, trip.state = booking.vehicle, driver, TripState.DISPATCHED
    trip.odometer_start = booking.vehicle.odometer  # the locked row's reading, not the caller's copy
    trip.save()
    _step(trip, "dispatch", "派车", actor, f"{vehicle.plate}，驾驶员{_name(driver)}")
    return trip


@transaction.atomic
def trip_cancel(*, trip: Trip, actor, reason: str) -> Trip:
    trip = _trip_locked(trip)
    if trip.state in (TripState.RETURNED, TripState.CANCELLED, TripState.REFUSED):
        raise TransitionRefused(f"用车申请当前为“{trip.get_state_display()}”，不能取消")
    if actor.pk != trip.requester_id and not is_dispatcher(actor):
        raise TransitionRefused("只有申请人或办公室可以取消")
    if not reason.strip():
        raise TransitionRefused("请填写取消原因")
    vehicle_release(trip)
    trip.state = TripState.CANCELLED
    trip.save()
    _step(trip, "cancel", "取消用车", actor, reason.strip())
    return trip


@transaction.atomic
def trip_return(*, trip: Trip, actor, odometer_end: int, fuel_liters=None, fuel_cost=None, tolls=None, parking=None,
                odometer_start=None) -> Trip:
    """回场登记: mileage and costs, as the official-vehicle rules require."""
    trip = _trip_locked(trip)
    if trip.state != TripState.DISPATCHED:
        raise TransitionRefused(f"用车申请当前为“{trip.get_state_display()}”，不能登记回场")
    if actor.pk != trip.driver_id and not is_dispatcher(actor):
        raise TransitionRefused("只有本次驾驶员或办公室可以登记回场")
    # The reading when the car left: given by the driver, else the end reading of the
    # car's latest earlier trip (a trip dispatched days ahead must not count an earlier
    # trip's kilometres; returns may be logged out of order).
    if odometer_start is None:
        earlier = Trip.objects.filter(vehicle_id=trip.vehicle_id, state=TripState.RETURNED, start__lt=trip.start).aggregate(m=Max("odometer_end"))["m"]
        odometer_start = max(trip.odometer_start or 0, earlier or 0)
    trip.odometer_start = odometer_start
    if odometer_end is None or odometer_end < (trip.odometer_start or 0):
        raise TransitionRefused(f"回场里程不能小于出车里程（{trip.odometer_start}公里）")
    for value in (fuel_liters, fuel_cost, tolls, parking):
        if value is not None and Decimal(value) < 0:
            raise TransitionRefused("费用和油量不能为负数")
    trip.odometer_end, trip.fuel_liters, trip.fuel_cost, trip.tolls, trip.parking = odometer_end, fuel_liters, fuel_cost, tolls, parking
    trip.state, trip.returned_at = TripState.RETURNED, timezone.now()
    trip.save()
    Vehicle.objects.filter(pk=trip.vehicle_id, odometer__lt=odometer_end).update(odometer=odometer_end)
    _step(trip, "return", "回场登记", actor, f"行驶{trip.distance}公里")
    return trip


def _name(user) -> str:
    person = getattr(user, "person", None)
    return person.name if person else user.username


def monthly_trip_totals(year: int, month: int):
    """Per vehicle and per unit: trips, kilometres and costs of returned trips that month."""
    trips = Trip.objects.filter(state=TripState.RETURNED, start__year=year, start__month=month)
    sums = dict(trips=Count("id"), km=Sum(F("odometer_end") - F("odometer_start")), fuel=Sum("fuel_cost"), tolls=Sum("tolls"), parking=Sum("parking"))
    by_vehicle = list(trips.values("vehicle__plate").annotate(**sums).order_by("vehicle__plate"))
    by_unit = list(trips.values("unit__name").annotate(**sums).order_by("unit__name"))
    return by_vehicle, by_unit


# --- canteen ---------------------------------------------------------------------------------------------


def meal_cutoff(day: datetime.date, meal: str) -> datetime.datetime:
    """The last moment a booking for (day, meal) may change: settings.CANTEEN_CUTOFFS gives
    (days before, "HH:MM") per meal."""
    days_before, clock = settings.CANTEEN_CUTOFFS[meal]
    hour, minute = (int(part) for part in clock.split(":"))
    return timezone.make_aware(datetime.datetime.combine(day - datetime.timedelta(days=days_before), datetime.time(hour, minute)))


def _check_open(day, meal, now=None) -> None:
    now = now or timezone.now()
    cutoff = meal_cutoff(day, meal)
    if now >= cutoff:
        local = timezone.localtime(cutoff)
        raise TransitionRefused(f"{month_day(day)}{Meal(meal).label}已于{month_day(local)} {local:%H:%M}截止报餐，如需变更请直接联系食堂")
    if day > timezone.localdate(now) + datetime.timedelta(days=settings.CANTEEN_BOOK_AHEAD_DAYS):
        raise TransitionRefused(f"最多可预订{settings.CANTEEN_BOOK_AHEAD_DAYS}天内的餐")


@transaction.atomic
def meal_book(*, actor, day: datetime.date, meal: str, wanted: bool) -> bool:
    """Book (or cancel) the actor's own meal before the cutoff; returns whether booked now."""
    _check_open(day, meal)
    existing = MealBooking.objects.filter(kind=MealBooking.Kind.STAFF, person=actor, date=day, meal=meal)
    if wanted and not existing.exists():
        MealBooking.objects.create(kind=MealBooking.Kind.STAFF, person=actor, unit_id=user_unit_id(actor), date=day, meal=meal, booked_by=actor)
    elif not wanted:
        existing.delete()
    return wanted


@transaction.atomic
def group_meal_book(*, actor, owner, day: datetime.date, meal: str, count: int, kind: str, note: str = "", unit=None) -> MealBooking | None:
    """Meals for a meeting or a reception, by headcount; count 0 cancels."""
    if not is_dispatcher(actor):
        raise TransitionRefused("只有办公室可以登记会议和接待用餐")
    _check_open(day, meal)
    filters = {**_owner_filter(owner), "date": day, "meal": meal, "kind": kind}
    if count <= 0:
        MealBooking.objects.filter(**filters).delete()
        return None
    booking, _ = MealBooking.objects.update_or_create(**filters, defaults={"count": count, "note": note, "unit": unit, "booked_by": actor})
    return booking


def meeting_meals(*, actor, meeting, meal: str) -> MealBooking | None:
    """Meals for a meeting from its confirmed attendance (参会 replies and staff)."""
    from meetings.models import Reply

    count = meeting.participants.filter(reply=Reply.ATTEND).count()
    day = timezone.localtime(meeting.start).date()
    return group_meal_book(actor=actor, owner=meeting, day=day, meal=meal, count=count, kind=MealBooking.Kind.MEETING, note=meeting.name)


def headcount(day: datetime.date, meal: str) -> dict:
    """The kitchen's numbers for one meal: staff by unit, meetings and guests."""
    return headcounts([day], [meal])[(day, meal)]


def headcounts(days, meals=tuple(Meal.values)) -> dict[tuple[datetime.date, str], dict]:
    """`headcount` for every (day, meal) of these, in three queries whatever their number."""
    found = {(day, meal): {"total": 0, "by_kind": {}, "by_unit": [], "groups": []} for day in days for meal in meals}
    bookings = MealBooking.objects.filter(date__in=list(days), meal__in=list(meals))
    for row in bookings.values("date", "meal", "kind").annotate(n=Sum("count")).order_by():
        counts = found[(row["date"], row["meal"])]
        counts["by_kind"][row["kind"]] = row["n"]
        counts["total"] += row["n"]
    staff = bookings.filter(kind=MealBooking.Kind.STAFF).values("date", "meal", "unit__name").annotate(n=Sum("count"))
    for row in staff.order_by("date", "meal", "unit__name"):
        found[(row["date"], row["meal"])]["by_unit"].append({"unit__name": row["unit__name"], "n": row["n"]})
    groups = bookings.exclude(kind=MealBooking.Kind.STAFF).values("date", "meal", "kind", "note", "count")
    for row in groups.order_by("date", "meal", "kind", "note"):
        found[(row["date"], row["meal"])]["groups"].append({"kind": row["kind"], "note": row["note"], "count": row["count"]})
    return found


def meal_totals(days) -> dict[tuple[datetime.date, str], int]:
    """(day, meal) → people booked (the `total` of headcounts), in one query; absent when none."""
    rows = MealBooking.objects.filter(date__in=list(days)).values("date", "meal").annotate(n=Sum("count")).order_by()
    return {(row["date"], row["meal"]): row["n"] for row in rows}


def monthly_meal_totals(year: int, month: int):
    # A date range, which the index on date serves (date__year/__month scan every booking).
    first = datetime.date(year, month, 1)
    next_first = datetime.date(year + month // 12, month % 12 + 1, 1)
    bookings = MealBooking.objects.filter(date__gte=first, date__lt=next_first)
    by_person = list(bookings.filter(kind=MealBooking.Kind.STAFF).values("person__person__name", "unit__name").annotate(n=Sum("count")).order_by("unit__name", "person__person__name"))
    by_unit = list(bookings.values("unit__name", "kind").annotate(n=Sum("count")).order_by("unit__name", "kind"))
    return by_person, by_unit


# --- supplies -------------------------------------------------------------------------------------------


@transaction.atomic
def supply_purchase(*, actor, item: SupplyItem, quantity: int, unit_price=None) -> StockMove:
    if not is_dispatcher(actor):
        raise TransitionRefused("只有办公室可以登记采购入库")
    if quantity <= 0:
        raise TransitionRefused("数量须大于0")
    SupplyItem.objects.filter(pk=item.pk).update(stock=F("stock") + quantity)
    return StockMove.objects.create(item=item, kind=StockMove.Kind.PURCHASE, quantity=quantity, unit_price=unit_price, by=actor)


@transaction.atomic
def requisition_request(*, actor, item: SupplyItem, quantity: int, reason: str = "") -> Requisition:
    if quantity <= 0:
        raise TransitionRefused("数量须大于0")
    return Requisition.objects.create(item=item, quantity=quantity, requester=actor, reason=reason.strip())


@transaction.atomic
def requisition_decide(*, requisition: Requisition, actor, approve: bool) -> Requisition:
    """The director approves; approval issues the goods if the stock holds them (atomically)."""
    requisition = Requisition.objects.select_for_update().select_related("item").get(pk=requisition.pk)
    if not has_role(actor, Role.DIRECTOR):
        raise TransitionRefused("领用须由办公室主任审批")
    if requisition.state != Requisition.State.REQUESTED:
        raise TransitionRefused(f"申请当前为“{requisition.get_state_display()}”，不能审批")
    requisition.decided_by, requisition.decided_at = actor, timezone.now()
    if approve:
        taken = SupplyItem.objects.filter(pk=requisition.item_id, stock__gte=requisition.quantity).update(stock=F("stock") - requisition.quantity)
        if not taken:
            raise TransitionRefused(f"{requisition.item.name}库存不足（现有{SupplyItem.objects.get(pk=requisition.item_id).stock}）")
        move = StockMove.objects.create(item=requisition.item, kind=StockMove.Kind.ISSUE, quantity=requisition.quantity,
                                        requisition=requisition, by=actor)
        requisition.state = Requisition.State.ISSUED
        item = SupplyItem.objects.get(pk=requisition.item_id)
        # Alert once per fall: when this issue took the stock across the line.
        if item.stock <= item.low_threshold < item.stock + requisition.quantity:
            transaction.on_commit(lambda: _low_stock_alert(item, move))
    else:
        requisition.state = Requisition.State.REFUSED
    requisition.save()
    return requisition


def _low_stock_alert(item: SupplyItem, move: StockMove) -> None:
    from office.notifications import notify

    keepers = get_user_model().objects.filter(is_active=True, groups__name__in=[Role.STAFF, Role.DIRECTOR]).distinct()
    notify(keepers, f"logistics:supply:{item.pk}:low:{move.pk}", f"库存提醒：{item.name}仅剩{item.stock}{item.measure}",
           f"{item.name}库存已降到提醒线（{item.low_threshold}{item.measure}）以下，请及时采购。", link="/logistics/supplies/")


# --- receptions --------------------------------------------------------------------------------------------


@transaction.atomic
def reception_create(*, actor, title, guests, guest_count, host_unit, start, end, host_leader=None, room=None,
                     vehicle=None, driver=None, meals=(), confirm_clashes=False) -> Reception:
    """A visit with its room, car and meals, all through the same booking services, so it
    can never take what a meeting or a trip already holds."""
    if not is_dispatcher(actor):
        raise TransitionRefused("只有办公室可以安排公务接待")
    if end <= start:
        raise TransitionRefused("结束时间须晚于开始时间")
    if host_leader is not None:
        check_leaders_free([host_leader.pk], start, end, confirmed=confirm_clashes)
    reception = Reception.objects.create(title=title, guests=guests, guest_count=guest_count, host_unit=host_unit,
                                         host_leader=host_leader, start=start, end=end, created_by=actor)
    try:
        if room is not None:
            room_book(room=room, start=start, end=end, purpose=f"接待：{title}", booked_by=actor, owner=reception)
        if vehicle is not None:
            vehicle_book(vehicle=vehicle, driver=driver, start=start, end=end, purpose=f"接待：{title}", booked_by=actor,
                         owner=reception, passengers=guest_count)
    except BookingRefused as error:
        raise TransitionRefused(str(error)) from None
    for day, meal, count in meals:
        group_meal_book(actor=actor, owner=reception, day=day, meal=meal, count=count, kind=MealBooking.Kind.GUEST, note=title, unit=host_unit)
    return reception


def trips_commitments(person_ids, start, end):
    """The schedule provider for trips and receptions (leaders on board or hosting)."""
    from office.schedule import Commitment

    result = []
    trips = Trip.objects.filter(leader_passenger_id__in=person_ids, start__lt=end, end__gt=start).exclude(
        state__in=(TripState.REFUSED, TripState.CANCELLED)
    )
    for trip in trips:
        result.append(Commitment(trip.leader_passenger_id, trip.start, trip.end, f"用车：{trip.destination}", trip.get_absolute_url(), f"trip:{trip.pk}"))
    receptions = Reception.objects.filter(host_leader_id__in=person_ids, start__lt=end, end__gt=start).exclude(state=Reception.State.CANCELLED)
    for reception in receptions:
        result.append(Commitment(reception.host_leader_id, reception.start, reception.end, f"接待：{reception.title}",
                                 reception.get_absolute_url(), f"reception:{reception.pk}"))
    return result

"""Demo rooms (vehicles, canteen and supplies follow with their duties)."""

from logistics.models import Room

ROOMS = [
    # name, location, capacity, rostrum seats, equipment
    ("常委会议室", "机关大楼四楼", 80, 9, "表决器、音响、投影、视频会议"),
    ("第一会议室", "机关大楼三楼", 60, 7, "音响、投影"),
    ("第二会议室", "机关大楼三楼", 30, 5, "投影"),
    ("小会议室", "机关大楼二楼", 12, 0, "电视"),
]


def seed() -> str:
    created = 0
    for name, location, capacity, rostrum, equipment in ROOMS:
        _, new = Room.objects.get_or_create(
            name=name, defaults={"location": location, "capacity": capacity, "rostrum_seats": rostrum, "equipment": equipment}
        )
        created += new
    return f"{created} 间会议室" if created else ""

"""Reading the audit history (django-auditlog) for a record's page."""

from auditlog.models import LogEntry

ACTION_LABELS = {
    LogEntry.Action.CREATE: "创建",
    LogEntry.Action.UPDATE: "修改",
    LogEntry.Action.DELETE: "删除",
    LogEntry.Action.ACCESS: "查阅",
}


def history_for(obj, limit: int = 200) -> list[dict]:
    """Who changed what and when, newest first, with field names in Chinese."""
    entries = LogEntry.objects.get_for_object(obj).select_related("actor__person", "content_type").order_by("-timestamp", "-id")[:limit]
    return [
        {
            "when": entry.timestamp,
            "who": _actor_name(entry.actor),
            "action": ACTION_LABELS.get(entry.action, str(entry.action)),
            "changes": entry.changes_display_dict,
        }
        for entry in entries
    ]


def _actor_name(user) -> str:
    if user is None:
        return "系统"
    person = getattr(user, "person", None)
    return person.name if person else (user.get_full_name() or user.username)

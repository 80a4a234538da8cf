"""Reading the audit history (django-auditlog) for a record's page."""

from collections import defaultdict
from functools import partial

from auditlog.models import LogEntry, _get_manager_from_settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.encoding import smart_str

ACTION_LABELS = {
    LogEntry.Action.CREATE: "创建",
    LogEntry.Action.UPDATE: "修改",
    LogEntry.Action.DELETE: "删除",
    LogEntry.Action.ACCESS: "查阅",
}


def history_for(obj, limit: int = 200) -> list[dict]:
    """Who changed what and when, newest first, with field names in Chinese."""
    entries = list(LogEntry.objects.get_for_object(obj).select_related("actor__person", "content_type").order_by("-timestamp", "-id")[:limit])
    foreign_keys_read_together(entries, loaded=_related_loaded_on(obj))
    return [
        {
            "when": entry.timestamp,
            "who": _actor_name(entry.actor),
            "action": ACTION_LABELS.get(entry.action, str(entry.action)),
            "changes": entry.changes_display_dict,
        }
        for entry in entries
    ]


def foreign_keys_read_together(entries, loaded=()) -> None:
    """auditlog names each foreign-key value of a change with a query of its own, so a
    page would grow with its history; read the names once per related model for all the
    entries, and let each entry look them up (deleted records still go to auditlog).
    Records in `loaded` (the page has them already) are named without a query."""
    names = defaultdict(dict)
    for record in loaded:
        names[type(record)][record.pk] = smart_str(record)
    wanted = defaultdict(set)
    for entry in entries:
        for field, values in _foreign_key_changes(entry):
            for value in values:
                pk = _pk(field, value)
                if pk is not None and pk not in names[field.related_model]:
                    wanted[field.related_model].add(pk)
    for model, pks in wanted.items():
        names[model].update((pk, smart_str(obj)) for pk, obj in _get_manager_from_settings(model).in_bulk(list(pks)).items())
    for entry in entries:
        entry._get_changes_display_for_fk_field = partial(_fk_display, names, entry._get_changes_display_for_fk_field)


def _related_loaded_on(obj) -> list:
    """The records obj's foreign keys point to that were read with it (select_related):
    usually the very ones its history names."""
    return [
        field.get_cached_value(obj)
        for field in obj._meta.concrete_fields
        if field.is_relation and field.is_cached(obj) and field.get_cached_value(obj) is not None
    ]


def _foreign_key_changes(entry):
    model = entry.content_type.model_class()
    if model is None:
        return
    for name, values in entry.changes_dict.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if getattr(field, "choices", None) or not isinstance(values, list | tuple):
            continue
        if getattr(field, "get_internal_type", lambda: "")() in ("ForeignKey", "OneToOneField"):
            yield field, values


def _pk(field, value):
    if value in (None, "None"):
        return None
    try:
        return field.related_model._meta.pk.to_python(value)
    except ValidationError:
        return None


def _fk_display(names, fallback, field, value) -> str:
    pk = _pk(field, value)
    known = names.get(field.related_model, {})
    return known[pk] if pk in known else fallback(field, value)


def _actor_name(user) -> str:
    if user is None:
        return "系统"
    person = getattr(user, "person", None)
    return person.name if person else (user.get_full_name() or user.username)

from django import template

from office.lessons import lessons_for
from office.related import related_for

register = template.Library()


@register.inclusion_tag("includes/related_records.html")
def related_records(obj):
    """Error-log entries and the like about this record (see office.related)."""
    return {"records": related_for(obj)}


@register.inclusion_tag("includes/lessons_box.html")
def lessons_box(topic, title="以往差错教训", record=None):
    """Lessons from past mistakes in this kind of work (see office.lessons). Give the page's
    record when it also shows {% related_records record %}: both are then read in one query."""
    return {"lessons": lessons_for(topic, record=record), "title": title}

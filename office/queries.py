"""Query expressions shared by the apps' selectors."""

from django.db.models import F, IntegerField, Subquery


class SubqueryCount(Subquery):
    """How many rows a correlated queryset has, as an annotation:

        Meeting.objects.annotate(invited=SubqueryCount(Participant.objects.filter(meeting=OuterRef("pk"))))

    One small indexed count per row shown. Count() over a join instead groups the joined
    rows of every record before a page is cut from them (seconds on ten years of data),
    and several Count(distinct=True) multiply the join."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()

    def __init__(self, queryset, **extra):
        super().__init__(queryset.order_by().values("pk"), **extra)


def with_children(queryset, relation: str, to_attr: str, order_by: tuple[str, ...] = ("pk",)) -> list:
    """The records of `queryset`, each with `to_attr` set to the list of its `relation` (a
    one-to-many or many-to-many relation, in `order_by` order), read in the same query:
    the children are LEFT JOINed, one row per child, and grouped back into their records
    here. prefetch_related would take a query more; for pages that show a few children of
    each of a few records."""
    model = queryset.model
    relation_field = model._meta.get_field(relation)
    child_model = relation_field.related_model
    child_fields = [field.attname for field in child_model._meta.concrete_fields]
    columns = {f"_{to_attr}_{name}": F(f"{relation}__{name}") for name in child_fields}
    parent_order = [*(queryset.query.order_by or model._meta.ordering), "pk"]
    rows = queryset.annotate(**columns).order_by(*parent_order, *(f"{relation}__{name}" for name in order_by))
    records = {}
    for row in rows:
        record = records.get(row.pk)
        if record is None:
            record = records[row.pk] = row
            setattr(record, to_attr, [])
        values = [row.__dict__.pop(column) for column in columns]
        if values[child_fields.index(child_model._meta.pk.attname)] is None:
            continue  # a record without children: its one row has NULL for them
        child = child_model.from_db(queryset.db, child_fields, values)
        if relation_field.one_to_many:
            relation_field.field.set_cached_value(child, record)  # child.<its foreign key> is the record, as prefetch sets it
        getattr(record, to_attr).append(child)
    return list(records.values())

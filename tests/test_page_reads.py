"""The reads that keep the meeting page and a secret document's page within their query
budget (tests/test_query_counts.py) give what the plain reads would: children read in
the parent's query, counts and the kind rule read with the meeting, names in the audit
history taken from the records already loaded, the lessons and the related-records boxes
from one query, and a secret document's grantees with the people it may be granted to."""

from collections import Counter

import pytest
from django.utils import timezone

from conduct import services as conduct
from conduct.models import Category, SubKind
from documents import selectors as doc_selectors
from documents import services as documents
from documents.models import IncomingDocument, IncomingGrant
from meetings import selectors, services
from meetings.models import KindRule, Material, MeetingDocument, Participant
from office import request_cache
from office.audit import history_for
from office.lessons import lessons_for
from office.related import related_for
from office.roles import Role
from supervision.models import SupervisionItem
from tests.bulk_data import BulkData
from tests.factories import PersonFactory, UserFactory


@pytest.fixture
def bulk(office):
    return BulkData(office).grow(2)


def test_meeting_page_query_reads_the_counts_rule_and_documents(bulk, django_assert_num_queries):
    meeting = selectors.meeting_page_get(bulk.meeting.pk)
    participants = list(Participant.objects.filter(meeting=meeting))
    by_role, by_reply = Counter(p.role for p in participants), Counter(p.reply for p in participants)
    signed = Counter(p.role for p in participants if p.signed_in_at)
    rule = KindRule.objects.get(kind=meeting.kind)
    with django_assert_num_queries(0):
        counts = selectors.participant_counts(meeting)
        kept = services.rule_of(meeting)
        kinds = set(selectors.documents_of(meeting))
    assert counts == {"by_role": dict(by_role), "by_reply": dict(by_reply), "signed": dict(signed)}
    assert counts["signed"] and counts["by_reply"]  # the data have both, so the comparison says something
    assert selectors.participant_counts(selectors.meeting_get(meeting.pk)) == counts  # the other pages' one query
    assert (kept.pk, kept.body, kept.quorum, kept.pass_rule, kept.notice_days) == (rule.pk, rule.body, rule.quorum, rule.pass_rule, rule.notice_days)
    assert kinds == set(MeetingDocument.objects.filter(meeting=meeting).values_list("doc_kind", flat=True)) and len(kinds) == 2


def test_a_kind_without_its_rule_kept_gets_the_default(bulk):
    KindRule.objects.filter(kind=bulk.meeting.kind).delete()
    rule = services.rule_of(selectors.meeting_get(bulk.meeting.pk))
    default = services.DEFAULT_RULES[bulk.meeting.kind]
    assert rule.pk is None and (rule.body, rule.quorum, rule.notice_days) == (default["body"], default["quorum"], default["notice_days"])


def test_agenda_items_come_with_their_materials_in_one_query(bulk, office, django_assert_num_queries):
    meeting = bulk.meeting_planning
    bare = services.agenda_add(meeting=meeting, actor=office.staff, title="无材料的议题", sponsor=office.unit_a, reporter="", to_vote=False)
    with django_assert_num_queries(1):
        agenda = selectors.agenda_of(meeting)
        titles = {item.pk: [(m.pk, m.agenda_item.title) for m in item.material_list] for item in agenda}
    assert [item.pk for item in agenda] == list(meeting.agenda.values_list("pk", flat=True))
    for item in agenda:
        expected = [(m.pk, item.title) for m in Material.objects.filter(agenda_item=item).order_by("id")]
        assert titles[item.pk] == expected
    assert titles[bare.pk] == []

    in_session = selectors.agenda_of(bulk.meeting)
    assert all(len(item.material_list) == 2 for item in in_session)


def test_opinions_come_with_co_units_and_their_supervision_items(bulk, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = selectors.opinions_of(bulk.meeting)
        shown = [(row["opinion"].pk, [unit.label for unit in row["opinion"].co_unit_list], row["item"] and row["item"].number,
                  row["item"] and row["item"].state, row["item"] and row["item"].deadline, row["light"]) for row in rows]
    assert len(rows) == 4 and sum(row["item"] is not None for row in rows) == 2
    for (pk, co_units, number, state, deadline, light), row in zip(shown, rows):
        opinion = row["opinion"]
        assert co_units == [unit.label for unit in opinion.co_units.all()] and co_units
        if opinion.supervision_item_id:
            item = SupervisionItem.objects.get(pk=opinion.supervision_item_id)
            assert (number, state, deadline) == (item.number, item.state, item.deadline) and light is not None
            assert row["item"].get_absolute_url() == item.get_absolute_url()
        else:
            assert (number, light) == (None, None)


def test_history_names_foreign_keys_from_the_loaded_records_and_reads_only_the_others(bulk, office, django_assert_num_queries):
    meeting = bulk.meeting_planning
    loaded = selectors.meeting_get(meeting.pk)
    with django_assert_num_queries(1):  # the entries; every name they show was loaded with the meeting
        history_for(loaded)
    before = meeting.convener
    after = PersonFactory(name="王召集人")
    services.meeting_update(meeting=meeting, actor=office.staff, convener=after)
    loaded = selectors.meeting_get(meeting.pk)
    with django_assert_num_queries(2):  # and the one name not loaded: the convener before
        history = history_for(loaded)
    assert list(history[0]["changes"]["召集人/主持人"]) == [str(before), str(after)]


def test_lessons_and_the_entries_about_the_record_are_one_query(bulk, office, django_assert_num_queries):
    meeting, other = bulk.meeting, bulk.meeting_planning
    about = conduct.entry_register(actor=office.staff, people=[office.staff.person], unit=office.office_unit, date=timezone.localdate(),
                                   category=Category.MEETINGS, sub_kind=SubKind.DELAY, what_happened="通知晚发", concerns=meeting,
                                   lesson="会前七日发出通知。")
    conduct.entry_step(entry=about, actor=office.director, action="verify")
    conduct.entry_register(actor=office.staff, people=[office.staff.person], unit=office.office_unit, date=timezone.localdate(),
                           category=Category.MEETINGS, sub_kind=SubKind.DELAY, what_happened="别的会", concerns=other)
    request_cache._begin()  # as a request does (the signals would also close the test's connection)
    try:
        with django_assert_num_queries(1):
            lessons = lessons_for(f"meeting:{meeting.kind}", record=meeting)
            related = related_for(meeting)
    finally:
        request_cache._end()
    assert about.get_absolute_url() in [lesson.url for lesson in lessons]
    entries_about = [entry.get_absolute_url() for entry in conduct.entries_concerning(meeting).order_by("-date", "-id")]
    assert [record.url for record in related] == entries_about and about.get_absolute_url() in entries_about
    # Without the record (or outside a request) each box reads on its own, the same.
    assert [record.url for record in related_for(meeting)] == entries_about
    assert lessons_for(f"meeting:{meeting.kind}") == lessons

    page = office.client_for(office.staff).get(meeting.get_absolute_url()).content.decode()
    assert page.count(about.get_absolute_url()) >= 2 and "会前七日发出通知。" in page and "相关记录" in page


def test_secret_document_grantees_and_those_it_may_be_granted_to(bulk, office, django_assert_num_queries):
    doc = bulk.incoming_secret  # granted to the director and the round's staff
    documents.grant(doc, [office.liaison_b], actor=office.staff)  # not of the office, listed all the same
    gone = UserFactory(username="gone", roles=[Role.STAFF])
    PersonFactory(name="离职科员", user=gone, protocol_rank=5)
    documents.grant(doc, [gone], actor=office.staff)
    gone.is_active = False
    gone.save()
    with django_assert_num_queries(1):
        grantees, grantable = doc_selectors.secrecy_people(doc)
    grants = IncomingGrant.objects.filter(content_object=doc).select_related("user__person").order_by("user__person__protocol_rank", "id")
    assert [user.pk for user in grantees] == [grant.user_id for grant in grants]
    assert office.liaison_b in grantees and gone in grantees
    office_people = office.director.__class__.objects.filter(is_active=True, groups__name__in=Role.OFFICE).distinct()
    assert {user.pk for user in grantable} == set(office_people.values_list("pk", flat=True)) - {user.pk for user in grantees}
    assert office.leader in grantable and office.director not in grantable and gone not in grantable
    ranks = [user.person.protocol_rank for user in grantable]
    assert ranks == sorted(ranks)


def test_amendments_are_read_only_for_archived_documents(bulk, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert doc_selectors.document_amendments(bulk.incoming) == []
    amendments = doc_selectors.document_amendments(IncomingDocument.objects.get(pk=bulk.incoming_archived.pk))
    assert len(amendments) == 2 and all(amendment.field_label for amendment in amendments)

"""办会 pages. Each view: who may, the form, one service call, then redirect or re-render.

Every logged-in user may read meetings; organising (staff and the director,
services.is_organiser) is what the buttons do. The reply page is the one page
without a login: the invitee's unguessable token is the key.
"""

import datetime
import os
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from logistics.services import BookingRefused
from meetings import selectors, services
from meetings.forms import (
    AgendaItemForm,
    AttendanceForm,
    InviteForm,
    MaterialForm,
    MeetingFilterForm,
    MeetingForm,
    OpinionAssignForm,
    OpinionForm,
    PeopleSearchForm,
    ReplyForm,
    SignInSearchForm,
    TransitionForm,
    VoteForm,
    person_label,
)
from meetings.models import (
    AgendaItem,
    ChecklistTask,
    Kind,
    Material,
    MeetingDocument,
    Participant,
    Phase,
    QuorumRule,
    Reply,
    ReviewOpinion,
    Role,
    State,
)
from meetings.services import WORKFLOW, ClashWarning
from office.access import require
from office.audit import history_for
from office.concurrency import unchanged, versioned
from office.models import Body, Term
from office.pagination import paginate
from office.uploads import stored_file_response
from office.workflow import TransitionRefused, workflow_log_for
from supervision.forms import user_label

# A pending PDF refreshes the page for this long; a worker that is down must not
# keep reloading a page someone is typing into.
REFRESH_WINDOW = datetime.timedelta(minutes=5)
QUORUM_WORDS = {QuorumRule.MORE_THAN_HALF.label: "过半数", QuorumRule.TWO_THIRDS.label: "三分之二以上"}
VOTING_STATES = (State.IN_SESSION, State.ENDED)
SIGN_IN_STATES = (State.NOTICED, State.IN_SESSION)
HELD_STATES = (State.IN_SESSION, State.ENDED, State.ARCHIVED)


# --- helpers -----------------------------------------------------------------------


def _require_organiser(user) -> None:
    require(services.is_organiser(user), "只有办公室工作人员可以筹备会议")


def _meeting_url(meeting, anchor: str = "top") -> str:
    # An explicit fragment: otherwise the browser keeps the form's #anchor after the redirect.
    return f"{reverse('meetings:detail', args=[meeting.pk])}#{anchor}"


def _first_error(form) -> str:
    for errors in form.errors.values():
        if errors:
            return errors[0]
    return "请检查填写的内容"


def _quorum_context(meeting) -> dict:
    quorum = services.quorum_status(meeting)
    return {
        "quorum": quorum,
        "quorum_words": QUORUM_WORDS.get(quorum.rule_label, "法定人数"),
        "quorum_missing": max(quorum.required - quorum.present, 0),
    }


def _rate(meeting, counts=None):
    """到会率 once the meeting has begun (before it, 0% says nothing)."""
    return services.attendance_rate(meeting, counts) if meeting.state in HELD_STATES else None


def _item(pk) -> AgendaItem:
    return get_object_or_404(AgendaItem.objects.select_related("meeting__term"), pk=pk)


def _participant(pk) -> Participant:
    return get_object_or_404(Participant.objects.select_related("meeting__term", "person"), pk=pk)


# --- the list ----------------------------------------------------------------------


def index(request):
    """会议列表: filters, one page of meetings with attendance and checklist progress."""
    require(selectors.can_read(request.user), "请先登录")
    form = MeetingFilterForm(request.GET or None)
    filters = form.filters()
    page = paginate(request, selectors.meeting_list(request.user, filters), per_page=20)
    context = {
        "form": form,
        "page": page,
        "filtered": any(vars(filters).values()),
        "can_organise": services.is_organiser(request.user),
    }
    return render(request, "meetings/index.html", context)


# --- creating and editing ------------------------------------------------------------


def create(request):
    """新建会议: the number in the term is taken on saving; the room is booked and the checklist made."""
    _require_organiser(request.user)
    form = MeetingForm(request.POST or None)
    clashes = []
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, **form.service_data())
        except ClashWarning as warning:
            clashes = warning.clashes
            form.offer_confirmation()
        except (TransitionRefused, BookingRefused) as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已创建{meeting.name}，会务工作清单已生成；请添加议程、邀请参会人员")
            return redirect(_meeting_url(meeting))
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": None, "clashes": clashes})


def edit(request, pk):
    """Times, place, convener and subject, while the meeting is 筹备中 or 已发通知."""
    meeting = selectors.meeting_get(pk)
    _require_organiser(request.user)
    if meeting.state not in services.EDITABLE_STATES:
        messages.error(request, f"会议当前为“{meeting.get_state_display()}”，不能再修改")
        return redirect(_meeting_url(meeting))
    form = versioned(MeetingForm(request.POST or None, meeting=meeting), meeting)
    clashes = []
    if request.method == "POST" and form.is_valid():
        try:
            with unchanged(form, meeting):
                services.meeting_update(meeting=meeting, actor=request.user, **form.service_data())
        except ClashWarning as warning:
            clashes = warning.clashes
            form.offer_confirmation()
        except (TransitionRefused, BookingRefused) as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已保存{meeting.name}的修改")
            return redirect(_meeting_url(meeting))
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting, "clashes": clashes})


# --- the meeting page ------------------------------------------------------------------


def detail(request, pk):
    require(selectors.can_read(request.user), "请先登录")
    return _detail(request, selectors.meeting_page_get(pk))


def _detail(request, meeting, *, bound=None, error: str = ""):
    """The meeting page; `bound` holds a submitted form (with its errors) by key."""
    bound = bound or {}
    user = request.user
    now = timezone.now()
    today = timezone.localdate()
    organiser = services.is_organiser(user)
    editable = organiser and meeting.state in services.EDITABLE_STATES
    voting = organiser and meeting.state in VOTING_STATES
    quorum = _quorum_context(meeting)

    agenda = selectors.agenda_of(meeting)
    opinions = selectors.opinions_of(meeting)
    units = selectors.active_units() if editable or voting else []
    leaders = selectors.leader_users() if voting and any(row["item"] is None for row in opinions) else []
    by_item = defaultdict(list)
    for row in opinions:
        opinion = row["opinion"]
        if voting and row["item"] is None:
            key = f"assign-{opinion.pk}"
            row["assign_form"] = bound.get(key) or OpinionAssignForm(prefix=key, leaders=leaders)
        by_item[opinion.agenda_item_id].append(row)
    required_to_pass = selectors.vote_required(meeting, quorum["quorum"].members) if any(i.to_vote for i in agenda) else None
    for item in agenda:
        item.opinion_rows = by_item[item.pk]
        item.vote_result = getattr(item, "vote", None)
        if organiser and meeting.state != State.ARCHIVED:
            key = f"material-{item.pk}"
            item.material_form = bound.get(key) or MaterialForm(prefix=key)
        if voting and item.to_vote:
            key = f"vote-{item.pk}"
            item.vote_form = bound.get(key) or VoteForm(prefix=key, vote=item.vote_result)
        if voting:
            key = f"opinion-{item.pk}"
            item.opinion_form = bound.get(key) or OpinionForm(prefix=key, units=units)
        item.open_form = any(f"{kind}-{item.pk}" in bound for kind in ("material", "vote", "opinion"))

    phases = {code: {"code": code, "label": label, "tasks": []} for code, label in Phase.choices}
    done_count = 0
    for task in selectors.checklist_of(meeting):
        task.may_tick = meeting.state != State.ARCHIVED and services.can_tick(user, task)
        task.overdue = task.done_at is None and task.due_date < today
        done_count += task.done_at is not None
        phases[task.phase]["tasks"].append(task)
    checklist = [phase for phase in phases.values() if phase["tasks"]]

    documents = selectors.documents_of(meeting)
    document_rows = []
    refresh = False
    for code, label in MeetingDocument.DocKind.choices:
        document = documents.get(code)
        pending = document is not None and document.status == MeetingDocument.Status.PENDING
        fresh = pending and now - document.requested_at < REFRESH_WINDOW
        refresh = refresh or fresh
        # A request left pending for long (the worker was down) may be made again.
        document_rows.append({"code": code, "label": label, "document": document, "pending": pending, "busy": fresh})

    workflow_steps = [
        {"when": log.at, "who": user_label(log.actor) if log.actor else "系统", "what": log.action_label, "text": log.comment}
        for log in workflow_log_for(meeting)
    ]
    context = {
        "meeting": meeting,
        "today": today,
        "organiser": organiser,
        "editable": editable,
        "voting": voting,
        "error": error,
        "actions": [
            (transition, bound.get(transition.action) or TransitionForm(transition=transition))
            for transition in WORKFLOW.available(user, meeting)
        ],
        "notice_deadline": services.notice_deadline(meeting),
        "notice_late": services.notice_late(meeting),
        **quorum,
        "counts": (counts := selectors.participant_counts(meeting)),
        "rate": _rate(meeting, counts),
        "agenda": agenda,
        "agenda_form": (bound.get("agenda") or AgendaItemForm(units=units)) if editable else None,
        "required_to_pass": required_to_pass,
        "checklist": checklist,
        "tasks_done": done_count,
        "tasks_total": sum(len(phase["tasks"]) for phase in checklist),
        "lessons": selectors.lessons_for_meeting(meeting),
        "document_rows": document_rows,
        "refresh": refresh,
        "workflow_steps": workflow_steps,
        "history": history_for(meeting),
        "plan_approver": user_label(meeting.plan_approved_by) if meeting.plan_approved_by_id else "",
    }
    return render(request, "meetings/detail.html", context)


@require_POST
def transition(request, pk, action):
    """A workflow button: 审批会议方案, 发出会议通知, 宣布开会, 宣布闭会, 归档."""
    meeting = selectors.meeting_get(pk)
    step = WORKFLOW.transitions.get(action)
    if step is None:
        raise Http404("没有这个操作")
    require(services.is_organiser(request.user) or step.allowed(request.user, meeting), f"您没有权限{step.label}")
    form = TransitionForm(request.POST, transition=step)
    if form.is_valid():
        try:
            services.meeting_transition(meeting=meeting, action=action, actor=request.user, comment=form.cleaned_data.get("comment", ""))
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{meeting.name}：已{step.label}")
            return redirect(_meeting_url(meeting))
    return _detail(request, meeting, bound={action: form}, error=_first_error(form))


# --- agenda -------------------------------------------------------------------------------


@require_POST
def agenda_add(request, pk):
    meeting = selectors.meeting_get(pk)
    _require_organiser(request.user)
    form = AgendaItemForm(request.POST, units=selectors.active_units())
    if form.is_valid():
        try:
            item = services.agenda_add(meeting=meeting, actor=request.user, **form.service_data())
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已添加议题：{item.title}")
            return redirect(_meeting_url(meeting, "agenda"))
    return _detail(request, meeting, bound={"agenda": form}, error=_first_error(form))


def agenda_edit(request, pk):
    item = _item(pk)
    meeting = item.meeting
    _require_organiser(request.user)
    if meeting.state not in services.EDITABLE_STATES:
        messages.error(request, f"会议当前为“{meeting.get_state_display()}”，议程不能再修改")
        return redirect(_meeting_url(meeting, "agenda"))
    form = versioned(AgendaItemForm(request.POST or None, units=selectors.active_units(), item=item), item)
    if request.method == "POST" and form.is_valid():
        try:
            with unchanged(form, item):
                services.agenda_update(item=item, actor=request.user, **form.service_data())
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已保存议题：{form.cleaned_data['title']}")
            return redirect(_meeting_url(meeting, f"item-{item.pk}"))
    return render(request, "meetings/agenda_form.html", {"form": form, "item": item, "meeting": meeting})


@require_POST
def agenda_move(request, pk, direction):
    item = _item(pk)
    _require_organiser(request.user)
    offset = {"up": -1, "down": 1}.get(direction)
    if offset is None:
        raise Http404("没有这个操作")
    try:
        services.agenda_move(item=item, actor=request.user, offset=offset)
    except TransitionRefused as refused:
        messages.error(request, str(refused))
    return redirect(_meeting_url(item.meeting, f"item-{item.pk}"))


@require_POST
def agenda_remove(request, pk):
    item = _item(pk)
    _require_organiser(request.user)
    try:
        services.agenda_remove(item=item, actor=request.user)
    except TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"已删除议题：{item.title}")
    return redirect(_meeting_url(item.meeting, "agenda"))


@require_POST
def material_add(request, pk):
    item = _item(pk)
    _require_organiser(request.user)
    key = f"material-{item.pk}"
    form = MaterialForm(request.POST, request.FILES, prefix=key)
    if form.is_valid():
        try:
            material = services.material_add(item=item, actor=request.user, title=form.cleaned_data["title"], file=form.cleaned_data["file"])
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已上传材料：{material.title}")
            return redirect(_meeting_url(item.meeting, f"item-{item.pk}"))
    return _detail(request, selectors.meeting_get(item.meeting_id), bound={key: form}, error=_first_error(form))


def material_download(request, pk):
    """A meeting material, for every office login (the page lists them to all)."""
    require(selectors.can_read(request.user), "请先登录")
    material = get_object_or_404(Material, pk=pk)
    # Downloaded under its title (the cleaned original name unless one was typed).
    ext = os.path.splitext(material.file.name)[1].lower()
    filename = material.title if material.title.lower().endswith(ext) else material.title + ext
    return stored_file_response(material.file, filename)


@require_POST
def vote(request, pk):
    item = _item(pk)
    _require_organiser(request.user)
    key = f"vote-{item.pk}"
    form = VoteForm(request.POST, prefix=key)
    if form.is_valid():
        try:
            result = services.vote_record(item=item, actor=request.user, **form.cleaned_data)
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            outcome = "通过" if result.passed else "未通过"
            messages.success(request, f"已登记表决结果：{item.title}，赞成{result.yes}票，{outcome}")
            return redirect(_meeting_url(item.meeting, f"item-{item.pk}"))
    return _detail(request, selectors.meeting_get(item.meeting_id), bound={key: form}, error=_first_error(form))


@require_POST
def opinion_add(request, pk):
    item = _item(pk)
    _require_organiser(request.user)
    key = f"opinion-{item.pk}"
    form = OpinionForm(request.POST, prefix=key, units=selectors.active_units())
    if form.is_valid():
        try:
            services.opinion_add(item=item, actor=request.user, **form.cleaned_data)
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已登记审议意见（{item.title}）")
            return redirect(_meeting_url(item.meeting, f"item-{item.pk}"))
    return _detail(request, selectors.meeting_get(item.meeting_id), bound={key: form}, error=_first_error(form))


@require_POST
def opinion_assign(request, pk):
    opinion = get_object_or_404(ReviewOpinion.objects.select_related("agenda_item__meeting"), pk=pk)
    _require_organiser(request.user)
    key = f"assign-{opinion.pk}"
    form = OpinionAssignForm(request.POST, prefix=key, leaders=selectors.leader_users())
    meeting = opinion.agenda_item.meeting
    if form.is_valid():
        try:
            item = services.opinion_assign(opinion=opinion, actor=request.user, **form.cleaned_data)
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"审议意见已交办，督办编号 {item.number}")
            return redirect(_meeting_url(meeting, f"item-{opinion.agenda_item_id}"))
    return _detail(request, selectors.meeting_get(meeting.pk), bound={key: form}, error=_first_error(form))


# --- checklist and documents ------------------------------------------------------------------


@require_POST
def task_tick(request, pk, done):
    """Tick (done=1) or untick (done=0) a checklist task: the owner role, or the organisers."""
    task = get_object_or_404(ChecklistTask.objects.select_related("meeting"), pk=pk)
    require(services.can_tick(request.user, task), "这项工作不由您负责")
    try:
        if done:
            services.task_done(task=task, actor=request.user)
        else:
            services.task_undo(task=task, actor=request.user)
    except TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{'已完成' if done else '已改为未完成'}：{task.title}")
    return redirect(_meeting_url(task.meeting, "checklist"))


@require_POST
def document_request(request, pk, doc_kind):
    meeting = selectors.meeting_get(pk)
    if doc_kind not in MeetingDocument.DocKind.values:
        raise Http404("没有这种会议文书")
    _require_organiser(request.user)
    try:
        document = services.document_request(meeting=meeting, doc_kind=doc_kind, actor=request.user)
    except TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"正在生成{document.get_doc_kind_display()}，稍候即可下载")
    return redirect(_meeting_url(meeting, "documents"))


def document_download(request, pk):
    require(selectors.can_read(request.user), "请先登录")
    document = get_object_or_404(MeetingDocument.objects.select_related("meeting__term"), pk=pk)
    if document.status != MeetingDocument.Status.READY or not document.file:
        raise Http404("文书尚未生成")
    return stored_file_response(document.file, f"{document.meeting.name}{document.get_doc_kind_display()}.pdf")


# --- participants -----------------------------------------------------------------------------


def participants(request, pk):
    require(selectors.can_read(request.user), "请先登录")
    return _participants(request, selectors.meeting_get(pk))


def _participants(request, meeting, *, bound=None, error: str = "", clashes=(), clash_source: str = ""):
    bound = bound or {}
    organiser = services.is_organiser(request.user)
    editable = organiser and meeting.state in services.EDITABLE_STATES
    can_reply = organiser and meeting.state in (State.PLANNING, State.NOTICED, State.IN_SESSION)
    groups = {code: {"code": code, "label": label, "rows": []} for code, label in Role.choices}
    for participant in selectors.participants_of(meeting):
        if can_reply:
            key = f"reply-{participant.pk}"
            participant.reply_form = bound.get(key) or ReplyForm(prefix=key, participant=participant)
        if can_reply:
            participant.reply_url = request.build_absolute_uri(reverse("meetings:reply", args=[participant.token]))
        groups[participant.role]["rows"].append(participant)
    context = {
        "meeting": meeting,
        "organiser": organiser,
        "editable": editable,
        "can_reply": can_reply,
        "can_sign": organiser and meeting.state in SIGN_IN_STATES,
        "error": error,
        "clashes": clashes,
        "clash_source": clash_source,
        "groups": list(groups.values()),
        "counts": (counts := selectors.participant_counts(meeting)),
        "rate": _rate(meeting, counts),
        **_quorum_context(meeting),
    }
    if editable:
        search = PeopleSearchForm(request.GET or None)
        words = search.cleaned_data["find"] if search.is_valid() else ""
        candidates, more = selectors.invite_candidates(meeting, words)
        invite_form = bound.get("invite")
        if invite_form is None:
            invite_form = InviteForm(candidates=candidates)
        else:  # keep the ticked people on the list, with the search's
            chosen = list(invite_form.fields["people"].objects.values())
            invite_form.fields["people"].set_objects(chosen + [p for p in candidates if p not in chosen], person_label)
        context.update({
            "search_form": search,
            "candidates_more": more,
            "invite_form": invite_form,
            "body_label": Body(services.rule_of(meeting).body).label,
        })
    return render(request, "meetings/participants.html", context)


def _participants_url(meeting, anchor: str = "top") -> str:
    return f"{reverse('meetings:participants', args=[meeting.pk])}#{anchor}"


@require_POST
def invite_body(request, pk):
    meeting = selectors.meeting_get(pk)
    _require_organiser(request.user)
    try:
        new = services.invite_body(meeting=meeting, actor=request.user, confirm_clashes=bool(request.POST.get("confirm_clashes")))
    except ClashWarning as warning:
        return _participants(request, meeting, clashes=warning.clashes, clash_source="body")
    except TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        if new:
            messages.success(request, f"已邀请 {len(new)} 人出席")
        else:
            messages.info(request, "组成人员均已在名单中，没有新增")
    return redirect(_participants_url(meeting))


@require_POST
def invite(request, pk):
    meeting = selectors.meeting_get(pk)
    _require_organiser(request.user)
    # The choices are the people not yet invited, whatever search showed them.
    chosen = request.POST.getlist("invite-people")
    candidates, _ = selectors.invite_candidates(meeting, ids=chosen, limit=max(len(chosen), 1))
    form = InviteForm(request.POST, candidates=candidates)
    if form.is_valid():
        role = form.cleaned_data["role"]
        try:
            new = services.participants_invite(
                meeting=meeting, actor=request.user, people=form.cleaned_data["people"], role=role,
                confirm_clashes=form.confirmed(),
            )
        except ClashWarning as warning:
            form.offer_confirmation()
            return _participants(request, meeting, bound={"invite": form}, clashes=warning.clashes, clash_source="people")
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已邀请 {len(new)} 人（{Role(role).label}）")
            return redirect(_participants_url(meeting))
    return _participants(request, meeting, bound={"invite": form}, error=_first_error(form))


@require_POST
def participant_remove(request, pk):
    participant = _participant(pk)
    _require_organiser(request.user)
    try:
        services.participant_remove(participant=participant, actor=request.user)
    except TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"已将{participant.person.name}移出名单")
    return redirect(_participants_url(participant.meeting))


@require_POST
def reply_for(request, pk):
    """Staff records someone's reply (a phone call, a note)."""
    participant = _participant(pk)
    _require_organiser(request.user)
    key = f"reply-{participant.pk}"
    form = ReplyForm(request.POST, prefix=key)
    if form.is_valid():
        try:
            services.reply_record(participant=participant, actor=request.user, **form.cleaned_data)
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已登记{participant.person.name}：{Reply(form.cleaned_data['reply']).label}")
            return redirect(_participants_url(participant.meeting, f"p-{participant.pk}"))
    meeting = selectors.meeting_get(participant.meeting_id)
    return _participants(request, meeting, bound={key: form}, error=f"{participant.person.name}：{_first_error(form)}")


@login_not_required
def reply(request, token):
    """The invitee's own page: 参会 or 请假, by the link staff sent. Shows only their meeting."""
    participant = get_object_or_404(Participant.objects.select_related("meeting__term", "meeting__room", "person"), token=token)
    meeting = participant.meeting
    form = ReplyForm(request.POST or None, participant=participant)
    if request.method == "POST" and form.is_valid():
        try:
            services.reply_record(participant=participant, actor=None, **form.cleaned_data)
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            label = "参会" if form.cleaned_data["reply"] == Reply.ATTEND else "请假"
            messages.success(request, f"已收到您的回复：{label}。谢谢！")
            return redirect("meetings:reply", token=token)
    context = {
        "participant": participant,
        "meeting": meeting,
        "form": form,
        "open": meeting.state in (State.PLANNING, State.NOTICED, State.IN_SESSION),
    }
    response = render(request, "meetings/reply.html", context)
    response["Referrer-Policy"] = "no-referrer"  # the token must not leave in a Referer header
    response["Cache-Control"] = "private, no-store"
    return response


# --- sign-in at the door ----------------------------------------------------------------------


def sign_in_page(request, pk):
    """签到: search by name or number, one click each; counts and quorum on top."""
    require(selectors.can_read(request.user), "请先登录")
    meeting = selectors.meeting_get(pk)
    search = SignInSearchForm(request.GET or None)
    words = search.cleaned_data["q"].strip() if search.is_valid() else ""
    waiting = list(selectors.participants_of(meeting).filter(signed_in_at__isnull=True).exclude(role=Role.STAFF))
    context = {
        "meeting": meeting,
        "organiser": services.is_organiser(request.user),
        "open": meeting.state in SIGN_IN_STATES,
        "search_form": SignInSearchForm(initial={"q": words}) if words else SignInSearchForm(),
        "words": words,
        "results": list(selectors.participants_of(meeting, q=words)[:20]) if words else [],
        "waiting": waiting,
        "waiting_attend": sum(1 for p in waiting if p.role == Role.ATTEND),
        "waiting_nonvoting": sum(1 for p in waiting if p.role == Role.NONVOTING),
        "recent": selectors.recent_signed_in(meeting),
        "counts": (counts := selectors.participant_counts(meeting)),
        "rate": _rate(meeting, counts),
        **_quorum_context(meeting),
    }
    return render(request, "meetings/sign_in.html", context)


def _sign_in_url(meeting) -> str:
    return reverse("meetings:sign_in", args=[meeting.pk])


@require_POST
def sign_in(request, pk):
    participant = _participant(pk)
    require(services.is_organiser(request.user), "只有会务工作人员可以登记签到")
    try:
        done = services.sign_in(participant=participant, actor=request.user)
    except TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        when = timezone.localtime(done.signed_in_at)
        messages.success(request, f"{participant.person.name} 已签到（{when:%H:%M}）")
    return redirect(_sign_in_url(participant.meeting))


@require_POST
def sign_in_undo(request, pk):
    participant = _participant(pk)
    require(services.is_organiser(request.user), "只有会务工作人员可以更正签到")
    try:
        services.sign_in_undo(participant=participant, actor=request.user)
    except TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"已撤销{participant.person.name}的签到")
    back = request.POST.get("back")
    if back == "participants":
        return redirect(_participants_url(participant.meeting, f"p-{participant.pk}"))
    return redirect(_sign_in_url(participant.meeting))


# --- attendance across the term -----------------------------------------------------------------


def attendance(request):
    """到会率 of each member of a body over the current term's meetings already held."""
    require(selectors.can_read(request.user), "请先登录")
    form = AttendanceForm(request.GET or None)
    body = form.body_value()
    term = Term.current(timezone.localdate())
    rows, held = [], {}
    if term is not None:
        members = selectors.term_members(term, body)
        stats = selectors.term_attendance(term, [m.person_id for m in members])
        rows = [{"membership": m, "person": m.person, "stats": stats.get(m.person_id)} for m in members]
        held = selectors.term_meetings_held(term)
    invited = sum(row["stats"]["invited"] for row in rows if row["stats"])
    signed = sum(row["stats"]["signed"] for row in rows if row["stats"])
    context = {
        "form": form,
        "term": term,
        "body_label": Body(body).label,
        "rows": rows,
        "held": [(label, held.get(code, 0)) for code, label in Kind.choices if held.get(code)],
        "overall": round(100 * signed / invited, 1) if invited else None,
    }
    return render(request, "meetings/attendance.html", context)

"""Demo documents: a year of 收文 and 发文 in every step, a few secret ones."""

import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from documents import services
from documents.models import IncomingDocument
from office import calendar
from office.models import Unit

SENDERS = [("市人大常委会办公室", "市人常办"), ("区委办公室", "区委办"), ("区人民政府办公室", "区政办"), ("区发展和改革局", "区发改"),
           ("区财政局", "区财"), ("区人民法院", "区法"), ("区人民检察院", "区检"), ("区教育局", "区教"), ("区卫生健康局", "区卫健")]
TITLES = ["关于报送{year}年工作总结的通知", "关于开展优化营商环境条例执法检查的函", "关于{year}年预算执行情况的报告",
          "关于提请审议人事任免事项的请示", "关于加强农村饮水安全工作的意见", "关于召开全市人大工作座谈会的通知",
          "关于征求《条例（草案）》修改意见的函", "关于安全生产检查情况的通报", "关于代表建议办理情况的报告", "关于做好节日期间值班工作的通知"]
OUT_TITLES = ["关于召开区第十六届人大常委会第{n}次会议的通知", "关于报送代表建议办理情况的函", "关于开展专题调研的通知",
              "关于印发《常委会机关公文处理办法》的通知", "关于做好年终工作考核的通知"]


@transaction.atomic
def seed() -> str:
    User = get_user_model()
    staff = User.objects.filter(username="staff").first()
    if staff is None or IncomingDocument.objects.exists():
        return ""
    leader = User.objects.get(username="leader")
    liaison = User.objects.get(username="liaison")
    director = User.objects.get(username="director")
    units = {unit.short_name: unit for unit in Unit.objects.all()}
    rng = random.Random(2026)
    today = timezone.localdate()
    incoming = 0
    for index in range(90):
        received = calendar.shift_working_days(today, -rng.randint(0, 230)) if index >= 12 else calendar.shift_working_days(today, -rng.randint(0, 6))
        sender, code = rng.choice(SENDERS)
        secret = index % 23 == 5
        doc = services.incoming_register(
            actor=staff, from_unit=sender, from_number=f"{code}〔{received.year}〕{rng.randint(3, 160)}号",
            title=rng.choice(TITLES).format(year=received.year), doc_type=rng.choice(["notice", "letter", "report", "opinion", "request"]),
            secrecy="secret" if secret else "", secrecy_term="5年" if secret else "", urgency="urgent" if index % 9 == 0 else "",
            copies=rng.randint(1, 3), pages=rng.randint(1, 12), received_on=received,
            due_date=calendar.add_working_days(received, rng.choice([5, 10, 15])),
            body_text="请按要求认真组织落实，并于规定时间内报送有关情况。",
        )
        incoming += 1
        stage = index % 8 if index < 12 else rng.choice([7, 7, 7, 6, 5, 4])  # most of the year's are done
        if stage == 0:
            continue  # 已登记, waiting for 初审
        if stage == 1 and index % 2:
            services.incoming_review(doc=doc, actor=staff, accept=False, reason="非本机关办理事项，已退回来文单位")
            continue
        services.incoming_review(doc=doc, actor=staff, accept=True)
        if stage == 2:
            continue
        services.incoming_propose(doc=doc, actor=staff, proposal="拟请李慧敏副主任阅示。", leaders=[leader])
        if stage == 3:
            continue  # 待批办
        services.incoming_instruct(doc=doc, actor=leader, text="请财经工委牵头研究办理，按期报送办理结果。")
        lead = units["财经工委"] if index % 3 else units["法制工委"]
        services.incoming_assign(doc=doc, actor=staff, lead_unit=lead, co_units=[units["研究室"]] if index % 5 == 0 else [])
        services.circulation_add(doc=doc, actor=staff, readers=[director, leader])
        if stage == 4:
            continue  # 承办中
        services.circulation_read(doc=doc, actor=director)
        completer = liaison if lead.short_name == "财经工委" else staff
        services.incoming_complete(doc=doc, actor=completer, result="已按要求办理完毕，并书面报送。")
        if stage == 5:
            continue
        services.circulation_read(doc=doc, actor=leader)
        services.incoming_archive(doc=doc, actor=staff)

    outgoing = 0
    steps = ["check", "submit", "sign", "number", "seal", "print", "distribute", "archive"]
    for index in range(30):
        doc = services.outgoing_draft(
            actor=staff, doc_type="notice" if index % 3 else "letter", title=rng.choice(OUT_TITLES).format(n=["十八", "十九", "二十"][index % 3]),
            main_to="各位常委会组成人员" if index % 3 == 0 else "各工作委员会、办公室各科室", copy_to="区委办公室，区人民政府办公室。",
            body="根据工作安排，现将有关事项通知如下：\n一、请各单位高度重视，认真组织实施。\n二、请于规定时间内报送有关材料。\n特此通知。",
            attachment_note="有关材料清单" if index % 4 == 0 else "", issuer="清河区人大常委会办公室", signature="清河区人大常委会办公室",
            prefix="清人常办发" if index % 3 else "清人常办函", secrecy="secret" if index == 7 else "", secrecy_term="10年" if index == 7 else "",
        )
        outgoing += 1
        last = len(steps) if index >= 8 else index  # the first few stop along the way
        for step in steps[:last]:
            if step == "check":
                services.outgoing_check(doc=doc, actor=staff)
            elif step == "sign":
                services.outgoing_transition(doc=doc, action="sign", actor=leader)
            elif step == "distribute":
                rows = services.distribution_add(doc=doc, actor=staff, recipients=[("各工作委员会", 8), ("区委办公室", 1)])
                for row in rows:
                    services.distribution_deliver(distribution=row, actor=staff, receiver_name="王收发")
                services.outgoing_transition(doc=doc, action="distribute", actor=staff)
            else:
                services.outgoing_transition(doc=doc, action=step, actor=staff)
    return f"{incoming} 件收文，{outgoing} 件发文"

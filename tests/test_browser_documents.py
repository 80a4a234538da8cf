"""办文 in a real browser: a 收文 from 签收 to 归档, then a 发文 from 拟稿 to its number and print."""

import pytest
from django.utils import timezone

from documents.models import IncomingDocument, InState, OutgoingDocument, OutState
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page):
    page.click("text=退出")


def flash(page) -> str:
    return page.locator(".flash").inner_text()


def test_incoming_then_outgoing(office, live_server, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    url = live_server.url

    # Staff registers the incoming document with its scan ...
    login(page, live_server, "staff")
    page.goto(f"{url}/documents/")
    page.click("main >> text=签收登记")
    page.fill("#id_from_unit", "区人民政府办公室")
    page.fill("#id_from_number", "区政办〔2026〕21号")
    page.fill("#id_title", "关于提请审议区级预算调整方案的议案")
    page.select_option("#id_doc_type", label="议案")
    page.select_option("#id_urgency", label="加急")
    page.fill("#id_body_text", "提请区人大常委会审议预算调整方案。")
    page.set_input_files("#id_files", files=[{"name": "来文扫描件.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 scan"}])
    page.click("main form button[type=submit]")
    assert "已登记收文" in flash(page)
    doc = IncomingDocument.objects.get()
    assert page.locator("h1").inner_text().startswith(doc.number)
    assert "来文扫描件.pdf" in page.locator("#files").inner_text()

    # ... reviews it and proposes it to the leader.
    review = page.locator("#act-review")
    review.locator("input[type=checkbox]").check()
    review.locator("button[type=submit]").click()
    assert "已初审通过" in flash(page)
    propose = page.locator("#act-propose")
    propose.locator("textarea").fill("拟请李副主任阅示，交财经工委办理。")
    page.select_option("#id_propose-leader_1", label=office.leader.person.name)
    propose.locator("button[type=submit]").click()
    doc.refresh_from_db()
    assert doc.state == InState.PROPOSED
    logout(page)

    # The leader finds it waiting and writes the 批示.
    login(page, live_server, "leader")
    page.goto(f"{url}/documents/")
    assert page.locator("[data-testid=waiting-to_instruct] strong").inner_text() == "1"
    page.click("[data-testid=waiting-to_instruct]")
    page.click(f"#to_instruct >> text={doc.title}")
    page.locator("#act-instruct textarea").fill("同意，请财经工委牵头办理。")
    page.click("#act-instruct button[type=submit]")
    assert "已批示" in flash(page)
    assert "同意，请财经工委牵头办理。" in page.locator("#instructions").inner_text()
    logout(page)

    # Staff assigns it to 财经工委.
    login(page, live_server, "staff")
    page.goto(f"{url}{doc.get_absolute_url()}")
    page.select_option("#id_assign-lead_unit", label="财政经济工作委员会")
    page.click("#act-assign button[type=submit]")
    assert "主办单位：财政经济工作委员会" in flash(page)
    logout(page)

    # The liaison of 财经工委 completes it.
    login(page, live_server, "liaison")
    page.goto(f"{url}{doc.get_absolute_url()}")
    page.locator("#act-complete textarea").fill("已会同区财政局研究，形成审议意见。")
    page.click("#act-complete button[type=submit]")
    doc.refresh_from_db()
    assert doc.state == InState.DONE
    logout(page)

    # Staff archives it; the page is read-only and shows the whole route.
    login(page, live_server, "staff")
    page.goto(f"{url}{doc.get_absolute_url()}")
    archive = page.locator("#act-archive")
    archive.locator("input[type=checkbox]").check()
    archive.locator("button[type=submit]").click()
    doc.refresh_from_db()
    assert doc.state == InState.ARCHIVED
    assert page.locator("text=修改登记").count() == 0
    route = page.locator("#timeline").inner_text()
    for step in ("签收登记", "初审通过", "拟办", "批示", "交承办", "办结", "归档"):
        assert step in route

    # Staff drafts an outgoing document, checks it and sends it for signature.
    page.goto(f"{url}/documents/outgoing/")
    page.click("main >> text=拟稿")
    assert page.locator("#id_prefix").input_value() == "清人常办发"
    page.fill("#id_title", "关于召开区十六届人大常委会第二十次会议的通知")
    page.fill("#id_main_to", "各工作委员会、研究室")
    page.fill("#id_body", "经主任会议研究，定于下周召开常委会会议。\n请各单位做好准备。")
    page.click("main form button[type=submit]")
    out = OutgoingDocument.objects.get()
    for action in ("check", "submit"):
        form = page.locator(f"#act-{action}")
        form.locator("input[type=checkbox]").check()
        form.locator("button[type=submit]").click()
    out.refresh_from_db()
    assert out.state == OutState.AWAITING_SIGNATURE
    logout(page)

    # The leader signs.
    login(page, live_server, "leader")
    page.goto(f"{url}{out.get_absolute_url()}")
    sign = page.locator("#act-sign")
    sign.locator("input[type=checkbox]").check()
    sign.locator("button[type=submit]").click()
    out.refresh_from_db()
    assert out.state == OutState.SIGNED
    logout(page)

    # Staff numbers it and opens the printed PDF.
    login(page, live_server, "staff")
    page.goto(f"{url}{out.get_absolute_url()}")
    number = page.locator("#act-number")
    number.locator("input[type=checkbox]").check()
    number.locator("button[type=submit]").click()
    expected = f"清人常办发〔{timezone.localdate().year}〕1号"
    assert page.locator("[data-testid=doc-number]").inner_text() == expected
    assert expected in page.locator("[data-testid=doc-preview]").inner_text()

    pytest.importorskip("documents.gbt9704")
    href = page.locator("[data-testid=print-link]").get_attribute("href")
    response = page.request.get(f"{url}{href}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

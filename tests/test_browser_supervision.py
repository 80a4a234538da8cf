"""督办 in a real browser: staff registers and assigns, the liaison reports, the director closes."""

import pytest

from office.models import Message
from supervision.models import State, SupervisionItem
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page):
    page.click("text=退出")


def test_register_report_and_close(office, live_server, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the 交办通知单 task runs in the request
    from office.celery import app

    app.conf.task_always_eager = True
    try:
        run_the_path(office, live_server, page)
    finally:
        app.conf.task_always_eager = False


def run_the_path(office, live_server, page):
    # Staff registers the item.
    login(page, live_server, "staff")
    page.goto(f"{live_server.url}/supervision/")
    page.click("text=登记督办事项")
    page.fill("#id_title", "关于加快城区停车场建设的审议意见")
    page.fill("#id_requirements", "请财经工委牵头研究，十个工作日内报送办理情况。")
    page.select_option("#id_source", "meeting")
    page.select_option("#id_urgency", "normal")
    page.select_option("#id_lead_unit", label="财政经济工作委员会")
    page.select_option("#id_leader", label=office.leader.person.name)
    page.click("main form button[type=submit]")
    assert "已登记督办事项" in page.locator(".flash").inner_text()
    item = SupervisionItem.objects.get(title="关于加快城区停车场建设的审议意见")
    assert page.locator("h1").inner_text().startswith(item.number)

    # ... and assigns it: the deadline follows the 3715 rule, the liaison is told with the PDF.
    assign = page.locator("#act-assign")
    assign.locator("input[type=checkbox]").check()
    assign.locator("button[type=submit]").click()
    item.refresh_from_db()
    assert item.state == State.ASSIGNED and item.deadline is not None
    notice = Message.objects.get(recipient=office.liaison_a, event_key__startswith=f"supervision:{item.pk}:assigned")
    assert notice.attachments and notice.attachments[0].endswith("交办通知单.pdf")
    logout(page)

    # The liaison sees it in the inbox, reports progress, then completion.
    login(page, live_server, "liaison")
    assert page.locator("[data-testid=unread-count]").inner_text() == "1"
    page.goto(f"{live_server.url}/supervision/{item.pk}/")
    page.fill("#progress textarea", "已召开协调会，正在选址。")
    page.click("#progress button[type=submit]")
    assert "已召开协调会" in page.locator("#reports").inner_text()
    report = page.locator("#act-report")
    report.locator("textarea").fill("新建停车场两处，已投入使用。")
    report.locator("input[type=checkbox]").check()
    report.locator("button[type=submit]").click()
    item.refresh_from_db()
    assert item.state == State.REPORTED
    logout(page)

    # The director reviews and closes it.
    login(page, live_server, "director")
    page.goto(f"{live_server.url}/supervision/{item.pk}/")
    close = page.locator("#act-close")
    close.locator("button[type=submit]").click()  # without the tick the browser will not send it
    assert close.locator("input[type=checkbox]").evaluate("box => box.validity.valueMissing")
    item.refresh_from_db()
    assert item.state == State.REPORTED
    close.locator("input[type=checkbox]").check()
    close.locator("button[type=submit]").click()
    item.refresh_from_db()
    assert item.state == State.CLOSED
    timeline = page.locator("#timeline").inner_text()
    for step in ("挂号登记", "交办", "进展反馈", "报结", "销号"):
        assert step in timeline

"""A person in a real browser: log in, see the Chinese workbench and navigation, log out."""

import pytest

from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_director_logs_in_sees_dashboard_and_logs_out(office, live_server, page):
    page.goto(live_server.url + "/")
    assert "/accounts/login/" in page.url  # sent to log in first

    login(page, live_server, "director")
    assert page.locator("h1").inner_text() == "工作台"
    nav = page.locator("nav.mainnav a").all_inner_texts()
    assert nav == ["工作台", "待我审批", "主任看板", "领导日程", "办会", "办文", "督办", "办事", "作风", "人员"]
    assert "孙主任" in page.locator(".userbox").inner_text()

    page.click("nav.mainnav >> text=督办")
    assert page.locator("h1").inner_text() == "督办台账"

    page.click("text=退出")
    assert "/accounts/login/" in page.url
    page.goto(live_server.url + "/")
    assert "/accounts/login/" in page.url


def test_wrong_password_shows_chinese_error(office, live_server, page):
    login(page, live_server, "director", password="wrong-password")
    assert "请输入一个正确的用户名和密码" in page.locator(".form-errors").inner_text()

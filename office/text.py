"""Dates written the Chinese way, without padding zeros (2026年12月1日)."""

import datetime


def chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def month_day(day: datetime.date) -> str:
    return f"{day.month}月{day.day}日"

"""Importing people from the office's CSV / Excel lists: all rows or none."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from office.models import Body, Membership, Person
from office.people_import import ImportFileError, people_import
from tests.factories import PersonFactory, TermFactory, UnitFactory

HEADER = ["姓名", "性别", "单位", "职务", "电话", "邮箱", "编号", "排序号", "届次", "机构", "身份", "任职起"]
GOOD_ROWS = [
    ["张建国", "男", "财经工委", "主任委员", "13800000001", "zjg@example.cn", "D001", "5", "16", "常委会组成人员", "委员", "2022-01-06"],
    ["李秀英", "女", "法制工作委员会", "副主任", "13800000002", "", "D002", "6", "第16届", "人大代表", "代表", ""],
    ["王志强", "", "", "", "", "", "D003", "", "", "", "", ""],
]


def csv_bytes(rows, header=HEADER, encoding="utf-8"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def setup(db):
    term = TermFactory(number=16, start_date=datetime.date(2022, 1, 6))
    unit_a = UnitFactory(name="财政经济工作委员会", short_name="财经工委")
    unit_b = UnitFactory(name="法制工作委员会", short_name="法制工委")
    return term, unit_a, unit_b


def counts():
    return Person.objects.count(), Membership.objects.count()


# --- good files ---------------------------------------------------------------


def test_good_csv_creates_people_and_memberships(setup):
    term, unit_a, unit_b = setup
    report = people_import(filename="名单.csv", content=csv_bytes(GOOD_ROWS))
    assert report.ok and report.saved
    assert [(row.line, row.name, row.action) for row in report.rows] == [
        (2, "张建国", "新增"),
        (3, "李秀英", "新增"),
        (4, "王志强", "新增"),
    ]
    assert report.count("新增") == 3
    zhang = Person.objects.get(id_code="D001")
    assert (zhang.name, zhang.gender, zhang.unit, zhang.post, zhang.phone, zhang.email, zhang.protocol_rank) == (
        "张建国", Person.Gender.MALE, unit_a, "主任委员", "13800000001", "zjg@example.cn", 5,
    )
    li = Person.objects.get(id_code="D002")
    assert li.unit == unit_b and li.gender == Person.Gender.FEMALE  # full unit name works too
    wang = Person.objects.get(id_code="D003")
    assert wang.unit is None and wang.protocol_rank == 1000 and not wang.memberships.exists()

    m = zhang.memberships.get()
    assert (m.term, m.body, m.title, m.start_date) == (term, Body.STANDING_COMMITTEE, "委员", datetime.date(2022, 1, 6))
    m = li.memberships.get()
    # 第16届 is read as 16; a missing 任职起 takes the term's start.
    assert (m.term, m.body, m.title, m.start_date) == (term, Body.CONGRESS, "代表", term.start_date)


def test_good_xlsx_with_typed_cells(setup):
    term, unit_a, _ = setup
    rows = [
        # Excel gives numbers and dates, not text.
        ["赵敏", "女", "财经工委", "委员", 13800000009, None, 1001, 7, 16, "常委会", "委员", datetime.datetime(2023, 3, 1)],
        ["钱伟", "男", None, None, None, None, "D010", 8.0, None, None, None, None],
    ]
    report = people_import(filename="名单.XLSX", content=xlsx_bytes(rows))
    assert report.saved, [row.errors for row in report.rows]
    zhao = Person.objects.get(name="赵敏")
    assert (zhao.id_code, zhao.phone, zhao.protocol_rank, zhao.unit) == ("1001", "13800000009", 7, unit_a)
    assert zhao.memberships.get().start_date == datetime.date(2023, 3, 1)
    assert Person.objects.get(name="钱伟").protocol_rank == 8


def test_importing_same_file_twice_does_not_duplicate(setup):
    content = csv_bytes(GOOD_ROWS)
    people_import(filename="名单.csv", content=content)
    before = counts()
    assert before == (3, 2)
    report = people_import(filename="名单.csv", content=content)
    assert report.saved
    assert [row.action for row in report.rows] == ["更新", "更新", "更新"]
    assert counts() == before


def test_row_with_known_code_updates_that_person(setup):
    _, unit_a, _ = setup
    existing = PersonFactory(name="张建国", id_code="D001", post="委员", unit=unit_a, protocol_rank=50)
    rows = [["张建国", "男", "财经工委", "副主任委员", "13800000001", "", "D001", "4", "", "", "", ""]]
    report = people_import(filename="a.csv", content=csv_bytes(rows))
    assert [row.action for row in report.rows] == ["更新"]
    existing.refresh_from_db()
    assert (existing.post, existing.protocol_rank) == ("副主任委员", 4)
    assert Person.objects.filter(id_code="D001").count() == 1


def test_gb18030_csv_is_read(setup):
    content = csv_bytes(GOOD_ROWS, encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")  # really not UTF-8
    report = people_import(filename="名单.csv", content=content)
    assert report.saved
    assert set(Person.objects.values_list("name", flat=True)) == {"张建国", "李秀英", "王志强"}


def test_utf8_bom_csv_is_read(setup):
    report = people_import(filename="名单.csv", content=csv_bytes(GOOD_ROWS, encoding="utf-8-sig"))
    assert report.saved and counts() == (3, 2)


def test_blank_rows_are_skipped_but_line_numbers_kept(setup):
    rows = [GOOD_ROWS[0], [""] * len(HEADER), GOOD_ROWS[1]]
    report = people_import(filename="a.csv", content=csv_bytes(rows))
    assert [row.line for row in report.rows] == [2, 4]
    assert report.saved and Person.objects.count() == 2


def test_dry_run_saves_nothing(setup):
    before = counts()
    report = people_import(filename="名单.csv", content=csv_bytes(GOOD_ROWS), dry_run=True)
    assert report.ok and not report.saved
    assert [row.action for row in report.rows] == ["新增", "新增", "新增"]
    assert counts() == before


# --- bad rows: all or nothing ---------------------------------------------------


def test_bad_rows_are_each_reported_and_nothing_is_saved(setup):
    PersonFactory(name="已有人员", id_code="X999")
    before = counts()
    rows = [
        GOOD_ROWS[0],  # line 2, good
        ["甲", "", "不存在的委员会", "", "", "", "", "", "", "", "", ""],  # line 3
        ["乙", "未知", "", "", "", "", "", "", "", "", "", ""],  # line 4
        ["丙", "", "", "", "", "", "", "第一", "", "", "", ""],  # line 5
        ["丁", "", "", "", "", "", "D001", "", "", "", "", ""],  # line 6: 编号 repeats line 2
        ["戊", "", "", "", "", "", "", "", "16", "常委会", "", "2022-02-30"],  # line 7
        ["己", "", "", "", "", "", "", "", "17", "常委会", "", ""],  # line 8
        GOOD_ROWS[1],  # line 9, good
    ]
    report = people_import(filename="名单.csv", content=csv_bytes(rows))
    assert not report.ok and not report.saved
    errors = {row.line: row.errors for row in report.error_rows}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8]
    assert errors[3] == ["单位“不存在的委员会”不存在，请先在单位表中添加"]
    assert errors[4] == ["性别“未知”应为“男”或“女”"]
    assert errors[5] == ["排序号“第一”应为不小于0的整数"]
    assert errors[6] == ["编号“D001”与第2行重复"]
    assert errors[7] == ["任职起“2022-02-30”不是日期，应写作 2026-01-15"]
    assert errors[8] == ["届次“17”不存在"]
    assert counts() == before  # not even the good rows


def test_xlsx_bad_row_saves_nothing(setup):
    before = counts()
    rows = [["赵敏", "女", "财经工委", "", "", "", "", -3, "", "", "", ""], ["钱伟", "", "", "", "", "", "", "", "", "", "", ""]]
    report = people_import(filename="名单.xlsx", content=xlsx_bytes(rows))
    assert [(row.line, row.errors) for row in report.error_rows] == [(2, ["排序号“-3”应为不小于0的整数"])]
    assert not report.saved and counts() == before


def test_other_row_checks(setup):
    rows = [
        ["", "", "", "", "", "", "C1", "", "", "", "", ""],  # no name
        ["名" * 51, "", "", "", "", "", "", "", "", "", "", ""],
        ["庚", "", "", "", "", "bad-mail", "", "", "", "", "", ""],
        ["辛", "", "", "", "", "", "", "", "十六", "常委会", "", ""],
        ["壬", "", "", "", "", "", "", "", "16", "政协", "", ""],
    ]
    report = people_import(filename="a.csv", content=csv_bytes(rows))
    errors = {row.line: row.errors for row in report.error_rows}
    assert errors[2] == ["姓名不能为空"]
    assert errors[3] == ["姓名超过50个字"]
    assert errors[4] == ["邮箱“bad-mail”格式不对"]
    assert errors[5] == ["届次“十六”应为数字，如 16"]
    assert errors[6] == ["机构“政协”应为：常委会组成人员、人大代表或主任会议"]
    assert Person.objects.count() == 0


# --- files that cannot be read at all -------------------------------------------


def test_unknown_column_is_refused(setup):
    content = csv_bytes([["张三", "浙江"]], header=["姓名", "籍贯"])
    with pytest.raises(ImportFileError) as caught:
        people_import(filename="a.csv", content=content)
    assert "无法识别的列：籍贯" in str(caught.value)
    assert Person.objects.count() == 0


def test_missing_name_column_is_refused(setup):
    with pytest.raises(ImportFileError, match="缺少列：姓名"):
        people_import(filename="a.csv", content=csv_bytes([["男"]], header=["性别"]))


@pytest.mark.parametrize("filename", ["名单.xls", "名单.txt", "名单"])
def test_other_file_types_are_refused(setup, filename):
    with pytest.raises(ImportFileError, match="只支持 .xlsx 或 .csv 文件"):
        people_import(filename=filename, content=csv_bytes(GOOD_ROWS))
    assert Person.objects.count() == 0


def test_empty_and_broken_files_are_refused(setup):
    with pytest.raises(ImportFileError, match="文件是空的"):
        people_import(filename="a.csv", content=b"")
    with pytest.raises(ImportFileError, match="无法读取该 Excel 文件"):
        people_import(filename="a.xlsx", content=b"not a zip file")


def test_slash_date_without_padding_is_accepted(setup):
    rows = [["张建国", "", "", "", "", "", "", "", "16", "常委会", "", "2022/1/6"]]
    report = people_import(filename="a.csv", content=csv_bytes(rows))
    assert report.saved


def test_update_keeps_fields_whose_column_is_absent(setup):
    _, unit_a, _ = setup
    existing = PersonFactory(name="张建国", id_code="D001", phone="13800000001", unit=unit_a, protocol_rank=5)
    # A short list: only name, code and post.
    content = csv_bytes([["张建国", "D001", "副主任"]], header=["姓名", "编号", "职务"])
    report = people_import(filename="a.csv", content=content)
    assert report.saved and report.rows[0].action == "更新"
    existing.refresh_from_db()
    assert (existing.phone, existing.unit, existing.protocol_rank) == ("13800000001", unit_a, 5)


# --- the upload page -------------------------------------------------------------

URL = reverse("office:people_import")


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def import_setup(office):
    TermFactory(number=16, start_date=datetime.date(2022, 1, 6))
    return office


def test_staff_uploads_and_sees_row_report(import_setup):
    client = import_setup.client_for(import_setup.staff)
    before = Person.objects.count()
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"file": upload("名单.csv", csv_bytes(GOOD_ROWS))})
    assert response.status_code == 200
    html = response.content.decode()
    assert "导入完成：新增 3 人，更新 0 人" in html
    for line, name in ((2, "张建国"), (3, "李秀英"), (4, "王志强")):
        assert f"<td>第{line}行</td><td>{name}</td>" in html
    assert Person.objects.count() == before + 3


def test_staff_dry_run_upload_saves_nothing(import_setup):
    client = import_setup.client_for(import_setup.staff)
    before = Person.objects.count()
    response = client.post(URL, {"file": upload("名单.xlsx", xlsx_bytes(GOOD_ROWS)), "dry_run": "on"})
    html = response.content.decode()
    assert "检查通过：3 行均无误（仅检查，未导入）" in html
    assert "新增（未保存）" in html
    assert Person.objects.count() == before


def test_liaison_may_not_import(import_setup):
    client = import_setup.client_for(import_setup.liaison_a)
    before = Person.objects.count()
    assert client.get(URL).status_code == 403
    response = client.post(URL, {"file": upload("名单.csv", csv_bytes(GOOD_ROWS))})
    assert response.status_code == 403
    assert Person.objects.count() == before


def test_bad_row_upload_shows_errors_and_saves_nothing(import_setup):
    client = import_setup.client_for(import_setup.staff)
    before = counts()
    rows = [GOOD_ROWS[0], ["乙", "未知", "", "", "", "", "", "", "", "", "", ""]]
    response = client.post(URL, {"file": upload("名单.csv", csv_bytes(rows))})
    html = response.content.decode()
    assert "有 1 行有误，本次没有导入任何数据，请修改后重新上传" in html
    assert "<td>第3行</td><td>乙</td>" in html
    assert "性别“未知”应为“男”或“女”" in html
    assert counts() == before


def test_unreadable_upload_shows_chinese_error(import_setup):
    client = import_setup.client_for(import_setup.director)
    before = Person.objects.count()
    response = client.post(URL, {"file": upload("名单.csv", csv_bytes([["张三", "浙江"]], header=["姓名", "籍贯"]))})
    assert response.status_code == 200
    assert "无法识别的列：籍贯" in response.content.decode()
    response = client.post(URL, {"file": upload("名单.txt", b"whatever")})
    assert "“名单.txt”的格式不能上传，只能上传 Excel（.xlsx）或 CSV 文件" in response.content.decode()
    assert Person.objects.count() == before


def test_downloaded_template_imports_as_is(import_setup, office):
    response = office.client_for(office.staff).get(reverse("office:people_import_template"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith("\ufeff".encode())  # Excel needs the BOM to read UTF-8
    report = people_import(filename="模板.csv", content=content)
    assert report.saved, [row.errors for row in report.rows]
    person = Person.objects.get(id_code="W99")
    assert person.unit.short_name == "财经工委"
    assert person.memberships.get().body == Body.STANDING_COMMITTEE

"""Import people from the office's Excel or CSV lists.

Every row is checked first; if any row is wrong nothing is saved and the report
names each wrong row. A row whose 编号 matches a person already on record updates
that person, so importing the same file twice does not duplicate anyone.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.db import transaction

from office.models import Body, Membership, Person, Term, Unit

# Column headers as the office writes them → field name.
COLUMNS = {
    "姓名": "name",
    "性别": "gender",
    "单位": "unit",
    "职务": "post",
    "电话": "phone",
    "邮箱": "email",
    "编号": "id_code",
    "排序号": "protocol_rank",
    "届次": "term",
    "机构": "body",
    "身份": "title",
    "任职起": "start_date",
}
REQUIRED = ["姓名"]
MAX_ROWS = 5000

_GENDERS = {"男": Person.Gender.MALE, "女": Person.Gender.FEMALE, "": ""}
_BODIES = {
    "常委会组成人员": Body.STANDING_COMMITTEE,
    "常委会": Body.STANDING_COMMITTEE,
    "人大代表": Body.CONGRESS,
    "代表": Body.CONGRESS,
    "人民代表大会": Body.CONGRESS,
    "主任会议": Body.COUNCIL,
    "主任会议组成人员": Body.COUNCIL,
}


class ImportFileError(Exception):
    """The file as a whole cannot be read."""


@dataclass
class RowResult:
    line: int
    name: str
    errors: list[str] = field(default_factory=list)
    action: str = ""  # 新增 / 更新


@dataclass
class ImportReport:
    rows: list[RowResult]
    saved: bool = False

    @property
    def error_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.error_rows

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


def read_table(filename: str, content: bytes) -> list[dict[str, str]]:
    """Rows of the first sheet (XLSX) or of the CSV file, as header → text."""
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        records = _read_xlsx(content)
    elif lower.endswith(".csv"):
        records = _read_csv(content)
    else:
        raise ImportFileError("只支持 .xlsx 或 .csv 文件")
    if not records:
        raise ImportFileError("文件是空的")
    header = [str(cell or "").strip() for cell in records[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportFileError(f"第1行应是表头，缺少列：{'、'.join(missing)}")
    unknown = [name for name in header if name and name not in COLUMNS]
    if unknown:
        raise ImportFileError(f"无法识别的列：{'、'.join(unknown)}（可用的列：{'、'.join(COLUMNS)}）")
    rows = []
    for values in records[1:]:
        cells = [_cell_text(value) for value in values]
        if not any(cells):
            rows.append(None)  # keep line numbers right; blank rows are skipped
            continue
        rows.append({name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header) if name})
    if len(rows) > MAX_ROWS:
        raise ImportFileError(f"一次最多导入 {MAX_ROWS} 行")
    return rows


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise ImportFileError("无法读取该 Excel 文件，请确认是 .xlsx 格式") from None
    sheet = workbook.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _read_csv(content: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError("无法识别文件编码，请另存为 UTF-8 编码的 CSV")
    return list(csv.reader(io.StringIO(text)))


def people_import(*, filename: str, content: bytes, dry_run: bool = False) -> ImportReport:
    """Check every row, then save all of them in one transaction — or none."""
    rows = read_table(filename, content)
    units = {}
    for unit in Unit.objects.all():
        units[unit.name] = unit
        if unit.short_name:
            units.setdefault(unit.short_name, unit)
    terms = {term.number: term for term in Term.objects.all()}
    codes_in_file: dict[str, int] = {}
    existing_by_code = {
        person.id_code: person for person in Person.objects.exclude(id_code="").filter(
            id_code__in=[row.get("编号", "") for row in rows if row and row.get("编号")]
        )
    }

    results, planned = [], []
    for index, row in enumerate(rows, start=2):
        if row is None:
            continue
        result = RowResult(line=index, name=row.get("姓名", ""))
        results.append(result)
        data, membership = _check_row(row, result, units, terms, codes_in_file)
        if result.errors:
            continue
        person = existing_by_code.get(data.get("id_code", "")) if data.get("id_code") else None
        result.action = "更新" if person else "新增"
        planned.append((person, data, membership))

    report = ImportReport(rows=results)
    if not report.ok or dry_run:
        return report
    with transaction.atomic():
        for person, data, membership in planned:
            if person is None:
                person = Person.objects.create(**data)
            else:
                for name, value in data.items():
                    setattr(person, name, value)
                person.save()
            if membership:
                Membership.objects.update_or_create(
                    person=person, term=membership.pop("term"), body=membership.pop("body"), defaults=membership
                )
    report.saved = True
    return report


def _check_row(row, result, units, terms, codes_in_file):
    errors = result.errors
    name = row.get("姓名", "")
    if not name:
        errors.append("姓名不能为空")
    elif len(name) > 50:
        errors.append("姓名超过50个字")
    gender = row.get("性别", "")
    if gender not in _GENDERS:
        errors.append(f"性别“{gender}”应为“男”或“女”")
    unit = None
    if row.get("单位"):
        unit = units.get(row["单位"])
        if unit is None:
            errors.append(f"单位“{row['单位']}”不存在，请先在单位表中添加")
    rank = 1000
    if row.get("排序号"):
        try:
            rank = int(row["排序号"])
            if rank < 0:
                raise ValueError
        except ValueError:
            errors.append(f"排序号“{row['排序号']}”应为不小于0的整数")
    code = row.get("编号", "")
    if code:
        if code in codes_in_file:
            errors.append(f"编号“{code}”与第{codes_in_file[code]}行重复")
        else:
            codes_in_file[code] = result.line
    email = row.get("邮箱", "")
    if email and ("@" not in email or " " in email):
        errors.append(f"邮箱“{email}”格式不对")
    for column, limit in (("职务", 100), ("电话", 30), ("编号", 30)):
        if len(row.get(column, "")) > limit:
            errors.append(f"{column}超过{limit}个字")

    membership = None
    if any(row.get(column) for column in ("届次", "机构", "任职起")):
        term = body = start = None
        term_text = row.get("届次", "").removeprefix("第").removesuffix("届")
        try:
            term = terms.get(int(term_text))
            if term is None:
                errors.append(f"届次“{row.get('届次')}”不存在")
        except ValueError:
            errors.append(f"届次“{row.get('届次', '')}”应为数字，如 16")
        body = _BODIES.get(row.get("机构", ""))
        if body is None:
            errors.append(f"机构“{row.get('机构', '')}”应为：常委会组成人员、人大代表或主任会议")
        start_text = row.get("任职起", "")
        if start_text:
            start = parse_date(start_text)
            if start is None:
                errors.append(f"任职起“{start_text}”不是日期，应写作 2026-01-15")
        elif term is not None:
            start = term.start_date
        if term and body and start:
            membership = {"term": term, "body": body, "title": row.get("身份", "")[:50], "start_date": start}

    values = {
        "姓名": name,
        "性别": _GENDERS.get(gender, ""),
        "单位": unit,
        "职务": row.get("职务", ""),
        "电话": row.get("电话", ""),
        "邮箱": email,
        "编号": code,
        "排序号": rank,
    }
    # Only the columns the file has: an update must not clear what the file leaves out.
    data = {COLUMNS[column]: value for column, value in values.items() if column in row}
    return data, membership


_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


def parse_date(text: str) -> datetime.date | None:
    """2022-01-06, 2022/1/6, 2022.1.6 or 2022年1月6日, as Excel writes them."""
    match = _DATE.fullmatch(text.strip())
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None

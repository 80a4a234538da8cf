"""Uploads: one check for every form (kind by extension and by content, size, clean
names) and one way back out (only through a permission-checked view, as a download)."""

import datetime
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from documents import services as documents_services
from documents.models import Attachment
from meetings import services as meetings_services
from meetings.models import Kind, Material
from office import calendar
from office.models import Person
from office.uploads import MB, clean_filename, validate_upload
from supervision import services as supervision_services
from supervision.models import ProgressReport
from tests import upload_samples as sample
from tests.factories import PersonFactory, TermFactory

ALL_KINDS = (".pdf", ".ofd", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et", ".jpg", ".jpeg", ".png", ".tif", ".txt", ".csv")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media_root) -> list[Path]:
    return [path for path in Path(media_root).rglob("*") if path.is_file()]


def check(name, content, extensions=ALL_KINDS, max_bytes=MB):
    return validate_upload(SimpleUploadedFile(name, content), extensions=extensions, max_bytes=max_bytes, kinds_label="常用办公文件")


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- the check itself ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content",
    [
        ("报告.pdf", sample.PDF), ("附件.docx", sample.DOCX), ("统计表.xlsx", sample.XLSX), ("版式.ofd", sample.OFD),
        ("旧稿.doc", sample.OLE_DOC), ("旧表.xls", sample.OLE_DOC), ("文稿.wps", sample.OLE_DOC), ("新文稿.wps", sample.DOCX),
        ("表格.et", sample.OLE_DOC), ("照片.JPG", sample.JPEG), ("截图.png", sample.PNG), ("扫描件.tif", sample.TIFF),
        ("说明.txt", sample.TEXT_UTF8), ("说明（国标）.txt", sample.TEXT_GB18030), ("名单.csv", "\ufeff姓名,职务\n".encode()),
    ],
)
def test_real_files_of_each_kind_pass(name, content):
    assert check(name, content).name == name.replace(".JPG", ".jpg")


@pytest.mark.parametrize("disguise", ["通知.pdf", "通知.docx", "通知.txt", "通知.jpg"])
@pytest.mark.parametrize(
    "content, reason",
    [
        (sample.EXE, "实际是程序、网页或脚本"), (sample.ELF, "实际是程序、网页或脚本"), (sample.HTML, "实际是程序、网页或脚本"),
        (sample.SVG, "实际是程序、网页或脚本"), (sample.SCRIPT, "实际是程序、网页或脚本"),
    ],
)
def test_programs_pages_and_scripts_are_refused_whatever_they_are_called(disguise, content, reason):
    with pytest.raises(ValidationError) as refused:
        check(disguise, content)
    assert refused.value.messages == [f"“{disguise}”{reason}，不能上传"]


@pytest.mark.parametrize(
    "name, content",
    [
        ("报告.pdf", sample.DOCX),  # a Word file renamed
        ("附件.docx", sample.ZIP_OF_EXE),  # a zip, but not an Office document
        ("附件.docx", sample.PDF),
        ("版式.ofd", sample.DOCX),
        ("照片.png", sample.JPEG),
        ("说明.txt", b"abc\x00\x01\x02"),  # binary
        ("说明.txt", bytes(range(0x80, 0x100))),  # neither UTF-8 nor GB18030
    ],
)
def test_content_that_does_not_match_the_extension_is_refused(name, content):
    with pytest.raises(ValidationError) as refused:
        check(name, content)
    ext = Path(name).suffix
    assert refused.value.messages == [f"“{name}”的内容与扩展名 {ext} 不符，文件可能已损坏或被改了扩展名，不能上传"]


def test_extensions_outside_the_forms_list_and_oversize_files_are_refused():
    for name in ("setup.exe", "page.html", "logo.svg", "run.bat", "macro.docm", "无扩展名"):
        with pytest.raises(ValidationError, match=f"“{name}”的格式不能上传，只能上传 常用办公文件"):
            check(name, sample.PDF)
    with pytest.raises(ValidationError, match="只能上传"):
        check("照片.png", sample.PNG, extensions=(".pdf",))
    with pytest.raises(ValidationError) as refused:
        check("大文件.pdf", sample.PDF + bytes(MB), max_bytes=MB)
    assert refused.value.messages == ["“大文件.pdf”太大了，每个文件不能超过 1 MB"]


def test_names_are_cleaned():
    assert clean_filename("../../etc/passwd.pdf") == "passwd.pdf"
    assert clean_filename("..\\..\\Windows\\system.ini.txt") == "system.ini.txt"
    assert clean_filename("<script>alert(1)</script>.pdf") == "script_.pdf"  # the slash ends a folder name
    assert clean_filename("<script>.pdf") == "_script_.pdf"
    assert clean_filename(".htaccess.txt") == "htaccess.txt"
    assert clean_filename("...") == "文件"
    assert clean_filename("年度\u202e报告\x00\n.PDF") == "年度报告.pdf"  # direction override and control characters gone
    assert clean_filename("  关于   预算的 报告.docx ") == "关于 预算的 报告.docx"
    long_name = "关于" + "区人大常委会" * 50 + ".pdf"  # 302 characters
    cleaned = clean_filename(long_name)
    assert cleaned.endswith(".pdf") and cleaned.startswith("关于区人大常委会")
    assert len(cleaned) <= 80 and len(cleaned.encode()) <= 200


# --- the four forms ------------------------------------------------------------------------------


def supervision_item(office):
    item = supervision_services.item_register(
        actor=office.staff, title="整改财政预算执行审计查出的问题", requirements="逐项整改。", source="other",
        urgency="normal", lead_unit=office.unit_a, supervisor=office.staff, leader=office.leader, co_units=(),
    )
    return supervision_services.item_assign(item=item, actor=office.staff)


def incoming(office, **extra):
    today = timezone.localdate()
    return documents_services.incoming_register(
        actor=office.staff, from_unit="区财政局", from_number="区财〔2026〕15号", title="关于预算执行情况的报告",
        doc_type="report", received_on=today, due_date=calendar.add_working_days(today, 10), body_text="请审议。", **extra,
    )


def agenda_item(office):
    day = timezone.localdate() + datetime.timedelta(days=14)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    meeting = meetings_services.meeting_create(
        actor=office.staff, kind=Kind.STANDING, term=TermFactory(number=16), start=start, end=start + datetime.timedelta(hours=3),
        convener=PersonFactory(name="王主任"), venue="区政务中心",
    )
    return meetings_services.agenda_add(meeting=meeting, actor=office.staff, title="审议预算调整方案")


@pytest.mark.parametrize("content", [sample.EXE, sample.HTML, sample.SVG])
def test_every_form_refuses_a_disguised_file_and_saves_nothing(office, media_in_tmp, content):
    staff, liaison = office.client_for(office.staff), office.client_for(office.liaison_a)
    item, doc, agenda = supervision_item(office), incoming(office), agenda_item(office)
    people_before = Person.objects.count()
    posts = [
        (liaison, reverse("supervision:progress", args=[item.pk]), {"progress-text": "进展", "progress-attachment": SimpleUploadedFile("进展.pdf", content)}),
        (staff, reverse("documents:incoming_file_upload", args=[doc.pk]), {"upload-files": [SimpleUploadedFile("来文.pdf", content)]}),
        (staff, reverse("meetings:material_add", args=[agenda.pk]), {f"material-{agenda.pk}-file": SimpleUploadedFile("材料.pdf", content)}),
        (staff, reverse("office:people_import"), {"file": SimpleUploadedFile("名单.csv", content)}),
    ]
    for client, url, data in posts:
        page = client.post(url, data, follow=True).content.decode()
        assert "实际是程序、网页或脚本，不能上传" in page, url
    assert not ProgressReport.objects.exists() and not Attachment.objects.exists() and not Material.objects.exists()
    assert Person.objects.count() == people_before
    assert stored_files(media_in_tmp) == []


def test_oversize_import_is_refused_from_a_temporary_file(office, media_in_tmp):
    """5 MB and one byte: Django spools it to disk, the check reads it there."""
    big = "\ufeff姓名,职务\n".encode() + b"x" * (5 * MB)
    response = office.client_for(office.staff).post(reverse("office:people_import"), {"file": SimpleUploadedFile("名单.csv", big)})
    assert "“名单.csv”太大了，每个文件不能超过 5 MB" in response.content.decode()


def test_uploaded_names_are_cleaned_before_storing(office, media_in_tmp):
    doc = incoming(office)
    long_name = "关于" + "区人大常委会" * 50 + ".pdf"
    files = [SimpleUploadedFile(name, sample.PDF) for name in ("../../etc/passwd.pdf", "<script>.pdf", long_name)]
    response = office.client_for(office.staff).post(reverse("documents:incoming_file_upload", args=[doc.pk]), {"upload-files": files}, follow=True)
    assert "已上传 3 个文件" in response.content.decode()
    titles = list(doc.files.order_by("pk").values_list("title", flat=True))
    assert titles[:2] == ["passwd.pdf", "_script_.pdf"]
    assert titles[2].startswith("关于区人大常委会") and titles[2].endswith(".pdf") and len(titles[2]) <= 80
    media = Path(media_in_tmp).resolve()
    for attachment in doc.files.all():
        path = Path(attachment.file.path).resolve()
        assert path.is_relative_to(media / "documents" / "files") and path.read_bytes() == sample.PDF


# --- handing files back ------------------------------------------------------------------------


def assert_download(response, filename_part: str, content_type: str, content: bytes):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;") and filename_part in response["Content-Disposition"]
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert body(response) == content


def test_permitted_users_download_as_attachments(office):
    doc = incoming(office)
    attachment = Attachment.objects.create(incoming=doc, title="来文扫描件.pdf", file=ContentFile(sample.PDF, name="scan.pdf"), uploaded_by=office.staff)
    response = office.client_for(office.staff).get(reverse("documents:incoming_file", args=[doc.pk, attachment.pk]))
    assert_download(response, "%E6%9D%A5%E6%96%87", "application/pdf", sample.PDF)  # 来文…

    item = supervision_item(office)
    report = supervision_services.item_report_progress(
        item=item, actor=office.liaison_a, text="已召开专题会", attachment=SimpleUploadedFile("progress.docx", sample.DOCX)
    )
    response = office.client_for(office.liaison_a).get(reverse("supervision:report_attachment", args=[report.pk]))
    assert_download(response, "progress", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", sample.DOCX)

    agenda = agenda_item(office)
    material = meetings_services.material_add(item=agenda, actor=office.staff, title="预算调整方案（草案）", file=SimpleUploadedFile("fangan.pdf", sample.PDF))
    response = office.client_for(office.liaison_b).get(reverse("meetings:material", args=[material.pk]))
    # Downloaded under its title, with the file's extension.
    assert_download(response, "%EF%BC%88%E8%8D%89%E6%A1%88%EF%BC%89.pdf", "application/pdf", sample.PDF)

    titled = meetings_services.material_add(item=agenda, actor=office.staff, title="预算/决算说明", file=SimpleUploadedFile("a.pdf", sample.PDF))
    response = office.client_for(office.staff).get(reverse("meetings:material", args=[titled.pk]))
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E9%A2%84%E7%AE%97_%E5%86%B3%E7%AE%97%E8%AF%B4%E6%98%8E.pdf"


def test_a_stored_web_page_never_goes_out_as_html(office):
    """A file that got in before these checks (or by the admin) is still only bytes to download."""
    doc = incoming(office)
    attachment = Attachment.objects.create(incoming=doc, title="page.html", file=ContentFile(sample.HTML, name="page.html"), uploaded_by=office.staff)
    response = office.client_for(office.staff).get(reverse("documents:incoming_file", args=[doc.pk, attachment.pk]))
    assert_download(response, "page.html", "application/octet-stream", sample.HTML)


def test_those_without_permission_get_nothing(office):
    # A secret document's file: the ungranted, even the director, get 404.
    doc = incoming(office, secrecy="confidential", secrecy_term="10年")
    attachment = Attachment.objects.create(incoming=doc, title="机密件.pdf", file=ContentFile(sample.PDF, name="m.pdf"), uploaded_by=office.staff)
    url = reverse("documents:incoming_file", args=[doc.pk, attachment.pk])
    assert office.client_for(office.staff).get(url).status_code == 200  # the registrar is granted
    for user in (office.director, office.liaison_a, office.driver):
        assert office.client_for(user).get(url).status_code == 404, user.username

    # A progress report of unit A's item: unit B's liaison gets 404.
    item = supervision_item(office)
    report = supervision_services.item_report_progress(
        item=item, actor=office.liaison_a, text="进展", attachment=SimpleUploadedFile("进展.pdf", sample.PDF)
    )
    url = reverse("supervision:report_attachment", args=[report.pk])
    assert office.client_for(office.liaison_a).get(url).status_code == 200
    assert office.client_for(office.liaison_b).get(url).status_code == 404

    # Nobody logged in: sent to log in, never the file.
    for url in (url, reverse("documents:incoming_file", args=[doc.pk, attachment.pk])):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_media_folder_is_not_served_by_the_application(office, media_in_tmp):
    doc = incoming(office)
    attachment = Attachment.objects.create(incoming=doc, title="a.pdf", file=ContentFile(sample.PDF, name="a.pdf"), uploaded_by=office.staff)
    direct = "/media/" + attachment.file.name
    assert (Path(media_in_tmp) / attachment.file.name).exists()
    with pytest.raises(Resolver404):
        resolve(direct)
    assert office.client_for(office.director).get(direct).status_code == 404
    assert Client().get(direct).status_code == 404

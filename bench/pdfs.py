"""Benchmark: the office's PDFs, each beside a floor measured in the same run.

    .venv/bin/python bench/pdfs.py [--runs 20] [--noto-dir DIR] [--fonttools-runs 2] [--no-results]

Times (median and p95 over --runs after two warm-up runs) the one-page 会议通知,
60 桌签, a two-page GB/T 9704 发文 and the nightly report (工作日报) PDF. Each has a
floor: the same text, page for page, drawn straight onto a reportlab canvas in the
same embedded TrueType font; the ratio says what the layout costs over that.

Then the weasyprint path of the report, font by font: the configured TrueType .ttc
fonts and Noto Sans CJK (OpenType-CFF, when fontconfig knows it, or from --noto-dir:
the files of the fonts-noto-cjk package, `apt-get download fonts-noto-cjk` and
`dpkg-deb -x`), each with HarfBuzz subsetting (libharfbuzz-subset0) and with the
fontTools fallback weasyprint uses without it, with a profile of where the time goes.

Data: var/bench/pdfs.sqlite3, made once with seed_demo plus a 60-member meeting and
a two-page outgoing document, through the services. Writes "## PDF" in bench/RESULTS.md.
"""

import argparse
import contextlib
import cProfile
import datetime
import io
import logging
import os
import pstats
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import BENCH_VAR, django_setup, load_average, machine, markdown_table, ms, results_section_write, timed  # noqa: E402

BENCH_TAG = "性能基准"
NOTO_FAMILY = "Noto Sans CJK SC"
# Enough 3号 text for a second page of the GB/T 9704 layout (22 lines of 28 characters).
GB_BODY = "\n".join([
    "为深入贯彻落实区委关于加强新时代人大工作的部署要求，进一步提高常委会机关公文处理工作的规范化、"
    "制度化水平，经主任会议研究，现就做好年度公文处理有关工作通知如下：",
    "一、提高思想认识",
    "公文是常委会机关依法履职、处理公务的重要工具。各工作委员会、办公室各科室要充分认识做好公文处理工作的"
    "重要意义，把公文质量作为检验工作作风的重要标尺，切实做到行文规范、内容准确、格式统一、办理及时。",
    "二、严格办理程序",
    "（一）规范拟稿。起草公文应当符合国家的法律法规和党的路线方针政策，完整准确体现发文机关意图，"
    "人名、地名、数字、引文准确，引用公文应当先引标题，后引发文字号。",
    "（二）严格审核。公文文稿送签前，应当由办公室进行审核，重点审核行文理由是否充分、行文依据是否准确，"
    "涉及有关部门职权范围内的事项是否经过充分协商并达成一致意见。",
    "（三）及时签发。公文应当经本机关负责人审批签发，重要公文和上行文由机关主要负责人签发。",
    "三、加强督促检查",
    "办公室要加强对公文办理情况的督促检查，对逾期未办结的事项及时催办，确保各项工作落到实处。",
    "特此通知。",
])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--noto-dir", help="a directory of Noto CJK .ttc files that fontconfig does not know yet")
    parser.add_argument("--fonttools-runs", type=int, default=2,
                        help="runs of each fontTools-subsetting case (up to a minute each with Noto CJK); 0 skips them")
    parser.add_argument("--no-results", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = parser.parse_args()
    if args.noto_dir:
        # Before weasyprint loads fontconfig: the system's configuration plus that directory,
        # i.e. the machine as it would be with fonts-noto-cjk installed.
        os.environ["FONTCONFIG_FILE"] = str(noto_fontconfig(Path(args.noto_dir)))
    django_setup("pdfs.sqlite3", media="pdfs-media")
    first_use = font_first_use()
    meeting_id, document_id = bench_data()
    rows, notes = pdf_rows(meeting_id, document_id, args.runs)
    weasy_rows, profiles = weasyprint_rows(max(3, args.runs // 4), args.fonttools_runs)
    body = "\n\n".join([
        f"`bench/pdfs.py --runs {args.runs}` on {machine()}, {load_average()}; reportlab {reportlab_version()}, "
        f"weasyprint {weasyprint_version()}, HarfBuzz subset: {'yes' if harfbuzz_subset_available() else 'no'}.",
        "Each PDF beside its floor, the same text page for page drawn straight on a reportlab canvas "
        "in the same embedded TrueType font (no layout):",
        markdown_table(["PDF", "pages", "median", "p95", "CPU median", "floor median", "ratio", "target", "met"], rows),
        "\n".join(notes),
        f"First PDF in a fresh process (parsing the configured .ttc fonts): {first_use}. "
        "A Celery worker does this once in its main process before forking (office/celery.py).",
        "The report's weasyprint path by font and subsetter (the same report HTML; fonts embedded: "
        "FontFile2 = TrueType glyf, FontFile3 = OpenType-CFF):",
        markdown_table(["fonts", "subsetter", "median", "p95", "CPU median", "vs reportlab floor", "embedded"], weasy_rows),
        profiles,
    ])
    print(body)
    if not args.no_results:
        results_section_write("PDF", body)


# --- data ------------------------------------------------------------------------------------


def bench_data() -> tuple[int, int]:
    """The meeting with 60 seated members and the two-page outgoing document, made once."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from documents import services as documents
    from documents.models import OutgoingDocument
    from meetings import services as meetings
    from meetings.models import Meeting, Role
    from office.models import Person, Term, Unit

    if not get_user_model().objects.filter(username="staff").exists():
        with contextlib.redirect_stdout(io.StringIO()):
            call_command("seed_demo")
    staff = get_user_model().objects.get(username="staff")
    meeting = Meeting.objects.filter(subject=BENCH_TAG).first()
    if meeting is None:
        unit = Unit.objects.get_or_create(name="基准测试代表团", defaults={"short_name": "基准团", "kind": Unit.Kind.EXTERNAL})[0]
        surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "建国秀英志强丽华卫东海燕晓明桂英"
        people = [Person.objects.create(name=surnames[i % 20] + given[(i * 2) % 16:(i * 2) % 16 + (1 if i % 3 else 2)],
                                        unit=unit, post="代表", protocol_rank=500 + i) for i in range(60)]
        day = timezone.localdate() + datetime.timedelta(days=40)
        start = datetime.datetime.combine(day, datetime.time(9), tzinfo=timezone.get_current_timezone())
        meeting = meetings.meeting_create(actor=staff, kind="standing", term=Term.objects.get(number=16), start=start,
                                          end=start + datetime.timedelta(hours=2), convener=people[0], venue="区行政中心第一会议室",
                                          subject=BENCH_TAG, confirm_clashes=True)
        meetings.participants_invite(meeting=meeting, actor=staff, people=people, role=Role.ATTEND, confirm_clashes=True)
        for title in ("听取和审议区人民政府关于2026年预算调整方案的报告", "审议人事任免事项", "书面审议代表建议办理情况的报告"):
            meetings.agenda_add(meeting=meeting, actor=staff, title=title, reporter="区财政局局长 李红")
    document = OutgoingDocument.objects.filter(title__endswith="公文处理工作的通知", body=GB_BODY).first()
    if document is None:
        document = documents.outgoing_draft(
            actor=staff, doc_type="notice", title="关于做好年度公文处理工作的通知", main_to="各工作委员会、办公室各科室",
            copy_to="区委办公室，区人民政府办公室。", body=GB_BODY, attachment_note="", issuer="清河区人大常委会办公室",
            signature="清河区人大常委会办公室", prefix="清人常办发", secrecy="", secrecy_term="",
        )
    return meeting.pk, document.pk


# --- reportlab PDFs --------------------------------------------------------------------------


def font_first_use() -> str:
    from office import pdf

    started = time.perf_counter()
    pdf.fonts_preload()
    return ms(time.perf_counter() - started)


def page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def text_floor(data: bytes, role: str, size: float):
    """A function drawing the text of each page of `data` line by line on a reportlab
    canvas of the same page size, in the role's font: what the same glyphs cost to
    place and embed with no layout at all."""
    from pypdf import PdfReader
    from reportlab.pdfgen.canvas import Canvas

    from office.pdf import font

    reader = PdfReader(io.BytesIO(data))
    pages = [([line for line in page.extract_text().splitlines() if line.strip()],
              (float(page.mediabox.width), float(page.mediabox.height))) for page in reader.pages]
    name = font(role)

    def draw() -> bytes:
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pageCompression=1)
        for lines, (width, height) in pages:
            canvas.setPageSize((width, height))
            canvas.setFont(name, size)
            y = height - 2 * size
            for line in lines:
                canvas.drawString(36, y, line)
                y -= size * 1.2
            canvas.showPage()
        canvas.save()
        return buffer.getvalue()

    return draw


def pdf_rows(meeting_id: int, document_id: int, runs: int):
    from django.utils import timezone

    from documents.gbt9704 import render_outgoing
    from documents.models import OutgoingDocument
    from meetings import pdf
    from meetings.documents import meeting_for_print
    from office.report import build_report, recipients, render_pdf

    report = build_report(timezone.localdate(), recipients().first())
    cases = [
        # label, build (with its queries), floor font role and size, target in seconds
        ("会议通知 (one page)", lambda: pdf.notice(meeting_for_print(meeting_id)), "fangsong", 16, 0.150),
        ("60 桌签 (name cards)", lambda: pdf.name_cards(meeting_for_print(meeting_id)), "title", 120, 2.0),
        ("GB/T 9704 发文 (two pages)", lambda: render_outgoing(OutgoingDocument.objects.get(pk=document_id)), "fangsong", 16, 0.300),
        ("工作日报 (weasyprint)", lambda: render_pdf(report), "hei", 10, None),
    ]
    rows, notes = [], []
    for label, build, role, size, target in cases:
        data = build()
        floor = text_floor(data, role, size)
        timing, floor_timing = timed(build, runs), timed(floor, runs)
        met = "" if target is None else ("yes" if timing.median <= target else "**no**")
        rows.append([label, page_count(data), ms(timing.median), ms(timing.p95), ms(timing.cpu_median), ms(floor_timing.median),
                     f"{timing.median / floor_timing.median:.1f}×", ms(target) if target else "(report ≤ 2 s, bench/report.py)", met])
    notes.append("Times include the builder's own queries (meeting_for_print, the document row); "
                 "the report PDF is rendered from a report built once (building it is in bench/report.py).")
    return rows, notes


# --- weasyprint by font and subsetter ------------------------------------------------------


def harfbuzz_subset_available() -> bool:
    from weasyprint.pdf import fonts

    return bool(fonts.harfbuzz_subset)


@contextlib.contextmanager
def fonttools_subsetting():
    """weasyprint as it runs without libharfbuzz-subset >= 4.1: subsetting by fontTools."""
    from weasyprint.pdf import fonts

    saved, logs = fonts.harfbuzz_subset, [logging.getLogger("weasyprint"), logging.getLogger("fontTools")]
    fonts.harfbuzz_subset = None
    for log in logs:  # weasyprint's "Using fontTools instead of HarfBuzz-Subset" and fontTools' chatter, per font
        log.disabled = True
    try:
        yield
    finally:
        fonts.harfbuzz_subset = saved
        for log in logs:
            log.disabled = False


def noto_fontconfig(directory: Path) -> Path:
    """The system's fontconfig plus the directory and, as the installed package does, its
    rules preferring Noto CJK for serif and sans-serif (70-fonts-noto-cjk.conf)."""
    directory = directory.resolve()
    rules = [parent / "fontconfig" / "conf.avail" / "70-fonts-noto-cjk.conf" for parent in directory.parents]
    include = "".join(f'  <include ignore_missing="yes">{rule}</include>\n' for rule in rules if rule.exists())
    config = BENCH_VAR / "fonts-with-noto.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{directory}</dir>\n{include}"
        f"  <cachedir>{(BENCH_VAR / 'fontconfig-cache').resolve()}</cachedir>\n</fontconfig>\n")
    return config


def noto_available() -> bool:
    found = subprocess.run(["fc-list", f":family={NOTO_FAMILY}", "file"], capture_output=True, text=True, env=os.environ)
    return bool(found.stdout.strip())


def embedded_font_kinds(data: bytes) -> str:
    """How many embedded fonts are TrueType (FontFile2) and OpenType-CFF (FontFile3)."""
    from pypdf import PdfReader

    kinds = {"FontFile2": set(), "FontFile3": set()}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                for kind in kinds:
                    if descriptor is not None and f"/{kind}" in descriptor.get_object():
                        kinds[kind].add(str(descendant.get_object()["/BaseFont"]))
    return ", ".join(f"{len(names)} {kind}" for kind, names in kinds.items() if names)


def profile_shares(render) -> str:
    """Where one render's time goes: layout, HarfBuzz subsetting, fontTools, the rest."""
    profiler = cProfile.Profile()
    profiler.enable()
    render()
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    total = sum(tottime for _, _, tottime, _, _ in stats.values())

    def cumulative(function_name: str, file_part: str) -> float:
        return sum(cum for (file, _, name), (_, _, _, cum, _) in stats.items() if name == function_name and file_part in file)

    fonttools = sum(tottime for (file, _, _), (_, _, tottime, _, _) in stats.items() if "/fontTools/" in file)
    charstrings = sum(tottime for (file, _, _), (_, _, tottime, _, _) in stats.items() if "psCharStrings" in file or "cffLib" in file)
    layout = cumulative("layout_document", "weasyprint/layout")
    harfbuzz = cumulative("_harfbuzz_subset", "weasyprint/pdf/fonts")
    return (f"{total:.2f} s profiled: layout {layout / total:.0%}, fontTools {fonttools / total:.0%} "
            f"(CFF charstrings {charstrings / total:.0%}), HarfBuzz subset {harfbuzz / total:.0%}")


def weasyprint_rows(runs: int, fonttools_runs: int):
    from django.template.loader import render_to_string
    from django.utils import timezone

    from office import report as nightly
    from office.pdf import css_font_family, html_pdf

    report = nightly.build_report(timezone.localdate(), nightly.recipients().first())

    def html_for(family: str, name_footer: bool = True) -> str:
        context = nightly._context(report, for_pdf=True)
        context["pdf_font_family"] = family
        html = render_to_string("office/report_email.html", context)
        if not name_footer:
            # The CSS before the fonts were named: nothing on html, so the page number
            # (a margin box) fell to fontconfig's default serif font.
            html = html.replace(f"font-family: {family}; font-size: 9pt", "font-size: 9pt")
            html = html.replace("html, body, td, div, li {", "body, td, div, li {")
        return html

    configured = css_font_family("hei", "song")
    floor = text_floor(html_pdf(html_for(configured)), "hei", 10)
    floor_median = timed(floor, runs).median
    variants = [("configured .ttc (" + configured.replace('"', "") + ")", html_for(configured))]
    if noto_available():
        variants += [(f"{NOTO_FAMILY} (OpenType-CFF)", html_for(f'"{NOTO_FAMILY}"')),
                     ("previous CSS, Noto CJK installed", html_for('"WenQuanYi Zen Hei", "AR PL UMing CN", sans-serif', name_footer=False))]
    rows, profiles = [], []
    subsetters = [("HarfBuzz", contextlib.nullcontext, runs)] if harfbuzz_subset_available() else []
    if fonttools_runs:
        subsetters.append(("fontTools (no libharfbuzz-subset)", fonttools_subsetting, fonttools_runs))
    for fonts_label, html in variants:
        for subsetter_label, subsetter, variant_runs in subsetters:
            with subsetter():
                def render(html=html):
                    return html_pdf(html)

                data = render()  # also the warm-up
                timing = timed(render, variant_runs, warmup=0)
                rows.append([fonts_label, subsetter_label, ms(timing.median), ms(timing.p95), ms(timing.cpu_median),
                             f"{timing.median / floor_median:.0f}×", embedded_font_kinds(data)])
                profiles.append(f"- {fonts_label}, {subsetter_label}: {profile_shares(render)}")
    missing = "" if noto_available() else (
        "\n\nNoto CJK was not found (pass --noto-dir with the unpacked fonts-noto-cjk package to measure the CFF case).")
    return rows, "Profile of one render each (cProfile, so slower than above):\n\n" + "\n".join(profiles) + missing


def reportlab_version() -> str:
    import reportlab

    return reportlab.Version


def weasyprint_version() -> str:
    import weasyprint

    return weasyprint.__version__


if __name__ == "__main__":
    main()

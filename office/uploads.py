"""Uploaded files: the one check every upload form uses, and the one way a stored
file is handed back.

A file is accepted only when its extension is on the form's list AND its first
bytes are what that kind of file starts with, so a program, web page or script
renamed to .pdf is refused. Names are cleaned before anything is stored. Files go
back only through views that have checked the record's permission, always as a
download with a content type from our own table, never sniffed or rendered.
"""

import codecs
import os
import re
import unicodedata
import zipfile

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404

MB = 1024 * 1024
HEAD_BYTES = 64 * 1024  # enough to judge a text file; binary kinds need only the first 8

# Content types we send, by extension; anything else goes out as plain bytes.
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".ofd": "application/ofd",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".wps": "application/octet-stream",  # WPS 文字
    ".et": "application/octet-stream",  # WPS 表格
    ".dps": "application/octet-stream",  # WPS 演示
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".txt": "text/plain",
    ".csv": "text/csv",
}

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of .doc/.xls/.ppt and older WPS
ZIP = b"PK\x03\x04"
# Programs and markup a browser or a desktop would run, whatever the file is called.
RUNNABLE = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\x00asm")
MARKUP = re.compile(rb"^\s*<(!doctype|html|head|body|script|svg|\?xml|iframe|object|embed|meta|a\s|img\s|style)", re.IGNORECASE)


def _zip_names(upload) -> set[str]:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return {name.lower() for name in archive.namelist()}
    except (zipfile.BadZipFile, OSError, ValueError):
        return set()
    finally:
        upload.seek(0)


def _is_ooxml(head: bytes, upload) -> bool:
    return head.startswith(ZIP) and "[content_types].xml" in _zip_names(upload)


def _is_ofd(head: bytes, upload) -> bool:
    return head.startswith(ZIP) and "ofd.xml" in _zip_names(upload)


def _is_text(head: bytes, upload) -> bool:
    """UTF-8 (with or without BOM) or GB18030, and no NUL byte."""
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            # final=False: the sample may end in the middle of a character.
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return True
        except UnicodeDecodeError:
            continue
    return False


_SNIFFERS = {
    ".pdf": lambda head, upload: head.startswith(b"%PDF-"),
    ".ofd": _is_ofd,
    ".doc": lambda head, upload: head.startswith(OLE),
    ".xls": lambda head, upload: head.startswith(OLE),
    ".ppt": lambda head, upload: head.startswith(OLE),
    ".docx": _is_ooxml,
    ".xlsx": _is_ooxml,
    ".pptx": _is_ooxml,
    # WPS saves in its own compound-file format or as Office Open XML.
    ".wps": lambda head, upload: head.startswith(OLE) or _is_ooxml(head, upload),
    ".et": lambda head, upload: head.startswith(OLE) or _is_ooxml(head, upload),
    ".dps": lambda head, upload: head.startswith(OLE) or _is_ooxml(head, upload),
    ".jpg": lambda head, upload: head.startswith(b"\xff\xd8\xff"),
    ".jpeg": lambda head, upload: head.startswith(b"\xff\xd8\xff"),
    ".png": lambda head, upload: head.startswith(b"\x89PNG\r\n\x1a\n"),
    ".tif": lambda head, upload: head.startswith((b"II*\x00", b"MM\x00*")),
    ".tiff": lambda head, upload: head.startswith((b"II*\x00", b"MM\x00*")),
    ".txt": _is_text,
    ".csv": _is_text,
}


def clean_filename(name: str, *, max_chars: int = 80, max_bytes: int = 200) -> str:
    """A file name safe to store and to send back: no folders, no control or
    direction characters, no leading dots, at most max_chars characters (and
    max_bytes in UTF-8, for the file system) with the extension kept. Chinese stays."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = re.sub(r'[<>:"|?*]', "_", name)
    name = re.sub(r"\s+", " ", name).strip()
    stem, ext = os.path.splitext(name)
    if not re.fullmatch(r"\.[A-Za-z0-9]{1,8}", ext):
        stem, ext = name, ""
    ext = ext.lower()
    stem = stem.strip(". ")
    while stem and (len(stem) + len(ext) > max_chars or len((stem + ext).encode()) > max_bytes):
        stem = stem[:-1].rstrip(". ")
    return (stem or "文件") + ext


def _size_label(size: int) -> str:
    if size >= MB:
        return f"{size / MB:g} MB"
    if size >= 1024:
        return f"{size / 1024:g} KB"
    return f"{size} 字节"


def validate_upload(upload, *, extensions, max_bytes: int, kinds_label: str):
    """Refuse the upload with a Chinese message naming it, or give it back with a
    clean name. extensions: the form's allowed kinds (each in CONTENT_TYPES);
    kinds_label: how the message names them ("PDF、Word 或图片文件")."""
    name = clean_filename(upload.name)
    ext = os.path.splitext(name)[1]
    if ext not in extensions or ext not in _SNIFFERS:
        raise ValidationError(f"“{name}”的格式不能上传，只能上传 {kinds_label}", code="file_kind")
    if upload.size > max_bytes:
        raise ValidationError(f"“{name}”太大了，每个文件不能超过 {_size_label(max_bytes)}", code="file_size")
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if head.startswith(RUNNABLE) or MARKUP.match(head):
        raise ValidationError(f"“{name}”实际是程序、网页或脚本，不能上传", code="file_runnable")
    if not _SNIFFERS[ext](head, upload):
        raise ValidationError(f"“{name}”的内容与扩展名 {ext} 不符，文件可能已损坏或被改了扩展名，不能上传", code="file_content")
    upload.name = name
    return upload


def content_type_for(filename: str) -> str:
    return CONTENT_TYPES.get(os.path.splitext(filename)[1].lower(), "application/octet-stream")


def stored_file_response(stored, filename: str, *, inline: bool = False, missing: str = "文件不存在") -> FileResponse:
    """A stored file for a view that has already checked the record's permission.
    A download (attachment) in a sandbox; inline only for PDFs the system made itself."""
    # A title, not a path: a slash in it is kept visible rather than cutting the name.
    filename = clean_filename(re.sub(r"[/\\]", "_", filename))
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404(missing) from None
    response = FileResponse(handle, as_attachment=not inline, filename=filename, content_type=content_type_for(filename))
    response["X-Content-Type-Options"] = "nosniff"
    if not inline:
        # Opened anyway (a browser told to, a proxy that drops the header): no script, no origin.
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

"""The first bytes of real files of each kind, and of things that must never be uploaded."""

import io
import zipfile


def zipped(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
DOCX = zipped("[Content_Types].xml", "word/document.xml")
XLSX = zipped("[Content_Types].xml", "xl/workbook.xml")
OFD = zipped("OFD.xml", "Doc_0/Document.xml")
OLE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(32)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(32)
TIFF = b"II*\x00\x08\x00\x00\x00" + bytes(32)
TEXT_UTF8 = "关于预算执行情况的说明\n第一条……\n".encode()
TEXT_GB18030 = "关于预算执行情况的说明\n".encode("gb18030")

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(64) + b"This program cannot be run in DOS mode."
ELF = b"\x7fELF\x02\x01\x01" + bytes(32)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="5"/></svg>'
SCRIPT = b"#!/bin/sh\nrm -rf /\n"
ZIP_OF_EXE = zipped("setup.exe")

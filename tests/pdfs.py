"""Small PDF files for the scan checks: a plain one, and the hostile kinds a scan upload
must refuse (JavaScript, automatic actions, embedded files, encryption, polyglots)."""

import io
import zipfile

CATALOG = b"<< /Type /Catalog /Pages 2 0 R%s >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]%s >>"


def build(*, catalog: bytes = b"", page: bytes = b"", extra: list[bytes] = (), header: bytes = b"") -> bytes:
    """A one-page PDF with a correct cross-reference table; `catalog`/`page` are added to
    those dictionaries, `extra` are objects 4, 5, … ."""
    objects = [CATALOG % catalog, PAGES, PAGE % page, *extra]
    out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + header
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def plain() -> bytes:
    return build()


def with_image_bytes_that_look_like_names() -> bytes:
    """A scan's image stream: random bytes may spell "/JS " or "<svg>" — not a script."""
    data = b"\xff\xd8\xff /JS (x) /AA /EmbeddedFile <svg> <html> \xff\xd9"
    stream = b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /Length %d >>\nstream\n%s\nendstream" % (
        len(data),
        data,
    )
    return build(page=b" /Resources << /XObject << /Im1 4 0 R >> >>", extra=[stream])


def with_javascript() -> bytes:
    return build(
        catalog=b" /Names << /JavaScript << /Names [(a) << /S /JavaScript /JS (app.alert(1)) >>] >> >>"
    )


def with_hidden_open_action_javascript() -> bytes:
    """/S /JavaScript and /JS written with #xx escapes: only a parser reads them."""
    return build(catalog=b" /OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>")


def with_page_automatic_action() -> bytes:
    return build(page=b" /AA << /O << /S /Launch /F (calc.exe) >> >>")


def with_embedded_file() -> bytes:
    content = b"MZ not a scan"
    return build(
        catalog=b" /Names << /EmbeddedFiles << /Names [(x.exe) 4 0 R] >> >>",
        extra=[
            b"<< /Type /Filespec /F (x.exe) /EF << /F 5 0 R >> >>",
            b"<< /Type /EmbeddedFile /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        ],
    )


def encrypted() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain())))
    writer.encrypt(user_password="", owner_password="secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def with_zip_after_the_end() -> bytes:
    return plain() + _zip()


def also_a_zip() -> bytes:
    """A ZIP whose comment ends in %%EOF appended: the file ends like a PDF and is a ZIP."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.html", "<script>alert(1)</script>")
        archive.comment = b"%%EOF"
    return plain() + buffer.getvalue()


def also_html() -> bytes:
    return build(header=b"%<html><body><script>alert(document.cookie)</script></body></html>\n")


def html_before_the_pdf() -> bytes:
    return b"<html><script>alert(1)</script></html>\n" + plain()


def with_scanner_padding() -> bytes:
    return plain() + b"\r\n\0\0\0\0"

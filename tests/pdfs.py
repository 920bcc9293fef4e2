"""Hand-built PDFs for the upload checks: valid files that carry active content in the ways
an attacker would hide it (hex-escaped names, compressed object streams)."""

import zlib

PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def build(objects, compressed=None):
    """objects: {number: body} written plainly; compressed: {number: body} placed in one
    FlateDecode object stream with a cross-reference stream (PDF 1.5)."""
    compressed = compressed or {}
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    size = max([*objects, *compressed]) + 1
    if not compressed:
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % size
        for number in range(1, size):
            out += b"%010d 00000 n \n" % offsets[number]
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
        return bytes(out)
    stream_number, xref_number = size, size + 1
    header, body = [], b""
    for number in sorted(compressed):
        header.append(b"%d %d" % (number, len(body)))
        body += compressed[number] + b"\n"
    head = b" ".join(header) + b"\n"
    data = zlib.compress(head + body)
    offsets[stream_number] = len(out)
    out += (
        b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (stream_number, len(compressed), len(head), len(data))
        + data
        + b"\nendstream\nendobj\n"
    )
    offsets[xref_number] = len(out)
    rows = b"\x00" + b"\x00\x00\x00\x00" + b"\xff\xff"
    index = {n: i for i, n in enumerate(sorted(compressed))}
    for number in range(1, xref_number + 1):
        if number in compressed:
            rows += b"\x02" + stream_number.to_bytes(4, "big") + index[number].to_bytes(2, "big")
        else:
            rows += b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00\x00"
    packed = zlib.compress(rows)
    xref = offsets[xref_number]
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Filter /FlateDecode "
        b"/Length %d >>\nstream\n"
        % (xref_number, xref_number + 1, len(packed))
        + packed
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref
    )
    return bytes(out)


def _with_open_action(action, compressed=False):
    base = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: PAGE,
    }
    if compressed:
        return build(base, {4: action})
    return build({**base, 4: action})


def clean():
    return build(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: PAGE,
        }
    )


def javascript():
    return _with_open_action(b"<< /S /JavaScript /JS (app.alert(1)) >>")


def javascript_hex_escaped():
    # /J#61vaScript is /JavaScript once the name is decoded; the bytes never say it.
    return _with_open_action(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>")


def javascript_in_object_stream():
    # The action lives in a FlateDecode object stream: no plain byte of it is in the file.
    return _with_open_action(b"<< /S /JavaScript /JS (app.alert(1)) >>", compressed=True)


def launch():
    return _with_open_action(b"<< /S /Launch /F (calc.exe) >>")


def uri():
    return _with_open_action(b"<< /S /URI /URI (https://evil.example.com/) >>")


def embedded_file():
    return build(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 4 0 R >> >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: PAGE,
            4: b"<< /Names [(a.exe) 5 0 R] >>",
            5: b"<< /Type /Filespec /F (a.exe) /EF << /F 6 0 R >> >>",
            6: b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream",
        }
    )

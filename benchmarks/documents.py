"""Exports and the purchase-order PDF against their bare libraries.

Exports run in a child process each (`python -m benchmarks.documents KIND MODE`), app and bare
side by side, so the peak RSS is the export's own: the baseline is taken once Django and the
export's modules are loaded, before the first row is read.
- app: the export as users get it (registry: styles, widths, totals, « Paramètres » sheet);
- bare: the same rows, read by the same queries, appended as plain values to a bare openpyxl
  write-only workbook. The ratio is then what the report core costs over openpyxl itself.
"""

import io
import json
import statistics
import subprocess
import sys
import tempfile
import time

from benchmarks.server import ROOT, environment


def _rss_mb():
    """This process's peak resident memory (VmHWM). Not getrusage's ru_maxrss: Linux carries
    the parent's peak into a child across fork and exec, which hid the export's own growth."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("VmHWM not found in /proc/self/status")


def _rows(kind, user):
    if kind == "orders":
        from orders.filters import orders_for
        from orders.register import orders_like, register_rows

        filterset, orders = orders_for(user, {})
        return register_rows(filterset, orders_like(filterset, orders), user)
    from orders.team_exports import CHUNK, _members, allocation_queryset, allocation_row

    members = allocation_queryset(_members(user, {}))
    return (allocation_row(m) for m in members.iterator(chunk_size=CHUNK))


def child(kind, mode):
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from openpyxl import Workbook

    from exports import registry
    from procurement.xlsx import _plain

    user = get_user_model().objects.get(username="finance")
    spec = registry.get(kind)
    baseline = _rss_mb()
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        if mode == "app":
            rows = spec.write(user, {}, out)
        else:
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet("Lignes")
            rows = 0
            for row in _rows(kind, user):
                sheet.append([_plain(value) for value in row])  # a sheet has no time zone
                rows += 1
            workbook.save(out)
        size = out.tell()
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {"seconds": seconds, "rows": rows, "growth_mb": _rss_mb() - baseline, "bytes": size}
        )
    )


def export_figures(rows_in_db, kind):
    """{mode: figures} for one export kind, app and bare, each in its own process. The two run
    side by side, one per core, under the same load, so that the bench stays within its time
    (at 100 000 orders each export takes minutes); the ratio compares equals."""
    running = {
        mode: subprocess.Popen(
            [sys.executable, "-m", "benchmarks.documents", kind, mode],
            cwd=ROOT,
            env=environment(rows_in_db),
            stdout=subprocess.PIPE,
            text=True,
        )
        for mode in ("bare", "app")
    }
    figures = {}
    for mode, process in running.items():
        out, _ = process.communicate()
        if process.returncode:
            raise subprocess.CalledProcessError(process.returncode, process.args, out)
        figures[mode] = json.loads(out.strip().splitlines()[-1])
    return figures


def _runs(page):
    """[(font, size, text)] of a page, in drawing order, as pypdf reads them back: the anchor
    then draws the same text in the same embedded fonts (the block-mark's italic included)."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip() and font is not None:
            name = str(font.get("/BaseFont", "")).split("+")[-1]
            runs.append((name, size * tm[0] if tm[0] else size, text.strip()))

    page.extract_text(visitor_text=visit)
    return runs


def pdf_figures(order, repeat=25):
    """Median ms of the purchase-order PDF, of bare reportlab drawing the same text runs (read
    back from that PDF) in the same embedded fonts and sizes, page for page (the goal's
    anchor), and of bare reportlab's page layout (platypus) flowing the same runs, one
    paragraph each, with no table, rule or style of the document's (for information: what
    laying text out costs in reportlab before a document adds anything)."""
    from pypdf import PdfReader
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    from orders.pdf.purchase_orders import purchase_order_pdf
    from orders.services import documents
    from procurement.pdf import FONT_DIR, FONTS, esc

    printed, rows = documents.purchase_order_material(order)
    app = purchase_order_pdf(printed, rows)
    # The same font files as reportlab's own TTFont: none of the application's font handling
    # (procurement/pdffonts.py) in the anchor.
    for name in FONTS:
        pdfmetrics.registerFont(TTFont(f"Bare-{name}", str(FONT_DIR / FONTS[name])))
    # The PDF names its fonts by their PostScript names (BitstreamVeraSans-Roman …).
    registered = {pdfmetrics.getFont(n).face.name.decode(): f"Bare-{n}" for n in FONTS}
    pages = [
        [(registered[font], size, text) for font, size, text in _runs(page)]
        for page in PdfReader(io.BytesIO(app)).pages
    ]

    def bare():
        out = io.BytesIO()
        pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
        for runs in pages:
            y = 800
            for font, size, text in runs:
                pdf.setFont(font, size)
                pdf.drawString(56, y, text)
                y -= 12
            pdf.showPage()
        pdf.save()
        return out.getvalue()

    styles = {
        (font, size): ParagraphStyle(f"{font}-{size}", fontName=font, fontSize=size)
        for runs in pages
        for font, size, _text in runs
    }

    def flowed():
        out = io.BytesIO()
        doc = SimpleDocTemplate(out, pagesize=A4, invariant=1, initialFontName="Bare-Vera")
        story = []
        for runs in pages:
            story += [Paragraph(esc(text), styles[font, size]) for font, size, text in runs]
            story.append(PageBreak())
        doc.build(story[:-1])
        return out.getvalue()

    def ms(fn):
        start = time.perf_counter()
        fn()
        return (time.perf_counter() - start) * 1000

    bare()
    flowed()
    purchase_order_pdf(printed, rows)
    # Interleaved, as the pages are with the floor: a slow phase of the machine weighs on all.
    samples = [
        (ms(lambda: purchase_order_pdf(printed, rows)), ms(bare), ms(flowed)) for _ in range(repeat)
    ]
    app_ms, bare_ms, flowed_ms = (statistics.median(side) for side in zip(*samples, strict=True))
    return app_ms, bare_ms, flowed_ms, len(pages)


def pdf_child(order_pk):
    import django

    django.setup()
    from orders.models import PurchaseOrder

    app_ms, bare_ms, flowed_ms, pages = pdf_figures(PurchaseOrder.objects.get(pk=order_pk))
    figures = {"app_ms": app_ms, "bare_ms": bare_ms, "flowed_ms": flowed_ms, "pages": pages}
    print(json.dumps(figures))


def pdf_figures_apart(rows_in_db, order):
    """pdf_figures in a process of its own, as a gunicorn worker builds a PDF, and as the
    exports are measured. Measured inside the benchmark's own process, after the exports and
    the drafts, the same PDF once took 23.6 ms against 15.6 ms in a process of its own, with
    bare reportlab at 9.6 and 9.0 ms (same machine, same hour)."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.documents", "pdf", str(order.pk)],
        cwd=ROOT,
        env=environment(rows_in_db),
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    return figures["app_ms"], figures["bare_ms"], figures["flowed_ms"], figures["pages"]


if __name__ == "__main__":
    if sys.argv[1] == "pdf":
        pdf_child(int(sys.argv[2]))
    else:
        child(sys.argv[1], sys.argv[2])

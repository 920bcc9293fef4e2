"""reportlab's C accelerators (rl-accel) change the speed, never the bytes: the same document
built with them and with reportlab's pure-Python fallbacks is byte-identical."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import sys
if sys.argv[1] == "python":
    sys.modules["_rl_accel"] = None  # reportlab then uses its Python fallbacks
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()
from decimal import Decimal
from reportlab.lib.rl_accel import fp_str
from procurement import pdf
s = pdf.styles()
story = [
    *pdf.header(s, "Bon de commande n° FLASH-2026-0001", ["Accord-cadre « Flash » — été"]),
    pdf.grid(
        [["Désignation", "Montant"], ["Journée d'expert — œuvre", pdf.number(Decimal("1234.5"))]],
        [120, 50],
        right_from=1,
    ),
]
content = pdf.build(story, title="Essai", subject="Octets", footer_text="pied de page — 1/1")
sys.stdout.write(type(fp_str).__name__ + "\\n")  # builtin (C) or function (Python)
sys.stdout.buffer.write(content)
"""


def _build(mode):
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode], cwd=ROOT, capture_output=True, check=True
    )
    marker, _, content = result.stdout.partition(b"\n")
    return marker, content


def test_the_accelerated_pdf_has_the_same_bytes_as_the_pure_python_one():
    accelerated_marker, accelerated = _build("accelerated")
    python_marker, python = _build("python")
    # rl-accel is installed, and the second run really builds with the Python fallbacks.
    assert accelerated_marker == b"builtin_function_or_method" and python_marker == b"function"
    assert accelerated.startswith(b"%PDF") and accelerated == python

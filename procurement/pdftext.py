"""Paragraphs without reportlab's markup parser.

A purchase order holds about eighty short texts, most in table cells. As `Paragraph`s, each one
goes through reportlab's HTML parser and its general line breaker: over half of the document's
build time. Most are plain text in one font, at most with `<br/>` line breaks, so `para()`
returns a `PlainText` for them: the same lines at the same places (words wrapped on spaces with
the Paragraph's space shrinkage, first baseline at the top less the font size, one `leading` per
line, split across pages like a Paragraph), drawn as one text object. Anything else (other tags,
entities, soft hyphens, centred or justified text, a word wider than its column) stays a
`Paragraph`, so no document looks different for going through the fast path
(tests/procurement/test_pdftext.py compares the two line by line).
"""

import re
from xml.sax.saxutils import escape, unescape

from reportlab import rl_config
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

# Markup the fast path understands: `<br/>` and the three escapes of procurement.pdf.esc.
# A soft hyphen asks for reportlab's hyphenation: a Paragraph's business too.
OTHER_MARKUP = re.compile(r"<(?!br/>)|&(?!(?:amp|lt|gt);)|\xad")


def para(markup, style):
    """A flowable for `markup` in `style`: a PlainText when it can be one, else a Paragraph."""
    if style.alignment not in (TA_LEFT, TA_RIGHT) or OTHER_MARKUP.search(markup):
        return Paragraph(markup, style)
    return PlainText(markup, style)


class PlainText(Flowable):
    """Lines of plain text in one font, wrapped on spaces like a Paragraph without markup."""

    def __init__(self, markup, style):
        super().__init__()
        self.markup = markup
        self.style = style
        self.parts = [unescape(part) for part in markup.split("<br/>")]
        self.lines = []
        self.fallback = None
        self.wrapped_for = None  # a table wraps each cell twice at the same width

    def _split(self, width):
        style = self.style
        space = stringWidth(" ", style.fontName, style.fontSize)
        # A Paragraph lets each space of a line shrink a little (rl_config.spaceShrinkage).
        shrink = rl_config.spaceShrinkage * space
        lines = []
        for part in self.parts:
            words, line, used = part.split(), [], -space
            for word in words:
                size = stringWidth(word, style.fontName, style.fontSize)
                if size > width:
                    return None  # a Paragraph splits long words; let it
                if line and used + space + size > width + shrink * len(line):
                    lines.append(" ".join(line))
                    line, used = [], -space
                line.append(word)
                used += space + size
            if line:
                lines.append(" ".join(line))
        return lines

    def wrap(self, availWidth, availHeight):
        if self.wrapped_for == availWidth:
            return self.width, self.height
        style = self.style
        self.width = self.wrapped_for = availWidth
        lines = self._split(availWidth - style.leftIndent - style.rightIndent)
        self.fallback = None
        if lines is None:
            self.fallback = Paragraph(self.markup, style)
            self.height = self.fallback.wrap(availWidth, availHeight)[1]
        else:
            self.lines = lines
            self.height = len(lines) * style.leading
        return self.width, self.height

    def split(self, availWidth, availHeight):
        """Across a page break, as a Paragraph splits: `int(height / leading)` lines stay,
        none if only one would (an orphan), a lone last line may go on (a widow)."""
        self.wrap(availWidth, availHeight)
        if self.fallback is not None:
            return self.fallback.split(availWidth, availHeight)
        style = self.style
        fit = int(availHeight / style.leading)
        if fit == 0 or (fit <= 1 and not style.allowOrphans):
            return []
        if len(self.lines) <= fit:
            return [self]
        if not style.allowWidows and len(self.lines) == fit + 1:
            return []  # a Paragraph keeps a widow company where it can; simply move on
        return [self._part(self.lines[:fit], availWidth), self._part(self.lines[fit:], None)]

    def _part(self, lines, width):
        part = PlainText("<br/>".join(escape(line) for line in lines), self.style)
        part.lines = lines
        if width is not None:
            part.width = part.wrapped_for = width
            part.height = len(lines) * self.style.leading
        return part

    def minWidth(self):
        style = self.style
        words = [word for part in self.parts for word in part.split()] or [""]
        widest = max(stringWidth(word, style.fontName, style.fontSize) for word in words)
        return widest + style.leftIndent + style.rightIndent

    def drawOn(self, canvas, x, y, _sW=0):
        if self.fallback is not None:
            return self.fallback.drawOn(canvas, x, y, _sW)
        return super().drawOn(canvas, x, y, _sW)

    def draw(self):
        if not self.lines:
            return
        style, canvas = self.style, self.canv  # drawOn has saved the canvas state
        canvas.setFillColor(style.textColor)
        canvas.setFont(style.fontName, style.fontSize, style.leading)
        y = self.height - style.fontSize
        if style.alignment == TA_RIGHT:
            right = self.width - style.rightIndent
            for line in self.lines:
                canvas.drawRightString(right, y, line)
                y -= style.leading
        else:
            text = canvas.beginText(style.leftIndent, y)
            for line in self.lines:
                text.textLine(line)
            canvas.drawText(text)

"""Embedded fonts whose subsets are built once per process, not once per document.

reportlab embeds in each PDF the subset of each TrueType font that holds the characters the
document uses. It builds that subset (`makeSubset`) and compresses it with zlib on every
document (three fonts): the same work from one document to the next but for the few
characters a name or a title adds. Keeping it takes 15 % off a purchase order's build.

Here every document starts its fonts' first subset with the same characters, in the same
order (REPERTOIRE: printable ASCII, the letters of French and of the Latin-1 languages, French
typography, the euro sign). The first subset is then the same for nearly every document: its
font file is built and compressed once per process and kept (`_font_file`). A document using a
character outside the repertoire (a Polish name, say) gets another subset, built as reportlab
builds it. The bytes written are those reportlab writes for the same subset, so a document is
still the same bytes each time it is built. The cost: each PDF carries the repertoire's glyphs
(16 kB more for a purchase order: 69 → 85 kB).
"""

import functools
import string
import zlib

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

REPERTOIRE = (
    string.printable[:95]  # digits, letters, punctuation, space
    + "ÀÂÄÆÇÈÉÊËÎÏÔŒÙÛÜŸàâäæçèéêëîïôœùûüÿ"  # French
    + "ÁÃÅÌÍÑÒÓÕÖØÚÝáãåìíñòóõöøúýß"  # the rest of Latin-1's letters
    + "«»‘’“”–—…€°×·§©®"  # French typography, the euro, units
)


@functools.lru_cache(maxsize=64)  # a few kB each; a rare character makes another
def _font_file(face, subset):
    """`face`'s font file for `subset` (character codes), and that file compressed as
    reportlab's Flate filter compresses it."""
    content = TTFontFace.makeSubset(face, list(subset))
    return content, zlib.compress(content)


class KeptSubsetFace(TTFontFace):
    def makeSubset(self, subset):
        return _font_file(self, tuple(subset))[0]

    def addSubsetObjects(self, doc, fontname, subset):
        reference = super().addSubsetObjects(doc, fontname, subset)
        stream = doc.idToObject[f"fontFile:{self.filename}({fontname})"]
        if stream.filters == [pdfdoc.PDFZCompress]:
            # Already compressed: PDFStream applies no filter to a stream that names its own.
            stream.content = _font_file(self, tuple(subset))[1]
            stream.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
        return reference


class KeptSubsetFont(TTFont):
    """A TrueType font whose usual subsets are built once per process (see the module)."""

    def __init__(self, name, filename):
        super().__init__(name, filename)
        self.face.__class__ = KeptSubsetFace  # the face reportlab read, with these methods


def start_subsets(fonts, doc):
    """Give each font's first subset, in `doc`, the repertoire's characters in its order:
    called before anything is drawn."""
    for font in fonts:
        font.splitString(REPERTOIRE, doc)

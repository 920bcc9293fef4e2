"""Uploaded PDFs (support letters, deliverables, technical memos): size, type and content.

The content check parses the file (pypdf) and walks every object, those inside compressed
object streams included: names are compared once decoded, so `/J#61vaScript` is
`/JavaScript`. A PDF that does not parse, is encrypted, or carries JavaScript, a launch or URI
action, a form submission or an embedded file is refused.
"""

import hashlib
import io
import logging

from django import forms
from django.conf import settings
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, NameObject

# Keys whose presence means active or embedded content.
FORBIDDEN_KEYS = {"/JS", "/JavaScript", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/URI"}
FORBIDDEN_KEYS |= {"/RichMedia", "/XFA"}
# Action types (/S) and object types (/Type, /Subtype) that are refused.
FORBIDDEN_NAMES = {
    "/JavaScript",
    "/Launch",
    "/URI",
    "/SubmitForm",
    "/ImportData",
    "/GoToE",
    "/GoToR",
    "/RichMediaExecute",
    "/Rendition",
    "/EmbeddedFile",
    "/FileAttachment",
}
FORBIDDEN_NAME_KEYS = ("/S", "/Type", "/Subtype")
MAX_OBJECTS = 200_000  # a bomb of objects is refused rather than walked

logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed uploads are our refusal to word


def _walk(value, depth=0):
    """Yield the reason for refusal found in a parsed object (without following references)."""
    if depth > 50:
        return
    if isinstance(value, DictionaryObject):
        for key, item in value.items():
            if key in FORBIDDEN_KEYS:
                yield key
            if key in FORBIDDEN_NAME_KEYS and isinstance(item, NameObject):
                if item in FORBIDDEN_NAMES:
                    yield item
            yield from _walk(item, depth + 1)
    elif isinstance(value, ArrayObject):
        for item in value:
            yield from _walk(item, depth + 1)


def active_content(content):
    """The first forbidden thing found in the PDF's objects, or None. Raises ValueError when
    the file cannot be read as a PDF."""
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            return "/Encrypt"
        numbers = {n for table in reader.xref.values() for n in table}
        numbers |= set(reader.xref_objStm)
        if len(numbers) > MAX_OBJECTS:
            return "trop d'objets"
        for number in sorted(numbers):
            found = next(_walk(reader.get_object(number)), None)
            if found:
                return found
        found = next(_walk(reader.trailer), None)
        if found:
            return found
        if len(reader.pages) == 0:
            raise ValueError("no page")
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise ValueError(str(exc)) from exc
    return None


def validate_pdf(upload):
    """PDF only, size-limited, content checked by parsing. Returns the file's SHA-256."""
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            f"Le fichier dépasse la taille maximale de "
            f"{settings.MAX_UPLOAD_BYTES // (1024 * 1024)} Mo."
        )
    if not upload.name.lower().endswith(".pdf"):
        raise forms.ValidationError("Seuls les fichiers PDF sont acceptés.")
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    if not content.startswith(b"%PDF-"):
        raise forms.ValidationError("Ce fichier n'est pas un PDF valide (en-tête absent).")
    try:
        found = active_content(content)
    except ValueError as exc:
        raise forms.ValidationError(
            "Ce fichier n'est pas un PDF valide : il ne peut pas être lu."
        ) from exc
    if found:
        raise forms.ValidationError(
            "Ce PDF contient du contenu actif ou des fichiers joints "
            f"({found.lstrip('/')}) et a été refusé."
        )
    return hashlib.sha256(content).hexdigest()


class PdfInput(forms.FileInput):
    group_class = "fr-upload-group"  # read by django-dsfr's field template

    def __init__(self, attrs=None):
        super().__init__({"class": "fr-upload", "accept": "application/pdf", **(attrs or {})})


class PdfField(forms.FileField):
    """A checked PDF upload; the cleaned file carries its SHA-256 as `.sha256`."""

    widget = PdfInput

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            upload.sha256 = validate_pdf(upload)
        return upload

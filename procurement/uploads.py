"""Uploaded PDFs (support letters, deliverables, technical memos): size, type and content."""

import hashlib

from django import forms
from django.conf import settings


def validate_pdf(upload):
    """PDF only, size-limited, content checked: header, trailer, and no active content.
    Returns the file's SHA-256."""
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
    if not content.startswith(b"%PDF-") or b"%%EOF" not in content[-2048:]:
        raise forms.ValidationError(
            "Ce fichier n'est pas un PDF valide (en-tête ou fin de fichier absents)."
        )
    if b"/JavaScript" in content or b"/Launch" in content:
        raise forms.ValidationError("Ce PDF contient du contenu actif et a été refusé.")
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

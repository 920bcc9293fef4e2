"""Bounded fields: every text has a length limit and every date a plausible range, in the
model (full_clean, admin) and in the forms built from it."""

import datetime

from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models

TITLE_MAX = 200
TEXT_MAX = 10_000
DATE_MIN = datetime.date(2000, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)
DATE_VALIDATORS = [
    MinValueValidator(DATE_MIN, message="Date invalide : elle doit être postérieure à l'an 2000."),
    MaxValueValidator(DATE_MAX, message="Date invalide : elle doit être antérieure à l'an 2101."),
]


def text_field(verbose_name, **kwargs):
    """Free text, at most TEXT_MAX characters."""
    return models.TextField(
        verbose_name, max_length=TEXT_MAX, validators=[MaxLengthValidator(TEXT_MAX)], **kwargs
    )


def date_field(verbose_name, **kwargs):
    """A date between 2000 and 2100."""
    return models.DateField(verbose_name, validators=DATE_VALIDATORS, **kwargs)

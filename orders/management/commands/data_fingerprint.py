"""`manage.py data_fingerprint`: row counts of every table and the SHA-256 of every stored
document, recomputed from its bytes, as JSON. Two databases with the same fingerprint hold the
same records and identical documents (the backup drill compares a copy with its source)."""

import hashlib
import json

from django.apps import apps
from django.core.management.base import BaseCommand

from orders.models import Document


class Command(BaseCommand):
    help = "Empreinte des données : nombre de lignes par table et SHA-256 des documents."

    def handle(self, *args, **options):
        counts = {
            model._meta.label: model._default_manager.count()
            for model in apps.get_models()
            if model._meta.managed
        }
        documents = {
            str(pk): hashlib.sha256(bytes(content)).hexdigest()
            for pk, content in Document.objects.values_list("pk", "content").iterator()
        }
        self.stdout.write(json.dumps({"rows": counts, "documents": documents}, sort_keys=True))

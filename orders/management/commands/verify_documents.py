"""Recompute the SHA-256 of every stored document and compare it with the one recorded when
it was produced. Exits non-zero, naming each one, on any mismatch: for a scheduled check."""

from django.core.management.base import BaseCommand, CommandError

from orders.models import Document


class Command(BaseCommand):
    help = (
        "Vérifie l'empreinte SHA-256 de chaque document conservé ; code de sortie 1 si l'un "
        "diffère."
    )

    def handle(self, *args, **options):
        checked, altered = 0, []
        for document in Document.objects.order_by("pk").iterator(chunk_size=100):
            checked += 1
            matches, found = document.verify()
            if not matches:
                altered.append(
                    f"  n° {document.pk} — {document.get_kind_display()} {document.reference} "
                    f"v{document.version} ({document.filename}) : enregistrée {document.sha256}, "
                    f"recalculée {found}"
                )
        if altered:
            self.stderr.write("\n".join(["Documents altérés :", *altered]))
            raise CommandError(
                f"{len(altered)} document(s) altéré(s) sur {checked} vérifié(s).", returncode=1
            )
        self.stdout.write(self.style.SUCCESS(f"{checked} document(s) vérifié(s) : tous intègres."))

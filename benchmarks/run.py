"""`make bench` (100 000 orders) and `make bench-quick` (10 000): the performance goals,
measured on PostgreSQL through gunicorn with the production settings, on 127.0.0.1 only.

Each goal is a ratio against a floor measured in the same run: the floor page (a signed-in
view rendering the base template through the same middleware) for pages, a bare openpyxl
script for exports, bare reportlab for the PDF, the PDF's own build time for the issuing lock.
The database is built once per size (demo reference data, then orders in bulk) and kept for
the next run. Prints one row per goal; exits 1 if one fails. Never part of `.ci/run`.
"""

import os
import sys
import time

from benchmarks import server

ROWS = int(os.getenv("BENCH_ROWS", "100000"))
ROUNDS = int(os.getenv("BENCH_ROUNDS", "7"))
LOAD_USERS = int(os.getenv("BENCH_USERS", "50"))
LOAD_SECONDS = int(os.getenv("BENCH_SECONDS", "60"))
ISSUES = int(os.getenv("BENCH_ISSUES", "120"))


class Table:
    def __init__(self):
        self.rows = []

    def add(self, goal, measured, anchor, ratio, target, passed):
        self.rows.append((goal, measured, anchor, ratio, target, "oui" if passed else "NON"))
        print(f"  {goal}: {measured} | {anchor} | {ratio} | {target} | {self.rows[-1][-1]}")

    def info(self, goal, measured, anchor, ratio):
        """A figure reported beside the goals, not one of them."""
        self.rows.append((goal, measured, anchor, ratio, "(information)", "—"))
        print(f"  {goal}: {measured} | {anchor} | {ratio} | (information)")

    def markdown(self):
        lines = [
            "| Objectif | Mesuré | Plancher ou repère | Ratio | Cible | Atteint |",
            "|---|---|---|---|---|---|",
        ]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines)

    @property
    def failed(self):
        return [row[0] for row in self.rows if row[-1] == "NON"]


def prepare():
    if server.database_ready(ROWS):
        print(f"database for {ROWS} orders: kept from an earlier run")
        server.tune(ROWS)
        return None
    print(f"building the database for {ROWS} orders")
    start = time.perf_counter()
    server.recreate_database(ROWS)
    server.manage(ROWS, "migrate", "--noinput", "-v", "0")
    server.manage(ROWS, "seed_demo", "--allow-production")
    import django

    django.setup()
    from benchmarks import data

    filled = data.fill(ROWS)
    server.tune(ROWS)
    server.mark_ready(ROWS)
    print(f"built in {time.perf_counter() - start:.0f} s (orders in bulk: {filled:.0f} s)")
    return filled


def main():
    os.environ.update(server.environment(ROWS))
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    started = time.perf_counter()
    table = Table()
    filled = prepare()
    server.manage(ROWS, "migrate", "--noinput", "-v", "0")  # a kept database gets new indexes
    server.manage(ROWS, "collectstatic", "--noinput", "-v", "0")
    import django

    django.setup()
    from benchmarks import documents, issuing, load, pages

    if filled is not None:
        table.add(
            f"Données : {ROWS} commandes en masse",
            f"{filled:.0f} s",
            "—",
            "—",
            "< 120 s",
            filled < 120,
        )
    listed = pages.page_list(ROWS)
    counts = {(u, p): pages.count_queries(u, p) for _, u, p, _ in listed}
    users = {user for _, user, _, _ in listed}
    cookies = {user: server.session_cookie(user) for user in users}
    bounds = pages.bound_list()
    counts.update({(u, p): pages.count_queries(u, p) for _, u, p, _ in bounds})
    with server.Gunicorn(ROWS):
        pages.in_service(listed + bounds, cookies)
        floor, medians = pages.measure(listed, cookies, ROUNDS)
        for label, user, path, budget in listed:
            key = (user, path)
            ratio = medians[key] / floor
            table.add(
                f"Page « {label} »",
                f"{medians[key]:.1f} ms, {counts[key]} requêtes",
                f"plancher {floor:.1f} ms",
                f"{ratio:.2f}",
                f"≤ 2 et ≤ {budget} requêtes",
                ratio <= 2 and counts[key] <= budget,
            )
        # What the detail pages' query counts cost by themselves, against the same floor.
        bound_floor, bound = pages.measure(bounds, cookies, ROUNDS)
        for label, user, path, _ in bounds:
            table.info(
                f"Page « {label} »",
                f"{bound[(user, path)]:.1f} ms, {counts[(user, path)]} requêtes",
                f"plancher {bound_floor:.1f} ms",
                f"{bound[(user, path)] / bound_floor:.2f}",
            )
        # The same pages right after a change: what a view costs when nothing is kept.
        cold_floor, cold = pages.measure(pages.cold_list(), cookies, ROUNDS, pages.touch)
        for label, user, path in pages.cold_list():
            table.info(
                f"Page « {label} », juste après une modification",
                f"{cold[(user, path)]:.1f} ms",
                f"plancher {cold_floor:.1f} ms",
                f"{cold[(user, path)] / cold_floor:.2f}",
            )
        browse = {
            "acheteur": [p for _, u, p, _ in listed if u == "acheteur"],
            "pilote35": ["/", "/demandes/", "/commandes/"],
            "finance": ["/", "/commandes/", "/commandes/?sort=-amount&page=3"],
        }
        latencies, errors, rate = load.run(browse, cookies, users=LOAD_USERS, seconds=LOAD_SECONDS)
        p95 = load.percentile(latencies, 0.95)
        table.add(
            f"Charge : {LOAD_USERS} utilisateurs, {LOAD_SECONDS} s",
            f"p95 {p95:.0f} ms, {rate:.1f} req/s, {len(errors)} erreurs",
            f"plancher {floor:.1f} ms",
            "—",
            "p95 < 300 ms, 0 erreur",
            p95 < 300 and not errors,
        )
    for kind, label in (("orders", "Registre des commandes"), ("teams", "Affectation")):
        figures = documents.export_figures(ROWS, kind)
        app, bare = figures["app"], figures["bare"]
        ratio = app["seconds"] / bare["seconds"]
        table.add(
            f"Export « {label} » ({app['rows']} lignes)",
            f"{app['seconds']:.1f} s, +{app['growth_mb']:.0f} Mo",
            f"openpyxl seul {bare['seconds']:.1f} s, +{bare['growth_mb']:.0f} Mo",
            f"{ratio:.2f}",
            "≤ 1,2 et < 100 Mo",
            ratio <= 1.2 and app["growth_mb"] < 100,
        )
    buyer, drafts = issuing.drafts(ISSUES + 1)
    app_ms, bare_ms, flowed_ms, page_count = documents.pdf_figures_apart(ROWS, drafts[0])
    table.add(
        f"PDF du bon de commande ({page_count} p.)",
        f"{app_ms:.1f} ms",
        f"reportlab seul {bare_ms:.1f} ms",
        f"{app_ms / bare_ms:.2f}",
        "≤ 1,5",
        app_ms / bare_ms <= 1.5,
    )
    table.info(
        "PDF : mise en page de reportlab seule (mêmes textes, un paragraphe chacun)",
        f"{flowed_ms:.1f} ms",
        f"reportlab seul {bare_ms:.1f} ms",
        f"{flowed_ms / bare_ms:.2f} (le PDF du bon : {app_ms / flowed_ms:.2f} de celle-ci)",
    )
    result = issuing.issue_concurrently(drafts[1:], buyer, buyers=8)
    sound = issuing.check_ledger(drafts[1].agreement_id, drafts[1:])
    table.add(
        "Émission : 8 acheteurs concurrents",
        f"{result['rate']:.1f} bons/s, verrou médian {result['held_ms']:.1f} ms",
        f"PDF {result['build_ms']:.1f} ms",
        f"verrou − PDF = {result['held_ms'] - result['build_ms']:.1f} ms",
        "≥ 20 bons/s, verrou ≤ PDF + 15 ms",
        result["rate"] >= 20 and result["held_ms"] <= result["build_ms"] + 15,
    )
    table.add(
        "Émission : numéros et plafond",
        f"{len(result['errors'])} refus",
        "—",
        "—",
        "sans trou ni dépassement, aucun refus",
        sound and not result["errors"],
    )
    print()
    print(f"{ROWS} commandes, PostgreSQL, gunicorn (gunicorn.conf.py), {os.cpu_count()} cœurs")
    print(f"durée totale : {time.perf_counter() - started:.0f} s")
    print(table.markdown())
    if table.failed:
        print("\nNon atteints : " + "; ".join(table.failed))
        sys.exit(1)


if __name__ == "__main__":
    sys.path.insert(0, str(server.ROOT))
    main()

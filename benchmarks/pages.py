"""Pages through gunicorn, each timed interleaved with the floor page, and their query counts
(the same view run in-process on the same database, counting every query)."""

import runpy
import statistics

from benchmarks.server import ROOT, get

PAGE_SIZE = 25
DEEP_PAGE = 200
BUDGET_LIST = 10
BUDGET_DETAIL = 15
# The server's database connections: one per thread of each worker, read from the
# gunicorn.conf.py the bench serves with (6 on a 2-core machine).
_SERVED = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
CONNECTIONS = _SERVED["workers"] * _SERVED["threads"]
WARM_DETAIL = 10 * CONNECTIONS


def page_list(rows):
    """(label, user, path, query budget) for every list, dashboard and detail page."""
    from django.db.models import Max
    from django.urls import reverse

    from framework_agreements.models import FrameworkAgreement
    from orders.filters import ORDER_SORTS, REQUEST_SORTS
    from orders.models import (
        Consultation,
        Invoice,
        PurchaseOrder,
        SubsequentContract,
        TeamRequest,
    )
    from teams.models import Expert

    order = PurchaseOrder.objects.filter(state="closed").latest("pk")
    invoice = Invoice.objects.filter(purchase_order=order).get()
    expert = Expert.objects.get(pk=order.team.members.order_by("pk").first().expert_id)
    agreement = FrameworkAgreement.objects.get(pk=order.agreement_id)
    consultation = Consultation.objects.order_by("pk").first()
    contract = SubsequentContract.objects.order_by("pk").first()
    request = TeamRequest.objects.filter(service=order.request.service).aggregate(m=Max("pk"))
    pages = [
        ("tableau de bord (acheteur)", "acheteur", "/", BUDGET_LIST),
        ("tableau de bord (pilote)", "pilote35", "/", BUDGET_LIST),
        ("tableau de bord (finances)", "finance", "/", BUDGET_LIST),
    ]
    for name, sorts, label in (
        ("orders:order_list", ORDER_SORTS, "bons de commande"),
        ("orders:request_list", REQUEST_SORTS, "demandes"),
    ):
        url = reverse(name)
        for key in sorts:
            for sort in (key, f"-{key}"):
                for page in (1, DEEP_PAGE):
                    pages.append(
                        (
                            f"{label}, tri {sort}, p. {page}",
                            "acheteur",
                            f"{url}?sort={sort}&page={page}",
                            BUDGET_LIST,
                        )
                    )
    pages += [
        ("consultations", "acheteur", reverse("orders:consultation_list"), BUDGET_LIST),
        ("registre des documents", "acheteur", reverse("orders:document_register"), BUDGET_LIST),
        (
            "registre des documents, p. 200",
            "acheteur",
            reverse("orders:document_register") + f"?page={DEEP_PAGE}",
            BUDGET_LIST,
        ),
        (
            "registre des documents (pilote)",
            "pilote35",
            reverse("orders:document_register"),
            BUDGET_LIST,
        ),
        ("experts", "acheteur", reverse("teams:expert_list"), BUDGET_LIST),
        ("accords-cadres", "acheteur", reverse("agreements:list"), BUDGET_LIST),
        ("mes exports", "finance", reverse("exports:list"), BUDGET_LIST),
        ("journal", "admin", reverse("audit_log"), BUDGET_LIST),
        ("bon de commande", "acheteur", order.get_absolute_url(), BUDGET_DETAIL),
        (
            "demande",
            "acheteur",
            reverse("orders:request_detail", args=[request["m"]]),
            BUDGET_DETAIL,
        ),
        ("facture", "finance", reverse("orders:invoice_detail", args=[invoice.pk]), BUDGET_DETAIL),
        (
            "accord-cadre",
            "acheteur",
            reverse("agreements:detail", args=[agreement.pk]),
            BUDGET_DETAIL,
        ),
        (
            "titulaire",
            "acheteur",
            reverse("agreements:holder", args=[order.holder_id]),
            BUDGET_DETAIL,
        ),
        ("expert", "acheteur", reverse("teams:expert_detail", args=[expert.pk]), BUDGET_DETAIL),
        ("équipe", "acheteur", reverse("teams:team_detail", args=[order.team_id]), BUDGET_DETAIL),
    ]
    if consultation:
        pages.append(
            (
                "consultation",
                "acheteur",
                reverse("orders:consultation_detail", args=[consultation.pk]),
                BUDGET_DETAIL,
            )
        )
    if contract:
        pages.append(("marché subséquent", "acheteur", contract.get_absolute_url(), BUDGET_DETAIL))
    return pages


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


_clients = {}


def count_queries(username, path):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    if username not in _clients:
        _clients[username] = Client()
        _clients[username].force_login(get_user_model().objects.get(username=username))
    client = _clients[username]
    # Once first: what a process reads once for its lifetime (the content type a page's
    # e-mails name) is not what each request costs.
    client.get(path)
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        status = client.get(path).status_code
    assert status == 200, (path, status)
    return counter.count


def bound_list():
    """(label, user, path, budget) of the floor page made to read single rows until it has
    run as many queries as the holder page (6), the order page (13) and the detail budget
    (15): what a detail page's query count costs on this stack by itself, before it joins,
    prefetches or renders anything (benchmarks.urls.floor_reads). Reported beside the goals,
    not as one."""
    from django.urls import reverse

    own = count_queries("acheteur", reverse("bench_floor"))  # the session and the user
    return [
        (
            f"plancher + lectures d'une ligne, {n} requêtes en tout",
            "acheteur",
            reverse("bench_floor_reads", args=[n - own]),
            BUDGET_DETAIL,
        )
        for n in (6, 13, BUDGET_DETAIL)
    ]


def cold_list():
    """(label, user, path) of pages measured right after a change to what they show: the
    figures and rows they keep are computed afresh (touch)."""
    from django.urls import reverse

    return [
        ("tableau de bord (acheteur)", "acheteur", "/"),
        ("tableau de bord (pilote)", "pilote35", "/"),
        ("tableau de bord (finances)", "finance", "/"),
        ("bons de commande, p. 1", "acheteur", reverse("orders:order_list")),
        ("bons de commande, p. 200", "acheteur", reverse("orders:order_list") + "?page=200"),
        ("demandes, p. 1", "acheteur", reverse("orders:request_list")),
        ("registre des documents (pilote)", "pilote35", reverse("orders:document_register")),
    ]


def touch():
    """A change to an order, a request and a consultation, as a user's save writes it (a
    history row each): every marker those pages keep their figures and rows under moves."""
    from orders.models import Consultation, PurchaseOrder, TeamRequest

    for model in (PurchaseOrder, TeamRequest, Consultation):
        row = model.objects.order_by("-pk").first()
        if row is not None:
            row.save()


def in_service(pages, cookies):
    """Each detail page asked for as a server in service has been: WARM_DETAIL times, by
    CONNECTIONS clients at once, so that every database connection of the server has run
    its statements past PostgreSQL's five custom plans (settings.postgresql_options). A
    page's statements are the same for every order, contract or expert, so a server in use
    runs them all day long."""
    from concurrent.futures import ThreadPoolExecutor

    details = [(user, path) for _, user, path, budget in pages if budget == BUDGET_DETAIL]
    with ThreadPoolExecutor(CONNECTIONS) as pool:
        for user, path in details:
            answers = pool.map(get, [path] * WARM_DETAIL, [cookies[user]] * WARM_DETAIL)
            assert {status for status, _ms, _length in answers} == {200}, path


def measure(pages, cookies, rounds, before=None):
    """Median milliseconds of each page and of the floor, measured alternately; `before()`
    runs, untimed, before each page."""
    floor = []
    times = {(user, path): [] for _, user, path, *_ in pages}
    for _, user, path, *_ in pages:  # warm every worker's caches once
        for _ in range(3):
            get(path, cookies[user])
    for _ in range(rounds):
        for _, user, path, *_ in pages:
            status, ms, _ = get("/bench/floor/", cookies["acheteur"])
            assert status == 200, status
            floor.append(ms)
            if before is not None:
                before()
            status, ms, _ = get(path, cookies[user])
            assert status == 200, (path, status)
            times[(user, path)].append(ms)
    return statistics.median(floor), {key: statistics.median(t) for key, t in times.items()}

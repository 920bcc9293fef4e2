"""The scoring arithmetic of a re-competition (orders/scoring.py)."""

from decimal import Decimal

from orders import scoring

CRITERIA = [
    {"key": "territory", "label": "Territoire", "weight": 20},
    {"key": "method", "label": "Méthode", "weight": 20},
    {"key": "team", "label": "Équipe", "weight": 20},
]


def test_worked_example_a_96000_b_104000_c_120000_b_wins_with_86_92():
    """Price weight 40; three technical sub-criteria of weight 20.
    A 96 000 € marks (6, 7, 5); B 104 000 € (8, 8, 9); C 120 000 € (9, 9, 9).
    Price points: A 40.00, B 96 000 / 104 000 × 40 = 36.923… → 36.92, C 32.00.
    Technical: A 12 + 14 + 10 = 36.00, B 50.00, C 54.00. Totals A 76.00, B 86.92, C 86.00."""
    entries = [
        ("A", Decimal("96000"), {"territory": 6, "method": 7, "team": 5}),
        ("B", Decimal("104000"), {"territory": 8, "method": 8, "team": 9}),
        ("C", Decimal("120000"), {"territory": 9, "method": 9, "team": 9}),
    ]
    results = {r.key: r for r in scoring.rank(entries, CRITERIA, Decimal("40"))}
    assert [results[k].price_points for k in "ABC"] == [
        Decimal("40.00"),
        Decimal("36.92"),
        Decimal("32.00"),
    ]
    assert [results[k].technical_total for k in "ABC"] == [
        Decimal("36.00"),
        Decimal("50.00"),
        Decimal("54.00"),
    ]
    assert [results[k].total for k in "ABC"] == [
        Decimal("76.00"),
        Decimal("86.92"),
        Decimal("86.00"),
    ]
    assert [results[k].rank for k in "BCA"] == [1, 2, 3]


def test_in_the_worked_example_no_offer_is_abnormally_low():
    """A is 14.3 % below the mean of the others ((104 000 + 120 000) / 2 = 112 000)."""
    prices = {"A": Decimal("96000"), "B": Decimal("104000"), "C": Decimal("120000")}
    assert scoring.abnormally_low(prices, Decimal("30")) == set()
    assert scoring.gap_to_others(prices, "A") == Decimal("14.29")


def test_an_offer_more_than_30_percent_below_the_others_is_flagged():
    """70 000 € against a mean of 112 000 €: 37.5 % below."""
    prices = {"A": Decimal("70000"), "B": Decimal("104000"), "C": Decimal("120000")}
    assert scoring.abnormally_low(prices, Decimal("30")) == {"A"}
    assert scoring.abnormally_low(prices, Decimal("40")) == set()  # the threshold is set


def test_with_fewer_than_three_offers_no_offer_is_flagged_by_the_rule():
    assert scoring.abnormally_low({"A": Decimal("1"), "B": Decimal("100000")}, 30) == set()


def test_ties_go_to_the_higher_technical_total_then_the_lower_price():
    """Same total 90: X has 60 technical + 30 price, Y 50 + 40 (Y is cheaper): X wins."""
    criteria = [{"key": "t", "label": "T", "weight": 60}]
    entries = [
        ("Y", Decimal("75000"), {"t": Decimal("8.3333")}),  # 50.00 technical, 40.00 price
        ("X", Decimal("100000"), {"t": 10}),  # 60.00 technical, 30.00 price
    ]
    results = scoring.rank(entries, criteria, Decimal("40"))
    assert [r.total for r in results] == [Decimal("90.00"), Decimal("90.00")]
    assert [r.key for r in results] == ["X", "Y"]
    same = scoring.rank(
        [("P", Decimal("100"), {"t": 5}), ("Q", Decimal("100"), {"t": 5})], criteria, 40
    )
    assert [r.rank for r in same] == [1, 2]


def test_points_round_half_up_to_two_decimals():
    assert scoring.technical_points(Decimal("7.125"), 20) == Decimal("14.25")
    assert scoring.price_points(Decimal("1"), Decimal("3"), 40) == Decimal("13.33")
    assert scoring.price_points(Decimal("2"), Decimal("3"), 40) == Decimal("26.67")

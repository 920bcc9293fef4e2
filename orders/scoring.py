"""The scoring of a re-competition, as pure arithmetic (R2162-10: award to the best offer
under the announced criteria; R2152-3 to R2152-5: abnormally low offers).

- A technical sub-criterion is marked 0 to 10 and earns mark / 10 × its weight.
- Price earns lowest price / offer price × the price weight.
- Points are rounded half-up to two decimals; the total is out of 100.
- Ties: the higher technical total wins, then the lower price.
- With three offers or more, an offer priced more than the threshold (30 % by default) below
  the mean of the other offers is flagged as abnormally low.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

HUNDREDTH = Decimal("0.01")


def half_up(value):
    return Decimal(value).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def technical_points(mark, weight):
    return half_up(Decimal(mark) / 10 * Decimal(weight))


def price_points(lowest, price, weight):
    return half_up(Decimal(lowest) / Decimal(price) * Decimal(weight))


@dataclass
class Result:
    key: object
    price: Decimal
    technical: dict = field(default_factory=dict)  # criterion key -> points
    price_points: Decimal = Decimal("0.00")
    rank: int | None = None

    @property
    def technical_total(self):
        return sum(self.technical.values(), Decimal("0.00"))

    @property
    def total(self):
        return self.technical_total + self.price_points


def rank(entries, technical_criteria, price_weight):
    """entries: [(key, price, {criterion key: mark})] of the offers to rank (not rejected).
    Returns their Results, best first, ranked 1, 2, …"""
    if not entries:
        return []
    lowest = min(price for _, price, _ in entries)
    results = []
    for key, price, marks in entries:
        result = Result(key=key, price=Decimal(price))
        for criterion in technical_criteria:
            result.technical[criterion["key"]] = technical_points(
                marks[criterion["key"]], criterion["weight"]
            )
        result.price_points = price_points(lowest, price, price_weight)
        results.append(result)
    results.sort(key=lambda r: (-r.total, -r.technical_total, r.price))
    for position, result in enumerate(results, 1):
        result.rank = position
    return results


def abnormally_low(prices, percent):
    """{key: price} -> the keys priced more than `percent` % below the mean of the others.
    Only with three offers or more: with fewer, the buyer flags one by hand."""
    if len(prices) < 3:
        return set()
    flagged = set()
    for key, price in prices.items():
        others = [p for k, p in prices.items() if k != key]
        mean = sum(others, Decimal("0")) / len(others)
        if Decimal(price) < mean * (1 - Decimal(percent) / 100):
            flagged.add(key)
    return flagged


def gap_to_others(prices, key):
    """How far below (positive) the mean of the other offers this offer is, in %."""
    others = [p for k, p in prices.items() if k != key]
    if not others:
        return None
    mean = sum(others, Decimal("0")) / len(others)
    return half_up((mean - Decimal(prices[key])) / mean * 100)

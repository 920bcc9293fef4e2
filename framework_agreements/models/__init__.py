"""Models of framework agreements, one module per kind; import them from here."""

from .agreements import (
    CPV_URBAN_PLANNING,
    MAX_DURATION_MONTHS,
    AllocationRule,
    FrameworkAgreement,
    Lot,
    Mechanism,
    Procedure,
    add_months,
)
from .holders import (
    Company,
    ConsortiumType,
    Holder,
    HolderKind,
    LotHolding,
    PriceLine,
    validate_siret,
)
from .indices import SyntecIndex
from .ledger import CommitmentEntry, CommitmentKind, NumberSequence

__all__ = [
    "CPV_URBAN_PLANNING",
    "MAX_DURATION_MONTHS",
    "AllocationRule",
    "CommitmentEntry",
    "CommitmentKind",
    "Company",
    "ConsortiumType",
    "FrameworkAgreement",
    "Holder",
    "HolderKind",
    "Lot",
    "LotHolding",
    "Mechanism",
    "NumberSequence",
    "PriceLine",
    "Procedure",
    "SyntecIndex",
    "add_months",
    "validate_siret",
]

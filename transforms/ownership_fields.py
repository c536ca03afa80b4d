"""What an `ownershipDocument` holds: each XML leaf, the column it fills, and the map of every known element path.

Layout follows the EDGAR Ownership XML Technical Specification (v3), plus `aff10b5One` (2023) and the
2026 foreign-issuer fields. The parser, the table schemas, the coverage report and the data dictionary all
read these declarations, so they cannot drift apart.
"""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Leaf:
    """One XML leaf → one column: `path` below its parent, `kind` of value, `wrapped` in `<value>`.

    `schema_version` is the warehouse schema that added the column (1: the baseline). A later one goes last in its
    table (transforms/tables.py), where the migration that adds it (`alter table … add column`) puts it too, so an
    upgraded warehouse has the columns of a new one in the same order.
    """

    column: str
    path: str
    kind: str = "text"
    wrapped: bool = True
    schema_version: int = 1


def _value_leaves(*specs: tuple[str, str, str]) -> tuple[Leaf, ...]:
    return tuple(Leaf(column, path, kind) for column, path, kind in specs)


def _plain_leaves(*specs: tuple[str, str, str]) -> tuple[Leaf, ...]:
    return tuple(Leaf(column, path, kind, wrapped=False) for column, path, kind in specs)


DOCUMENT_LEAVES = _plain_leaves(
    ("schema_version", "schemaVersion", "text"),
    ("document_type", "documentType", "text"),
    ("period_of_report", "periodOfReport", "date"),
    ("date_of_original_submission", "dateOfOriginalSubmission", "date"),
    ("no_securities_owned", "noSecuritiesOwned", "bool"),
    ("not_subject_to_section16", "notSubjectToSection16", "bool"),
    ("form3_holdings_reported", "form3HoldingsReported", "bool"),
    ("form4_transactions_reported", "form4TransactionsReported", "bool"),
    ("aff10b5_one", "aff10b5One", "bool"),
    ("issuer_cik", "issuer/issuerCik", "cik"),
    ("issuer_name", "issuer/issuerName", "text"),
    ("issuer_trading_symbol", "issuer/issuerTradingSymbol", "text"),
    ("issuer_foreign_trading_symbol", "issuer/issuerForeignTradingSymbol", "text"),
    ("remarks", "remarks", "text"),
)

OWNER_LEAVES = _plain_leaves(
    ("owner_cik", "reportingOwnerId/rptOwnerCik", "cik"),
    ("owner_ccc", "reportingOwnerId/rptOwnerCcc", "text"),
    ("owner_name", "reportingOwnerId/rptOwnerName", "text"),
    ("street1", "reportingOwnerAddress/rptOwnerStreet1", "text"),
    ("street2", "reportingOwnerAddress/rptOwnerStreet2", "text"),
    ("city", "reportingOwnerAddress/rptOwnerCity", "text"),
    ("state", "reportingOwnerAddress/rptOwnerState", "text"),
    ("zip_code", "reportingOwnerAddress/rptOwnerZipCode", "text"),
    ("state_description", "reportingOwnerAddress/rptOwnerStateDescription", "text"),
    ("good_address", "reportingOwnerAddress/rptOwnerGoodAddress", "bool"),
    ("non_us_address_flag", "reportingOwnerAddress/rptOwnerNonUSAddressFlag", "bool"),
    ("non_us_state_territory", "reportingOwnerAddress/rptOwnerNonUSStateTerritory", "text"),
    ("country", "reportingOwnerAddress/rptOwnerCountry", "text"),
    ("is_director", "reportingOwnerRelationship/isDirector", "bool"),
    ("is_officer", "reportingOwnerRelationship/isOfficer", "bool"),
    ("is_ten_percent_owner", "reportingOwnerRelationship/isTenPercentOwner", "bool"),
    ("is_other", "reportingOwnerRelationship/isOther", "bool"),
    ("officer_title", "reportingOwnerRelationship/officerTitle", "text"),
    ("other_text", "reportingOwnerRelationship/otherText", "text"),
)

_SECURITY = _value_leaves(("security_title", "securityTitle", "text"))
_DERIVATIVE_TERMS = _value_leaves(
    ("conversion_or_exercise_price", "conversionOrExercisePrice", "decimal"),
    ("exercise_date", "exerciseDate", "date"),
    ("expiration_date", "expirationDate", "date"),
    ("underlying_security_title", "underlyingSecurity/underlyingSecurityTitle", "text"),
    ("underlying_security_shares", "underlyingSecurity/underlyingSecurityShares", "decimal"),
    ("underlying_security_value", "underlyingSecurity/underlyingSecurityValue", "decimal"),
)
_POST_AND_NATURE = _value_leaves(
    ("shares_owned_following_transaction", "postTransactionAmounts/sharesOwnedFollowingTransaction", "decimal"),
    ("value_owned_following_transaction", "postTransactionAmounts/valueOwnedFollowingTransaction", "decimal"),
    ("direct_or_indirect_ownership", "ownershipNature/directOrIndirectOwnership", "text"),
    ("nature_of_ownership", "ownershipNature/natureOfOwnership", "text"),
)
_TRANSACTION_ONLY = (
    *_value_leaves(
        ("transaction_date", "transactionDate", "date"),
        ("deemed_execution_date", "deemedExecutionDate", "date"),
    ),
    *_plain_leaves(
        ("transaction_form_type", "transactionCoding/transactionFormType", "text"),
        ("transaction_code", "transactionCoding/transactionCode", "text"),
        ("equity_swap_involved", "transactionCoding/equitySwapInvolved", "bool"),
    ),
    *_value_leaves(
        ("transaction_timeliness", "transactionTimeliness", "text"),
        ("transaction_shares", "transactionAmounts/transactionShares", "decimal"),
        ("transaction_total_value", "transactionAmounts/transactionTotalValue", "decimal"),
        ("transaction_price_per_share", "transactionAmounts/transactionPricePerShare", "decimal"),
        ("transaction_acquired_disposed_code", "transactionAmounts/transactionAcquiredDisposedCode", "text"),
    ),
)
TRANSACTION_LEAVES = (*_SECURITY, *_TRANSACTION_ONLY, *_DERIVATIVE_TERMS, *_POST_AND_NATURE)
HOLDING_LEAVES = (
    *_SECURITY,
    *_plain_leaves(("transaction_form_type", "transactionCoding/transactionFormType", "text")),
    *_DERIVATIVE_TERMS,
    *_POST_AND_NATURE,
)
SIGNATURE_LEAVES = _plain_leaves(
    ("signature_name", "signatureName", "text"),
    ("signature_date", "signatureDate", "date"),
)
# Footnotes may also hang on a whole block rather than on one of its leaves.
BLOCK_FOOTNOTES = {"transaction_coding_footnote_ids": "transactionCoding"}

ROW_KINDS = {
    "nonDerivativeTable/nonDerivativeTransaction": ("transactions", "non_derivative"),
    "nonDerivativeTable/nonDerivativeHolding": ("holdings", "non_derivative"),
    "derivativeTable/derivativeTransaction": ("transactions", "derivative"),
    "derivativeTable/derivativeHolding": ("holdings", "derivative"),
}

CONTAINER = "(container)"
ROOT = "ownershipDocument"


def _add_leaves(mapping: dict[str, str], prefix: str, table: str, leaves: Iterable[Leaf]) -> None:
    for leaf in leaves:
        parts = leaf.path.split("/")
        for depth in range(1, len(parts)):
            mapping.setdefault("/".join([prefix, *parts[:depth]]), CONTAINER)
        path = "/".join([prefix, *parts])
        if leaf.wrapped:
            mapping[path] = CONTAINER
            mapping[f"{path}/value"] = f"{table}.{leaf.column}"
            mapping[f"{path}/footnoteId"] = f"{table}.{leaf.column}_footnote_ids"
        else:
            mapping[path] = f"{table}.{leaf.column}"


def element_destinations() -> dict[str, str]:
    """Every element path the parser reads → the column it fills (or CONTAINER for grouping elements)."""
    mapping: dict[str, str] = {ROOT: CONTAINER, f"{ROOT}/reportingOwner": CONTAINER}
    _add_leaves(mapping, ROOT, "filings", DOCUMENT_LEAVES)
    _add_leaves(mapping, f"{ROOT}/reportingOwner", "filing_owners", OWNER_LEAVES)
    for row_path, (table, _) in ROW_KINDS.items():
        prefix = f"{ROOT}/{row_path}"
        mapping.setdefault(prefix.rsplit("/", 1)[0], CONTAINER)
        mapping[prefix] = f"{table} (one row)"
        _add_leaves(mapping, prefix, table, TRANSACTION_LEAVES if table == "transactions" else HOLDING_LEAVES)
        for column, block in BLOCK_FOOTNOTES.items():
            mapping[f"{prefix}/{block}/footnoteId"] = f"{table}.{column}"
    mapping[f"{ROOT}/footnotes"] = CONTAINER
    mapping[f"{ROOT}/footnotes/footnote"] = "footnotes.footnote_text (@id: footnote_id)"
    mapping[f"{ROOT}/ownerSignature"] = "signatures (one row)"
    _add_leaves(mapping, f"{ROOT}/ownerSignature", "signatures", SIGNATURE_LEAVES)
    return mapping


# Paths the parser reads; any other element is kept verbatim in unknown_elements.
KNOWN_PATHS = frozenset(tuple(path.split("/")) for path in element_destinations())

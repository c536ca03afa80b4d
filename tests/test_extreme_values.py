"""Extreme but valid figures: every numeric column at the edges of DECIMAL(38, 6), through the refresh and every
model. The filing tables keep each figure exactly; the models flag what they cannot compute with, never fail."""

from datetime import date, datetime
from decimal import Decimal, localcontext
from pathlib import Path

import pytest

from mirror.envelope import submission
from orchestration.model_assets import calendar_frame
from orchestration.warehouse_connection import connect, ensure_schema
from orchestration.warehouse_load import load_filings
from orchestration.warehouse_refresh import refresh_model
from tests.test_sql_models import build_in_dependency_order
from transforms.normalize import NormalizedFiling, normalize_submission, to_frames

# The largest and smallest figures a DECIMAL(38, 6) column holds, the smallest step, and the largest the models
# compute with (sql/views/model_amounts.sql: |amount| < 10^13).
TOP = "99999999999999999999999999999999.999999"
BOTTOM = "-" + TOP
STEP = "0.000001"
MODEL_TOP = "9999999999999.999999"
ISSUER = 7000001
SHARES_AFTER, VALUE_AFTER = "sharesOwnedFollowingTransaction", "valueOwnedFollowingTransaction"
NUMERIC_ELEMENTS = {  # every decimal element of a line, as the filing tables name them
    "transaction_shares",
    "transaction_total_value",
    "transaction_price_per_share",
    "conversion_or_exercise_price",
    "underlying_security_shares",
    "underlying_security_value",
    "shares_owned_following_transaction",
    "value_owned_following_transaction",
}


def owner(cik: int) -> str:
    return (
        f"<reportingOwner><reportingOwnerId><rptOwnerCik>{cik:010d}</rptOwnerCik><rptOwnerName>Owner {cik}"
        "</rptOwnerName></reportingOwnerId><reportingOwnerRelationship><isDirector>1</isDirector>"
        "</reportingOwnerRelationship></reportingOwner>"
    )


def nature(direct: str = "D", text: str | None = None) -> str:
    extra = f"<natureOfOwnership><value>{text}</value></natureOfOwnership>" if text else ""
    form = f"<directOrIndirectOwnership><value>{direct}</value></directOrIndirectOwnership>"
    return f"<ownershipNature>{form}{extra}</ownershipNature>"


def table_one_trade(day: str, code: str, shares: str, price: str, after: str, acquired: str = "A") -> str:
    return (
        f"<nonDerivativeTransaction><securityTitle><value>Common Stock</value></securityTitle>"
        f"<transactionDate><value>{day}</value></transactionDate><transactionCoding><transactionFormType>4"
        f"</transactionFormType><transactionCode>{code}</transactionCode><equitySwapInvolved>0</equitySwapInvolved>"
        f"</transactionCoding><transactionAmounts><transactionShares><value>{shares}</value></transactionShares>"
        f"<transactionPricePerShare><value>{price}</value></transactionPricePerShare>"
        f"<transactionAcquiredDisposedCode><value>{acquired}</value></transactionAcquiredDisposedCode>"
        f"</transactionAmounts><postTransactionAmounts><sharesOwnedFollowingTransaction><value>{after}</value>"
        f"</sharesOwnedFollowingTransaction></postTransactionAmounts>{nature()}</nonDerivativeTransaction>"
    )


def table_one_holding(amount: str, element: str, direct: str, text: str | None) -> str:
    return (
        f"<nonDerivativeHolding><securityTitle><value>Common Stock</value></securityTitle><postTransactionAmounts>"
        f"<{element}><value>{amount}</value></{element}></postTransactionAmounts>{nature(direct, text)}"
        "</nonDerivativeHolding>"
    )


def table_two(day: str, figure: str, amount_element: str, underlying_element: str, following_element: str) -> str:
    """An option exercise line whose every figure is `figure`, with the amount, underlying and balance elements
    given (the schema offers a choice of shares or value for each)."""
    return (
        f"<derivativeTransaction><securityTitle><value>Stock Option</value></securityTitle>"
        f"<conversionOrExercisePrice><value>{figure}</value></conversionOrExercisePrice>"
        f"<transactionDate><value>{day}</value></transactionDate><transactionCoding><transactionFormType>4"
        "</transactionFormType><transactionCode>M</transactionCode><equitySwapInvolved>0</equitySwapInvolved>"
        f"</transactionCoding><transactionAmounts><{amount_element}><value>{figure}</value></{amount_element}>"
        f"<transactionPricePerShare><value>{figure}</value></transactionPricePerShare>"
        "<transactionAcquiredDisposedCode><value>D</value></transactionAcquiredDisposedCode></transactionAmounts>"
        "<exerciseDate><value>2024-01-01</value></exerciseDate><expirationDate><value>2030-01-01</value>"
        "</expirationDate><underlyingSecurity><underlyingSecurityTitle><value>Common Stock</value>"
        f"</underlyingSecurityTitle><{underlying_element}><value>{figure}</value></{underlying_element}>"
        f"</underlyingSecurity><postTransactionAmounts><{following_element}><value>{figure}</value>"
        f"</{following_element}></postTransactionAmounts>{nature()}</derivativeTransaction>"
    )


def table_two_holding(figure: str, underlying_element: str, following_element: str) -> str:
    return (
        f"<derivativeHolding><securityTitle><value>Warrant</value></securityTitle>"
        f"<conversionOrExercisePrice><value>{figure}</value></conversionOrExercisePrice>"
        "<exerciseDate><value>2024-01-01</value></exerciseDate><expirationDate><value>2030-01-01</value>"
        "</expirationDate><underlyingSecurity><underlyingSecurityTitle><value>Common Stock</value>"
        f"</underlyingSecurityTitle><{underlying_element}><value>{figure}</value></{underlying_element}>"
        f"</underlyingSecurity><postTransactionAmounts><{following_element}>"
        f"<value>{figure}</value></{following_element}></postTransactionAmounts>{nature()}"
        "</derivativeHolding>"
    )


def document(owners: list[int], day: str, table_one: list[str], table_two_lines: list[str] = ()) -> bytes:
    two = f"<derivativeTable>{''.join(table_two_lines)}</derivativeTable>" if table_two_lines else ""
    return (
        f"<ownershipDocument><schemaVersion>X0508</schemaVersion><documentType>4</documentType>"
        f"<periodOfReport>{day}</periodOfReport><issuer><issuerCik>{ISSUER:010d}</issuerCik>"
        "<issuerName>Edge Case Corp</issuerName><issuerTradingSymbol>EDGE</issuerTradingSymbol></issuer>"
        f"{''.join(owner(cik) for cik in owners)}<nonDerivativeTable>{''.join(table_one)}</nonDerivativeTable>"
        f"{two}</ownershipDocument>"
    ).encode()


# Five owner groups buy within a week (a cluster whose value sums the extremes), each at an edge of the type.
FILINGS = [
    # At the top: every figure of Table I and II, a trust holding and a value-only holding.
    (
        [1],
        "2024-03-01",
        [
            table_one_trade("2024-03-01", "P", TOP, TOP, TOP),
            table_one_holding(TOP, "sharesOwnedFollowingTransaction", "I", "By trust"),
            table_one_holding(TOP, "valueOwnedFollowingTransaction", "I", "By fund"),
        ],
        [
            table_two("2024-03-01", TOP, "transactionShares", "underlyingSecurityShares", SHARES_AFTER),
            table_two("2024-03-01", TOP, "transactionTotalValue", "underlyingSecurityValue", VALUE_AFTER),
            table_two_holding(TOP, "underlyingSecurityShares", SHARES_AFTER),
            table_two_holding(TOP, "underlyingSecurityValue", VALUE_AFTER),
        ],
    ),
    # At the bottom: negative figures everywhere (a filing may state them; the warehouse keeps what it states).
    (
        [2],
        "2024-03-04",
        [table_one_trade("2024-03-04", "P", BOTTOM, BOTTOM, BOTTOM)],
        [
            table_two("2024-03-04", BOTTOM, "transactionShares", "underlyingSecurityShares", SHARES_AFTER),
            table_two("2024-03-04", BOTTOM, "transactionTotalValue", "underlyingSecurityValue", VALUE_AFTER),
            table_two_holding(BOTTOM, "underlyingSecurityShares", SHARES_AFTER),
            table_two_holding(BOTTOM, "underlyingSecurityValue", VALUE_AFTER),
        ],
    ),
    # The smallest step, and the largest figures the models still compute with.
    ([3], "2024-03-05", [table_one_trade("2024-03-05", "P", STEP, STEP, STEP)], []),
    ([4], "2024-03-06", [table_one_trade("2024-03-06", "P", MODEL_TOP, MODEL_TOP, MODEL_TOP)], []),
    ([5], "2024-03-07", [table_one_trade("2024-03-07", "P", MODEL_TOP, MODEL_TOP, MODEL_TOP)], []),
    # An ordinary buyer beside them, and then a sale out of the top: ownership change against a flagged total.
    ([6], "2024-03-07", [table_one_trade("2024-03-07", "P", "100", "10", "100")], []),
    ([1], "2024-03-08", [table_one_trade("2024-03-08", "S", "1", "10", TOP, acquired="D")], []),
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory):
    path: Path = tmp_path_factory.mktemp("extremes") / "warehouse.duckdb"
    connection = connect(path)
    ensure_schema(connection)
    parsed, accessions = [], []
    for number, (owners, day, one, two) in enumerate(FILINGS, start=1):
        accession = f"0007777777-24-{number:06d}"
        accepted = datetime.fromisoformat(f"{day} 17:00")
        filing = normalize_submission(accession, submission(document(owners, day, one, two), accession, "4", accepted))
        assert isinstance(filing, NormalizedFiling), filing
        parsed.append(filing)
        accessions.append(accession)
    load_filings(connection, accessions, to_frames(parsed), [], [], datetime(2026, 1, 1))
    refresh_model(connection, accessions, calendar_frame(date(2025, 1, 1)))
    build_in_dependency_order(connection)  # raised "Overflow in multiplication of DECIMAL(38)" before the guards
    yield connection
    connection.close()


def rows(connection, sql: str) -> list[tuple]:
    return connection.sql(sql).fetchall()


def product(first: str, second: str) -> Decimal:
    """first * second rounded to six places, exactly (Python's default context keeps only 28 digits)."""
    with localcontext() as context:
        context.prec = 80
        return round(Decimal(first) * Decimal(second), 6)


def test_every_numeric_column_holds_both_edges_exactly(warehouse):
    for table in ("transactions", "holdings"):
        columns = [c for c in warehouse.table(table).columns if c in NUMERIC_ELEMENTS]
        assert len(columns) == (8 if table == "transactions" else 5)
        for column in columns:
            [(highest, lowest)] = rows(warehouse, f"select max({column}), min({column}) from {table}")  # noqa: S608
            assert highest == Decimal(TOP), (table, column)
            assert lowest == Decimal(BOTTOM), (table, column)
    # Positions trace the filed figure exactly, beyond the models' range or not.
    assert rows(warehouse, "select max(shares), min(shares) from positions") == [(Decimal(TOP), Decimal(BOTTOM))]


def test_transaction_values_flag_what_is_beyond_the_models_range(warehouse):
    got = rows(
        warehouse,
        "select owner_group_key, shares, price, value, flag_amount_out_of_range from transaction_values "
        "where table_kind = 'non_derivative' order by transaction_date, owner_group_key",
    )
    top = Decimal(MODEL_TOP)
    assert [row[1:] for row in got] == [
        (None, None, None, True),  # owner 1 at the top
        (None, None, None, True),  # owner 2 at the bottom
        (Decimal(STEP), Decimal(STEP), Decimal("0.000000"), False),  # 10^-12 rounds to 0 at six places
        (top, top, product(MODEL_TOP, MODEL_TOP), False),
        (top, top, product(MODEL_TOP, MODEL_TOP), False),
        (Decimal(100), Decimal(10), Decimal(1000), False),
        (Decimal(1), Decimal(10), Decimal(10), True),  # owner 1's sale: shares after is at the top
    ]


def test_models_sum_only_what_they_can_compute_with(warehouse):
    top_value = product(MODEL_TOP, MODEL_TOP)
    [cluster] = rows(warehouse, "select owner_groups, purchases, value_bought from cluster_buys order by window_start")[
        :1
    ]
    # Owners 3, 4, 5 and 6 (owners 1 and 2 are flagged): four groups, four purchases.
    assert cluster == (4, 4, 2 * top_value + Decimal(1000))
    [(bought, shares_bought)] = rows(
        warehouse, "select value_bought, shares_bought from monthly_insider_activity where month = '2024-03-01'"
    )
    assert bought == 2 * top_value + Decimal(1000)
    assert shares_bought == 2 * Decimal(MODEL_TOP) + Decimal(100) + Decimal(STEP)
    assert rows(warehouse, "select count(*) from net_purchase_ratio where net_purchase_ratio is not null")[0][0] > 0


def test_beneficial_ownership_of_a_group_beyond_the_range_is_null_and_flagged(warehouse):
    got = rows(
        warehouse,
        "select owner_group_key, total_shares, flag_amount_out_of_range from beneficial_ownership "
        "where valid_to is null order by owner_group_key",
    )
    by_group = {group: (total, flag) for group, total, flag in got}
    flagged = {group for group, (_, flag) in by_group.items() if flag}
    assert len(flagged) == 2  # owners 1 and 2
    assert all(total is None for group, (total, _) in by_group.items() if group in flagged)
    assert sorted(total for group, (total, _) in by_group.items() if group not in flagged) == [
        Decimal(STEP),
        Decimal(100),
        Decimal(MODEL_TOP),
        Decimal(MODEL_TOP),
    ]
    # ownership_change leaves out the lines it cannot compute with, and computes the rest.
    assert rows(warehouse, "select count(*), count(group_change_pct) from ownership_change") == [(4, 0)]

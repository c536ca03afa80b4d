"""The ingest job end to end over the project's fixture mirror: real HTTP, real DuckDB file, real Dagster runs."""

from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.checks import CHECKED_ASSETS
from orchestration.sql_files import query_sql_file
from tests.conftest import FIXTURE_MIRROR, materialize_days, read_table, table_rows
from tests.expected_from_xml import expected_from_submission
from transforms.edgar_calendar import closure_reason

FIRST, LAST = date(2025, 1, 2), date(2025, 1, 10)
SERVED = sorted((FIXTURE_MIRROR / "Archives" / "edgar" / "data").glob("*/*.txt"))
KEYED_TABLES = {
    "filings": "accession_number",
    "filing_owners": "accession_number, owner_cik",
    "transactions": "accession_number, table_kind, line_number",
    "holdings": "accession_number, table_kind, line_number",
    "footnotes": "accession_number, footnote_id",
    "signatures": "accession_number, line_number",
    "filing_parties": "accession_number, party_position",
    "index_entries": "accession_number",
    "index_days": "index_date",
    "filing_status": "accession_number",
    "issuers": "issuer_cik, valid_from",
    "owners": "owner_cik, valid_from",
    "securities": "security_title",
    "positions": "position_key, valid_from",
    "beneficial_ownership": "issuer_cik, owner_group_key, security_key, valid_from",
}


def listed_accessions() -> set[str]:
    """Every accession a fixture index names (read with plain string splitting, not the project's parser)."""
    names = set()
    for index in (FIXTURE_MIRROR / "Archives" / "edgar").glob("*-index/2025/QTR1/*.idx"):
        for line in index.read_text(encoding="latin-1").splitlines():
            if line.rstrip().endswith(".txt") and any(
                f" {form} " in f" {line} " or f"|{form}|" in line for form in ("3", "4", "4/A", "5")
            ):
                names.add(line.rstrip().rsplit("/", 1)[1].removesuffix(".txt"))
    return names


@pytest.fixture
def loaded(tmp_path: Path, fixture_mirror):
    result = materialize_days(tmp_path, fixture_mirror.base_url, FIRST, LAST)
    assert result.success
    return tmp_path, fixture_mirror, result


def test_every_well_formed_fixture_filing_is_loaded_with_its_rows(loaded):
    data_dir, _, _ = loaded
    expected = {e.accession_number: e for e in map(expected_from_submission, SERVED) if e is not None}
    rows = read_table(
        data_dir,
        """
        select f.accession_number, f.owner_count,
            (select count(*) from filing_owners o where o.accession_number = f.accession_number),
            (select count(*) from transactions t where t.accession_number = f.accession_number),
            (select count(*) from holdings h where h.accession_number = f.accession_number),
            (select count(*) from footnotes n where n.accession_number = f.accession_number)
        from filings f order by 1
        """,
    )
    assert sorted(expected) == [row[0] for row in rows]
    for accession, owner_count, owners, transactions, holdings, footnotes in rows:
        want = expected[accession]
        assert (owner_count, owners, transactions, holdings, footnotes) == (
            want.owners,
            want.owners,
            want.transactions,
            want.holdings,
            want.footnotes,
        ), accession


def test_every_asset_check_passes(loaded):
    _, _, result = loaded
    evaluations = result.get_asset_check_evaluations()
    assert {e.check_name for e in evaluations} == set(CHECKED_ASSETS)  # once per run, over the whole range
    assert [e.check_name for e in evaluations if not e.passed] == []


def test_the_read_copy_is_published_and_matches(loaded):
    data_dir, _, _ = loaded
    published = data_dir / "published" / "warehouse.duckdb"
    assert published.is_file()
    import duckdb

    reader = duckdb.connect(str(published), read_only=True)
    try:
        assert reader.sql("select count(*) from positions").fetchall() == read_table(
            data_dir, "select count(*) from positions"
        )
        assert reader.sql("select count(*) from holdings_as_of(date '2025-01-10')").fetchall()[0][0] > 0
    finally:
        reader.close()


def test_exact_decimals_and_header_facts_survive(loaded):
    data_dir, _, _ = loaded
    [(price, kind, accepted, filed)] = read_table(
        data_dir,
        """
        select t.transaction_price_per_share, typeof(t.transaction_price_per_share), f.acceptance_datetime::varchar,
            f.filing_date::varchar
        from transactions t join filings f using (accession_number)
        where accession_number = '0009999999-25-000001' and line_number = 1
        """,
    )
    assert str(price) == "12.345600" and kind.startswith("DECIMAL")
    assert (accepted, filed) == ("2025-01-02 16:30:15", "2025-01-02")


def test_a_404_filing_is_recorded_and_the_run_still_succeeds(loaded):
    data_dir, mirror, result = loaded
    served = {path.stem for path in SERVED}
    never_served = listed_accessions() - served
    assert never_served, "the fixture index must list a filing the mirror does not hold"
    failures = read_table(
        data_dir, "select subject, reason, attempts, resolved_at from ingest_failures where stage = 'fetch'"
    )
    assert {(subject, reason, attempts, resolved) for subject, reason, attempts, resolved in failures} == {
        (accession, "http_404", 1, None) for accession in never_served
    }
    assert result.success
    not_found = [seen.path for seen in mirror.seen if seen.status == 404 and seen.path.endswith(".txt")]
    assert sorted(path.rsplit("/", 1)[1].removesuffix(".txt") for path in not_found) == sorted(never_served)


def test_a_damaged_filing_is_recorded_as_a_parse_failure_and_keeps_no_rows(loaded):
    data_dir, _, _ = loaded
    damaged = {path.stem for path in SERVED if expected_from_submission(path) is None}
    assert damaged
    assert set(read_table(data_dir, "select subject, reason from ingest_failures where stage = 'parse'")) == {
        (accession, "xml_malformed") for accession in damaged
    }
    for accession in damaged:
        assert read_table(
            data_dir, "select count(*) from transactions where accession_number = $accession", accession=accession
        ) == [(0,)]


def test_every_day_is_accounted_for(loaded):
    data_dir, _, _ = loaded
    days = dict(read_table(data_dir, "select index_date, status from index_days"))
    assert sorted(days) == [date(2025, 1, day) for day in range(2, 11)]
    for day, status in days.items():
        assert (status == "closed") == (closure_reason(day) is not None), day
    assert days[date(2025, 1, 9)] == "closed"  # national day of mourning: EDGAR closed though it is a weekday
    [(path,)] = read_table(data_dir, "select index_path from index_days where index_date = '2025-01-08'")
    assert path.endswith("full-index/2025/QTR1/master.idx")  # no daily index: the quarterly one stood in


def snapshot(data_dir: Path) -> dict[str, list[tuple]]:
    return {table: table_rows(data_dir, table, key) for table, key in KEYED_TABLES.items()}


def test_the_same_days_run_twice_give_identical_tables(loaded):
    data_dir, mirror, _ = loaded
    first = snapshot(data_dir)
    assert materialize_days(data_dir, mirror.base_url, FIRST, LAST).success
    assert snapshot(data_dir) == first
    failures = read_table(data_dir, "select subject, stage, reason, attempts from ingest_failures order by 1, 2")
    assert failures and all(attempts == 2 for *_, attempts in failures)


def test_a_rerun_replays_archived_submissions_without_the_network(loaded, tmp_path_factory):
    data_dir, mirror, _ = loaded
    first = snapshot(data_dir)
    fetched = [seen.path for seen in mirror.seen if seen.path.endswith(".txt") and seen.status == 200]
    assert fetched
    mirror.seen.clear()
    assert materialize_days(data_dir, mirror.base_url, FIRST, LAST).success
    refetched = {
        seen.path.rsplit("/", 1)[1].removesuffix(".txt")
        for seen in mirror.seen
        if seen.path.endswith(".txt") and seen.status == 200
    }
    damaged = {path.stem for path in SERVED if expected_from_submission(path) is None}
    assert refetched == damaged  # only the copy that did not parse was set aside and fetched again
    assert snapshot(data_dir) == first


def test_a_rerun_while_edgar_is_unreachable_keeps_what_was_loaded(loaded, tmp_path_factory):
    data_dir, _, _ = loaded
    first = snapshot(data_dir)
    from mirror.server import serve_in_background

    with serve_in_background([tmp_path_factory.mktemp("empty")]) as gone:
        dead_url = gone.base_url
    result = materialize_days(data_dir, dead_url, FIRST, LAST)
    # The run fails at once, in its first step, and says why; what was loaded stays as it was.
    assert not result.success
    [failure] = result.get_step_failure_events()
    assert failure.step_key == "edgar_daily_index"
    assert failure.step_failure_data.user_failure_data.description.startswith("EDGAR could not be reached")
    assert snapshot(data_dir) == first
    index_failures = read_table(data_dir, "select reason, attempts from ingest_failures where stage = 'index'")
    assert index_failures and set(index_failures) == {("host_unreachable", 0)}


def test_key_checks_see_a_duplicate_in_the_last_load_and_only_read_that_load(loaded):
    data_dir, _, _ = loaded
    connection = duckdb.connect(str(data_dir / "warehouse.duckdb"))
    try:
        in_scope = set(connection.sql("select accession_number from load_scope").fetchall())
        assert set(connection.sql("select accession_number from filings").fetchall()) == in_scope  # what it loaded
        assert query_sql_file(connection, "checks/transactions_key_unique.sql").fetchall() == []
        connection.execute("insert into transactions select * from transactions limit 1")  # a duplicated line
        [violation] = query_sql_file(connection, "checks/transactions_key_unique.sql").fetchall()
        assert violation[-1] == 2
        connection.execute("delete from load_scope where accession_number = $a", {"a": violation[0]})
        assert query_sql_file(connection, "checks/transactions_key_unique.sql").fetchall() == []
    finally:
        connection.close()


def test_a_failed_blocking_check_keeps_the_read_copy_as_it_was(loaded):
    data_dir, mirror, _ = loaded
    published = data_dir / "published" / "warehouse.duckdb"
    connection = duckdb.connect(str(data_dir / "warehouse.duckdb"))
    try:  # a second copy of one interval: the position now overlaps itself, under an issuer the checks look at
        [(issuer,)] = connection.sql(
            "select issuer_cik from positions where valid_to is not null order by position_key, valid_from limit 1"
        ).fetchall()
        connection.execute(
            "insert into positions select * from positions where issuer_cik = $i and valid_to is not null limit 1",
            {"i": issuer},
        )
        connection.execute(
            "insert into model_scope select $i where $i not in (select issuer_cik from model_scope)", {"i": issuer}
        )
    finally:
        connection.close()
    before = published.stat()
    closed_day = date(2025, 1, 9)  # EDGAR closed: the run loads nothing, so the refresh rebuilds nothing
    result = materialize_days(data_dir, mirror.base_url, closed_day, closed_day)
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert not evaluations["positions_never_overlap"].passed
    assert [name for name, e in evaluations.items() if not e.passed] == ["positions_never_overlap"]
    materialized = {event.asset_key.to_user_string() for event in result.get_asset_materialization_events()}
    assert "positions" in materialized and "published_warehouse" not in materialized
    after = published.stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (before.st_ino, before.st_mtime_ns, before.st_size)

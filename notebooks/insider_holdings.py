"""Today's alerts, holdings over time, monthly net buying, cluster buys, and an issuer's five-percent holders beside its
insiders, from the published read copy.

Open interactively with `.venv/bin/marimo edit notebooks/insider_holdings.py`, or run headless with
`.venv/bin/python notebooks/insider_holdings.py` (PNGs go to $NOTEBOOK_OUTPUT_DIR, default docs/images).
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")


@app.cell
def _():
    import os
    from pathlib import Path

    import duckdb
    import matplotlib

    if os.environ.get("MPLBACKEND") is None:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    project = Path(__file__).resolve().parent.parent
    data_dir = Path(os.environ.get("INSIDER_DATA_DIR") or project / "data")
    published = data_dir / "published" / "warehouse.duckdb"
    output_dir = Path(os.environ.get("NOTEBOOK_OUTPUT_DIR") or project / "docs" / "images")
    output_dir.mkdir(parents=True, exist_ok=True)
    if not published.exists():
        raise SystemExit(f"there is no published warehouse at {published} yet: run `make demo` or `make run` first")
    # The published copy, read-only: the nightly run never blocks this notebook, nor it the run.
    connection = duckdb.connect(str(published), read_only=True)
    return connection, output_dir, plt


@app.cell
def _(connection):
    from datetime import UTC, datetime, time
    from zoneinfo import ZoneInfo

    # Today is New York's (EDGAR's) day; the read copy stamps alerts in UTC.
    new_york = ZoneInfo("America/New_York")
    midnight = datetime.combine(datetime.now(new_york).date(), time(), new_york)
    todays_alerts = connection.sql(
        """
        select
            strftime(revision_published_at, '%H:%M') as published_utc,
            rule,
            issuer_trading_symbol as symbol,
            owner_names as owners,
            value::double as value,
            event_date as trade_date,
            accession_number || ' line ' || line_number as filing_line,
            case
                when withdrawn_at is not null then 'withdrawn' when revision > 1 then 'revised' else 'new'
            end as status
        from alerts
        where revision_published_at >= $since
        order by revision_published_at desc
        """,
        params={"since": midnight.astimezone(UTC).replace(tzinfo=None)},
    ).pl()
    print(f"alerts published today ({midnight:%Y-%m-%d}, New York): {todays_alerts.height}")
    if todays_alerts.height:
        print(todays_alerts)
    todays_alerts
    return


@app.cell
def _(connection):
    busiest = connection.sql(
        """
        select owner_group_key, issuer_cik, count(*) as intervals
        from positions
        where table_kind = 'non_derivative'
        group by all
        order by intervals desc, owner_group_key
        limit 1
        """
    ).fetchall()
    owner_group, issuer = (busiest[0][0], busiest[0][1]) if busiest else (None, None)
    return issuer, owner_group


@app.cell
def _(connection, issuer, output_dir, owner_group, plt):
    # One line per vehicle (positions.position_key): parallel funds filed with the same words stay apart.
    vehicles = connection.sql(
        """
        select
            position_key,
            security_title || ' · ' || coalesce(direct_or_indirect_ownership, '?')
                || coalesce(' · ' || nature_of_ownership, '') as vehicle,
            valid_from, coalesce(valid_to, (select max(valid_from) + 14 from positions)) as valid_to,
            shares::double as shares
        from positions
        where owner_group_key = $group and issuer_cik = $issuer and table_kind = 'non_derivative'
        order by vehicle, position_key, valid_from
        """,
        params={"group": owner_group, "issuer": issuer},
    ).fetchall()
    holdings_figure, holdings_axes = plt.subplots(figsize=(9, 4.5))
    labels: dict[str, str] = {}
    for key, name, *_ in vehicles:
        if key not in labels:
            same_words = sum(label.startswith(name) for label in labels.values())
            labels[key] = name if same_words == 0 else f"{name} ({same_words + 1})"
    for key, label in labels.items():
        steps = [row for row in vehicles if row[0] == key]
        days = [step[2] for step in steps] + [steps[-1][3]]
        shares = [step[4] for step in steps] + [steps[-1][4]]
        holdings_axes.step(days, shares, where="post", label=label, linewidth=2)
    holdings_axes.set_title(f"Holdings over time, owner group {owner_group}, issuer CIK {issuer}")
    holdings_axes.set_ylabel("shares held")
    holdings_axes.legend(loc="best", fontsize=8)
    holdings_axes.grid(alpha=0.3)
    holdings_figure.autofmt_xdate()
    holdings_figure.tight_layout()
    holdings_figure.savefig(output_dir / "holdings_over_time.png", dpi=110)
    holdings_figure
    return


@app.cell
def _(connection, issuer, output_dir, plt):
    monthly = connection.sql(
        "select month, net_value::double from monthly_insider_activity where issuer_cik = $issuer order by month",
        params={"issuer": issuer},
    ).fetchall()
    net_figure, net_axes = plt.subplots(figsize=(9, 3.5))
    net_axes.bar(
        [row[0].strftime("%Y-%m") for row in monthly],
        [row[1] for row in monthly],
        color=["tab:green" if row[1] >= 0 else "tab:red" for row in monthly],
    )
    net_axes.axhline(0, color="black", linewidth=0.8)
    net_axes.set_title(f"Monthly net insider buying (open market, $), issuer CIK {issuer}")
    net_axes.set_ylabel("bought - sold ($)")
    net_figure.tight_layout()
    net_figure.savefig(output_dir / "monthly_net_buying.png", dpi=110)
    net_figure
    return


@app.cell
def _(connection, output_dir, plt):
    clusters = connection.sql(
        """
        select issuer_cik, window_start, last_buy, owner_groups, value_bought::double
        from cluster_buys
        order by window_start desc
        limit 10
        """
    ).fetchall()
    cluster_figure, cluster_axes = plt.subplots(figsize=(9, 3))
    for rank, (cik, start, last, groups, value) in enumerate(clusters):
        cluster_axes.barh(rank, (last - start).days + 1, left=start, height=0.5)
        cluster_axes.annotate(
            f"CIK {cik}: {groups} owner groups, ${value or 0:,.0f}",
            (start, rank),
            xytext=(4, 8),
            textcoords="offset points",
            fontsize=8,
        )
    cluster_axes.set_yticks([])
    cluster_axes.set_title("Latest cluster buys (≥ 3 owner groups buying within 10 days)")
    cluster_figure.autofmt_xdate()
    cluster_figure.tight_layout()
    cluster_figure.savefig(output_dir / "cluster_buys.png", dpi=110)
    cluster_figure
    return


@app.cell
def _(connection, output_dir, plt):
    # The issuer with the most holders above 5% in Schedule 13D/G statements: each holder chain's headline percent
    # of the class over time (a step per statement, ended by an exit), and, below, its insiders' shares (Forms 3/4/5).
    _top = connection.sql(
        """
        select issuer_cik from schedule13_chains
        where not is_exit
        group by issuer_cik
        order by count(distinct holder_cik) desc, count(*) desc, issuer_cik
        limit 1
        """
    ).fetchall()
    holder_issuer = _top[0][0] if _top else None
    chains = connection.sql(
        """
        select
            holder_name || ' (' || schedule || ')' as holder,
            valid_from,
            coalesce(valid_to, greatest(current_date, valid_from + 30)) as valid_to,
            case when is_exit then 0 else headline_percent::double end as percent
        from schedule13_chains
        where issuer_cik = $issuer
        order by holder, valid_from
        """,
        params={"issuer": holder_issuer},
    ).fetchall()
    insiders = connection.sql(
        """
        select owner_group_key, valid_from, shares::double
        from positions
        where issuer_cik = $issuer and table_kind = 'non_derivative' and shares is not null
        order by owner_group_key, valid_from
        """,
        params={"issuer": holder_issuer},
    ).fetchall()
    holders_figure, (percent_axes, insider_axes) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
    for _holder in dict.fromkeys(row[0] for row in chains):
        _steps = [row for row in chains if row[0] == _holder]
        _days = [_step[1] for _step in _steps] + [_steps[-1][2]]
        _percents = [_step[3] for _step in _steps] + [_steps[-1][3]]
        percent_axes.step(_days, _percents, where="post", label=_holder, linewidth=2)
    percent_axes.axhline(5, color="grey", linewidth=0.8, linestyle="--")
    percent_axes.set_ylabel("% of the class (13D/G)")
    percent_axes.set_title(
        f"Five-percent holders and insiders, issuer CIK {holder_issuer}"
        if holder_issuer
        else "Five-percent holders: no Schedule 13D/G loaded yet"
    )
    if chains:
        percent_axes.legend(loc="best", fontsize=7)
    for _group in dict.fromkeys(row[0] for row in insiders):
        _steps = [row for row in insiders if row[0] == _group]
        insider_axes.step([_step[1] for _step in _steps], [_step[2] for _step in _steps], where="post", linewidth=1.5)
    if not insiders:
        insider_axes.text(
            0.5,
            0.5,
            "no Forms 3/4/5 of this issuer in the warehouse",
            ha="center",
            va="center",
            transform=insider_axes.transAxes,
        )
    insider_axes.set_ylabel("insiders' shares (Forms 3/4/5)")
    for _axes in (percent_axes, insider_axes):
        _axes.grid(alpha=0.3)
    holders_figure.autofmt_xdate()
    holders_figure.tight_layout()
    holders_figure.savefig(output_dir / "five_percent_holders.png", dpi=110)
    holders_figure
    return


if __name__ == "__main__":
    app.run()

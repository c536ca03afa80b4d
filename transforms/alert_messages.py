"""What an alert says: one line of text a person reads in Slack or a terminal, and the JSON a webhook receives.

Pure functions of an `alerts` row (sql/ddl/alerts.sql), so the same words reach every channel.
"""

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

# What each screen (sql/models/alert_<rule>s.sql) says happened, before the owners' names.
RULE_HEADLINES = {
    "large_purchase": "Large insider purchase",
    "executive_sale": "CEO/CFO sale",
    "first_purchase": "First purchase in years",
    "cluster_buy": "Cluster of insider buying",
    "late_trade": "Late Form 4",
    "new_13d": "New Schedule 13D",
    "crossed_10_percent": "Holder past 10%",
    "switched_to_13d": "13G holder turned 13D",
}
_SINCE = re.compile(r"(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>s|m|min|h|d|w)")
_UNIT_SECONDS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_since(text: str) -> timedelta | datetime:
    """'90m', '1h', '2d', '1w' as a duration, or '2025-01-06' / '2025-01-06T09:30' as a moment (UTC, as the alerts'
    publication times are kept); ValueError names what is accepted."""
    match = _SINCE.fullmatch(text.strip().lower())
    if match is not None:
        return timedelta(seconds=float(match["amount"]) * _UNIT_SECONDS[match["unit"]])
    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=None)
    except ValueError:
        raise ValueError(
            f"{text!r} is neither a duration nor a date: give a number and a unit, s, m, h, d or w (e.g. 1h, 90m, "
            "2d), or a UTC date or time (e.g. 2025-01-06 or 2025-01-06T09:30)"
        ) from None


def since_moment(since: timedelta | datetime, now: datetime) -> tuple[datetime, str]:
    """The moment `--since` names and how to say the window: 'the last 2 day(s)', 'since 2025-01-06 00:00 UTC'."""
    if isinstance(since, datetime):
        return since, f"since {since:%Y-%m-%d %H:%M} UTC"
    hours, seconds = divmod(int(since.total_seconds()), 3600)
    if hours % 24 == 0 and hours:
        return now - since, f"in the last {hours // 24} day(s)"
    return now - since, f"in the last {hours} h {seconds // 60} min" if seconds else f"in the last {hours} h"


def dollars(value: Decimal | float | int | None) -> str:
    return "an unknown amount" if value is None else f"${Decimal(value):,.0f}"


def shares(value: Decimal | float | int | None) -> str:
    """A number of shares as filed, fractions kept and no trailing zeros: '27,383,209 shares', '11,615,772.8 shares'."""
    if value is None:
        return "an unknown number of shares"
    text = f"{Decimal(value):,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} shares"


def alert_text(alert: Mapping[str, Any], first_post: bool = False) -> str:
    """One line: what fired, who, which issuer, how much, when, and the filing and line it traces to. A revision is
    told as one ("Revised (was …)") unless this is the `first_post` of the alert its reader gets: then the alert as
    it now stands."""
    headline = RULE_HEADLINES.get(alert["rule"], alert["rule"])
    issuer = alert.get("issuer_name") or f"CIK {alert['issuer_cik']}"
    if alert.get("issuer_trading_symbol"):
        issuer = f"{issuer} ({alert['issuer_trading_symbol']})"
    who = alert.get("owner_names") or "insiders"
    if alert["rule"] == "cluster_buy":
        who = "insiders"
    detail = f" [{alert['detail']}]" if alert.get("detail") else ""
    day = _day(alert.get("event_date"))
    if alert.get("table_kind") == "schedule13":  # a five-percent holder's statement: shares, its event, a cover page
        text = (
            f"{headline}: {who} at {issuer}, {shares(alert.get('value'))}{detail}, event {day};"
            f" filing {alert['accession_number']} cover page {alert.get('line_number')}"
        )
    else:
        text = (
            f"{headline}: {who} at {issuer}, {dollars(alert.get('value'))}{detail}, trade {day};"
            f" filing {alert['accession_number']} line {alert.get('line_number')}"
        )
    if alert.get("withdrawn_at") is not None:
        return f"Withdrawn (the filings no longer show it): {text}"
    if (alert.get("revision") or 1) > 1 and not first_post:
        amount = shares if alert.get("table_kind") == "schedule13" else dollars
        return f"Revised (was {amount(alert.get('previous_value'))}): {text}"
    return text


def webhook_payload(alert: Mapping[str, Any], first_post: bool = False) -> dict[str, Any]:
    """Slack's incoming-webhook shape ({"text": …}), which Mattermost, Rocket.Chat and most relays accept, with the
    alert's fields under "alert" for receivers that parse them (`first_post`: see alert_text)."""
    fields = {name: _json_value(value) for name, value in alert.items()}
    return {"text": alert_text(alert, first_post), "alert": fields}


def _day(value: date | None) -> str:
    return value.isoformat() if value is not None else "date unknown"


def _json_value(value: Any) -> Any:
    """Exact decimals as text (a float would round the shares and dollars), dates and times as ISO 8601."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value

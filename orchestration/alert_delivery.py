"""Posting alerts to a webhook: each alert once, retried with back-off, and never a reason for a run to fail.

The read copy is published before anything is posted, so a slow or broken webhook holds back no load. Every alert
the webhook is to get ends in `alert_deliveries` with its status: delivered; failed (down, 5xx, 429), which every
later run and every feed poll posts again, whatever its age; refused (another 4xx: the same payload would be refused
again), kept until `insider-warehouse alerts --retry-refused`; skipped, with the reason, when its filing is older than
the webhook's maximum age before the newest filing (a history load's firings). When one alert fails every attempt
the webhook is taken to be down and the rest wait for the next try too, instead of each spending its own retries.
"""

import json
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import requests

from orchestration.settings import AlertWebhook
from orchestration.sql_files import beside, query_sql_file, run_sql_file
from orchestration.warehouse_connection import open_warehouse
from transforms.alert_messages import webhook_payload


@dataclass(frozen=True)
class DeliveryOutcome:
    delivered: int
    failed: int  # posted in vain, or not tried once the webhook was found down: posted by the next try
    refused: int
    skipped: int  # too old to post: recorded with the reason
    last_error: str | None = None


@dataclass(frozen=True)
class Post:
    """One alert's post: the attempts made, and the last error (None: delivered); `refused` when the webhook
    answered a 4xx other than 429, which says this payload will not be taken."""

    attempts: int
    error: str | None
    refused: bool = False

    @property
    def status(self) -> str:
        return "delivered" if self.error is None else "refused" if self.refused else "failed"


def post_alert(session: requests.Session, webhook: AlertWebhook, payload: dict) -> Post:
    """Post one alert, retrying what may pass on a later try. A 429 waits as long as its Retry-After asks, up to the
    back-off's longest wait."""
    body = json.dumps(payload).encode()
    error: str | None = None
    for attempt in range(1, webhook.attempts + 1):
        wait = webhook.backoff_seconds * 2 ** (attempt - 1)
        try:
            response = session.post(
                webhook.url,
                data=body,
                headers={"Content-Type": "application/json"},
                timeout=webhook.timeout_seconds,
            )
        except requests.RequestException as failure:
            error = _redacted(f"{type(failure).__name__}: {failure}", webhook.url)[:500]
        else:
            if 200 <= response.status_code < 300:
                return Post(attempt, None)
            error = _redacted(f"HTTP {response.status_code}: {response.text[:200]}", webhook.url)
            if response.status_code < 500 and response.status_code != 429:
                return Post(attempt, error, refused=True)  # retrying the same payload would not change that
            retry_after = response.headers.get("Retry-After", "")
            if response.status_code == 429 and retry_after.isdigit():
                wait = min(float(retry_after), webhook.backoff_seconds * 2 ** (webhook.attempts - 1))
        if attempt < webhook.attempts:
            time.sleep(wait)
    return Post(webhook.attempts, error)


def _redacted(text: str, url: str) -> str:
    """The error without the webhook's path and query, which carry its secret (Slack's token)."""
    parsed = urlparse(url)
    for secret in (parsed.path, parsed.query):
        if len(secret) > 1:
            text = text.replace(secret, "/…")
    return text


def deliver_pending(
    connection: duckdb.DuckDBPyConnection, webhook: AlertWebhook, now: datetime, session: requests.Session
) -> DeliveryOutcome:
    """Post every published alert the webhook is still to get, oldest first, recording each outcome: alerts too old
    to post are recorded as skipped with the reason; once the webhook is found down, the rest are recorded as
    failed without a post, so the next try posts them whatever their age by then."""
    pending = query_sql_file(connection, beside(__file__, "alerts_to_post.sql"), max_age_days=webhook.max_age_days).pl()
    delivered = failed = refused = skipped = 0
    last_error = None
    down = False
    for alert in pending.iter_rows(named=True):
        if alert.pop("too_old"):
            reason = (
                f"not posted: filed {alert['filing_date']}, more than {webhook.max_age_days} days before the newest "
                "filing (INSIDER_ALERT_MAX_AGE_DAYS); kept in alerts"
            )
            _record(connection, alert, Post(0, reason), "skipped", now)
            skipped += 1
            continue
        first_post = not alert.pop("earlier_delivered")
        if down:
            _record(connection, alert, Post(0, f"not tried: the webhook was down ({last_error})"), "failed", now)
            failed += 1
            continue
        post = post_alert(session, webhook, webhook_payload(alert, first_post=first_post))
        _record(connection, alert, post, post.status, now)
        if post.error is None:
            delivered += 1
            continue
        last_error = post.error
        if post.refused:
            refused += 1
            continue
        failed += 1
        down = post.attempts == webhook.attempts  # the rest wait for the next try rather than spend their retries
    return DeliveryOutcome(delivered, failed, refused, skipped, last_error)


def _record(connection: duckdb.DuckDBPyConnection, alert: dict, post: Post, status: str, now: datetime) -> None:
    run_sql_file(
        connection,
        beside(__file__, "record_alert_delivery.sql"),
        alert_key=alert["alert_key"],
        revision=alert["revision"],
        attempts=post.attempts,
        now=now,
        error=post.error,
        status=status,
    )


def delivery_lines(outcome: DeliveryOutcome, max_age_days: int) -> list[str]:
    """What a run or poll says of its posting, a line per kind of outcome that needs a reader's eye."""
    lines = []
    if outcome.failed:
        lines.append(
            f"alert webhook: {outcome.failed} alert(s) not delivered ({outcome.last_error}); they will be posted by "
            "the next run or feed poll"
        )
    if outcome.refused:
        lines.append(
            f"alert webhook: {outcome.refused} alert(s) refused by the webhook ({outcome.last_error}); not posted "
            "again: fix the webhook, then `insider-warehouse alerts --retry-refused` queues them for the next run"
        )
    if outcome.skipped:
        lines.append(
            f"alert webhook: {outcome.skipped} alert(s) on filings more than {max_age_days} days before the newest "
            "were not posted (INSIDER_ALERT_MAX_AGE_DAYS); kept in alerts, recorded as skipped in alert_deliveries"
        )
    return lines


def deliver_to_webhook(warehouse: Path, webhook: AlertWebhook, now: datetime) -> DeliveryOutcome:
    """Post what the webhook is still to get, outside any run: a feed poll that found nothing does this, so alerts
    pending after an outage do not wait for the next filing."""
    with open_warehouse(warehouse) as connection, requests.Session() as session:
        return deliver_pending(connection, webhook, now, session)

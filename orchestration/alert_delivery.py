"""Posting alerts to a webhook: each revision once, retried with back-off, and never a reason for a run to fail.

The read copy is published before anything is posted, so a slow or broken webhook holds back no load. A revision
the webhook did not take stays undelivered in `alert_deliveries` and is posted by the next run; when one alert
fails every attempt the webhook is taken to be down and the rest wait for that next run too, instead of each
spending its own retries.
"""

import json
import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlparse

import duckdb
import requests

from orchestration.settings import AlertWebhook
from orchestration.sql_files import query_sql_file, run_sql_file
from transforms.alert_messages import webhook_payload


@dataclass(frozen=True)
class DeliveryOutcome:
    delivered: int
    failed: int
    waiting: int
    last_error: str | None = None


def post_alert(session: requests.Session, webhook: AlertWebhook, payload: dict) -> tuple[int, str | None]:
    """Post one alert; (attempts made, None) once the webhook answers 2xx, else (attempts, the last error). A 429
    waits as long as its Retry-After asks, up to the back-off's longest wait."""
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
                return attempt, None
            error = f"HTTP {response.status_code}: {response.text[:200]}"
            if response.status_code < 500 and response.status_code != 429:
                return attempt, error  # the webhook refuses this payload: retrying would not change that
            retry_after = response.headers.get("Retry-After", "")
            if response.status_code == 429 and retry_after.isdigit():
                wait = min(float(retry_after), webhook.backoff_seconds * 2 ** (webhook.attempts - 1))
        if attempt < webhook.attempts:
            time.sleep(wait)
    return webhook.attempts, error


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
    """Post every published alert revision not yet delivered, oldest first, recording each post."""
    pending = query_sql_file(connection, "queries/undelivered_alerts.sql", max_age_days=webhook.max_age_days).pl()
    delivered = failed = 0
    last_error = None
    for alert in pending.iter_rows(named=True):
        attempts, error = post_alert(session, webhook, webhook_payload(alert))
        run_sql_file(
            connection,
            "records/record_alert_delivery.sql",
            alert_key=alert["alert_key"],
            revision=alert["revision"],
            attempts=attempts,
            now=now,
            error=error,
        )
        if error is None:
            delivered += 1
            continue
        failed += 1
        last_error = error
        if attempts == webhook.attempts:
            break  # down: the rest wait for the next run rather than spend their retries on it too
    return DeliveryOutcome(delivered, failed, pending.height - delivered - failed, last_error)

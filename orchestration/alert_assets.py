"""Alerts as assets: the screens' firings merged into `alerts` before the read copy is published, and posted to the
webhook after it (orchestration/alert_delivery.py)."""

from datetime import datetime

import dagster as dg
import requests

from orchestration.alert_delivery import deliver_pending, delivery_lines
from orchestration.model_assets import published_warehouse
from orchestration.resources import AlertsResource, StorageResource
from orchestration.run_window import utc_now
from orchestration.sql_files import beside, query_sql_file, run_sql_file
from orchestration.sql_models import all_models
from orchestration.warehouse_connection import open_warehouse, transaction

# The screens: every SQL model named alert_*, each merged by orchestration/sql/merge_alerts.sql under its rule.
SCREENS = tuple(name for name in all_models() if name.startswith("alert_"))


# The model_versions row naming the screen versions the alerts were last merged in full from.
MERGED_VERSIONS = "alerts"


def merge_alerts(connection, now: datetime) -> bool:
    """Merge the screens' firings into `alerts` in one transaction (a run stopped here leaves the previous alerts
    whole): the issuers the runs refreshed, or every issuer when a screen was built in full since the last merge
    (its SQL or parameters changed), which a night does not pay on a big warehouse. True when merged in full."""
    [(versions,)] = query_sql_file(connection, beside(__file__, "alert_screen_versions.sql")).fetchall()
    merged = query_sql_file(connection, "model_runtime/model_version_built.sql", name=MERGED_VERSIONS).fetchall()
    full = merged != [(versions,)]
    with transaction(connection):
        # The Forms 3/4/5 screens' firings, then the Schedule 13D/G rules', each applied to the alerts it answers for.
        for firings in (beside(__file__, "merge_alerts.sql"), beside(__file__, "merge_schedule13_alerts.sql")):
            run_sql_file(connection, firings, now=now, full=full)
            run_sql_file(connection, beside(__file__, "apply_alert_firings.sql"), now=now)
        run_sql_file(connection, "model_runtime/model_version_record.sql", name=MERGED_VERSIONS, digest=versions)
    return full


@dg.asset(deps=list(SCREENS), group_name="alerts", kinds={"duckdb"})
def alerts(storage: StorageResource) -> dg.MaterializeResult:
    """Each screen's firing once: new firings added, changed ones revised, vanished ones withdrawn."""
    with open_warehouse(storage.warehouse_path) as connection:
        full = merge_alerts(connection, utc_now())
        [(total, unpublished)] = query_sql_file(connection, beside(__file__, "alert_counts.sql")).fetchall()
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": total,
            "new or revised": unpublished,
            "merged": "every issuer" if full else "the issuers refreshed",
        }
    )


@dg.asset(deps=[published_warehouse], group_name="alerts", kinds={"duckdb"})
def alert_delivery(
    context: dg.AssetExecutionContext, storage: StorageResource, alerts: AlertsResource
) -> dg.MaterializeResult:
    """Post the alerts the read copy now holds to INSIDER_ALERT_WEBHOOK, if set. A webhook that fails is recorded
    (alert_deliveries) and retried by the next run or feed poll; it never fails this one, whose data is already
    published."""
    webhook = alerts.webhook()
    if webhook is None:
        return dg.MaterializeResult(metadata={"webhook": "none (INSIDER_ALERT_WEBHOOK is not set)"})
    with open_warehouse(storage.warehouse_path) as connection, requests.Session() as session:
        outcome = deliver_pending(connection, webhook, utc_now(), session)
    for line in delivery_lines(outcome, webhook.max_age_days):
        context.log.warning(line)
    return dg.MaterializeResult(
        metadata={
            "delivered": outcome.delivered,
            "failed": outcome.failed,
            "refused": outcome.refused,
            "skipped (too old)": outcome.skipped,
        }
    )

-- Migration 8: alerts. alerts keeps each screen's firing once, with its revisions; alert_deliveries what reached the
-- webhook. filing_latency keeps the CIK a feed filing's path is under, so one not yet in Archives is fetched again.
-- creates: alerts, alert_deliveries
alter table filing_latency add column if not exists folder_cik BIGINT;

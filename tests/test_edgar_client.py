"""The EDGAR client over real HTTP on loopback: User-Agent, retries with Retry-After, 404, gzip, size cap."""

import time
from pathlib import Path

import pytest

from mirror.server import FaultPlan, serve_in_background
from tests.conftest import FIXTURE_MIRROR, TEST_USER_AGENT
from transforms.edgar_client import ClientSettings, EdgarClient, FetchError, MissingUserAgentError, NotFoundError
from transforms.rate_limit import NoRateLimit

FILING = "/Archives/edgar/data/9990001/0009999999-25-000001.txt"


def client_for(base_url: str, **settings: object) -> EdgarClient:
    return EdgarClient(ClientSettings(user_agent=TEST_USER_AGENT, base_url=base_url, **settings), NoRateLimit())


def test_declared_user_agent_and_gzip_are_sent(fixture_mirror):
    body = client_for(fixture_mirror.base_url).get(FILING)
    assert body == (FIXTURE_MIRROR / FILING.lstrip("/")).read_bytes()
    [seen] = fixture_mirror.seen
    assert seen.user_agent == TEST_USER_AGENT
    assert "gzip" in (seen.accept_encoding or "")


def test_a_proxy_named_in_the_environment_carries_the_requests(fixture_mirror, monkeypatch):
    for variable in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HTTP_PROXY", fixture_mirror.base_url)  # the mirror stands in for a corporate proxy
    body = client_for("http://sec.example.invalid").get(FILING)
    assert body == (FIXTURE_MIRROR / FILING.lstrip("/")).read_bytes()
    assert fixture_mirror.seen[-1].target == f"http://sec.example.invalid{FILING}"


@pytest.mark.parametrize("user_agent", ["", "   ", "python-requests/2.32"])
def test_missing_or_anonymous_user_agent_says_what_to_set(user_agent):
    with pytest.raises(MissingUserAgentError, match="EDGAR_USER_AGENT"):
        EdgarClient(ClientSettings(user_agent=user_agent), NoRateLimit())


@pytest.mark.parametrize("status", [429, 503])
def test_throttling_is_retried_after_the_servers_retry_after(status):
    faults = FaultPlan(statuses={FILING: [status, status]}, retry_after="1")
    with serve_in_background([FIXTURE_MIRROR], faults=faults) as server:
        started = time.monotonic()
        body = client_for(server.base_url, backoff_seconds=0.01).get(FILING)
        elapsed = time.monotonic() - started
    assert body.startswith(b"<SEC-DOCUMENT>")
    assert [seen.status for seen in server.seen] == [status, status, 200]
    gaps = [
        later.received_at - earlier.received_at for earlier, later in zip(server.seen, server.seen[1:], strict=False)
    ]
    assert all(gap >= 0.95 for gap in gaps), gaps  # Retry-After: 1 honoured, not the 0.01 s back-off
    assert elapsed >= 1.9


def test_throttling_that_never_ends_gives_retries_exhausted():
    faults = FaultPlan(statuses={FILING: [503] * 3}, retry_after="0")
    with serve_in_background([FIXTURE_MIRROR], faults=faults) as server, pytest.raises(FetchError) as raised:
        client_for(server.base_url, max_attempts=3, backoff_seconds=0.01).get(FILING)
    assert raised.value.reason == "retries_exhausted"
    assert len(server.seen) == 3


def test_not_found_is_not_retried(fixture_mirror):
    with pytest.raises(NotFoundError) as raised:
        client_for(fixture_mirror.base_url).get("/Archives/edgar/data/1/0000000001-25-000001.txt")
    assert raised.value.reason == "http_404"
    assert len(fixture_mirror.seen) == 1


def test_size_cap_stops_a_huge_file(fixture_mirror):
    size = (FIXTURE_MIRROR / FILING.lstrip("/")).stat().st_size
    with pytest.raises(FetchError) as raised:
        client_for(fixture_mirror.base_url, max_bytes=size // 10).get(FILING)
    assert raised.value.reason == "too_large"


def test_unreachable_mirror_is_a_connection_failure(tmp_path: Path):
    with serve_in_background([tmp_path]) as server:
        base_url = server.base_url
    with pytest.raises(FetchError) as raised:
        client_for(base_url, max_attempts=2, backoff_seconds=0.01).get(FILING)
    assert raised.value.reason == "retries_exhausted"
    assert "connection" in raised.value.detail

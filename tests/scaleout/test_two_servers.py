"""Two app hosts on one PostgreSQL: what is done on one shows on the other at once."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.durability.server import Gunicorn
from tests.factories import PASSWORD, World, csrf_token, form_token, receipt_in, report_answers
from tests.scaleout import (
    Visitor,
    forget_client,
    postgresql_url_or_skip,
    redis_or_skip,
    run_secret,
    two_servers,
)


def _count(board: str, state: str) -> int:
    """The number in a board column's heading."""
    match = re.search(rf'id="title-{state}">[^<]*<span class="count">(\d+)</span>', board)
    assert match, f"no {state} column on the board"
    return int(match.group(1))


@pytest.fixture
def servers(
    request: pytest.FixtureRequest, app: Flask, world: World, tmp_path: Path
) -> Iterator[tuple[Gunicorn, Gunicorn]]:
    """Two gunicorn processes (production settings) on the test's PostgreSQL and Redis."""
    database_url = postgresql_url_or_skip(request)
    redis = redis_or_skip()
    secret = run_secret()
    try:
        with two_servers(tmp_path, database_url, secret) as pair:
            yield pair
    finally:
        forget_client(redis, secret)
        redis.close()


def test_a_report_made_on_one_host_is_triaged_on_the_other_and_shows_back_on_the_first(
    servers: tuple[Gunicorn, Gunicorn], world: World
) -> None:
    one, two = servers
    worker, supervisor = Visitor(), Visitor()
    marker = f"Pallet fell from rack {secrets.token_hex(4)}"

    status, form = worker.get(one, f"/r/{world.location_a}")
    assert status == 200
    # named: an anonymous report reaches the boards only when its hour is over (issue 19)
    answers = report_answers(form_token(form), what_happened=marker, reporter_name="Ana")
    answers = {k: str(v) for k, v in answers.items()}
    status, page = one.post_form(f"/r/{world.location_a}", answers)
    assert status == 200, page[:2000]
    receipt = receipt_in(page)

    assert supervisor.try_login(two, world.supervisor_a.email, PASSWORD) == 303
    status, board = supervisor.get(two, "/triage")
    assert status == 200
    assert marker in board
    assert _count(board, "new") == 1
    report_id = int(re.search(r"/triage/reports/(\d+)/acknowledge", board).group(1))
    version = re.search(r'name="version" value="(\d+)"', board).group(1)

    fields = {"csrf_token": csrf_token(board), "version": version, "next": "/triage"}
    status, _ = supervisor.post(two, f"/triage/reports/{report_id}/acknowledge", fields)
    assert status == 303

    # the session made on host two is good on host one: no state is kept in a process
    status, page = supervisor.get(one, f"/reports/{report_id}")
    assert status == 200
    assert marker in page
    assert 'class="status status-acknowledged"' in page
    status, board = supervisor.get(one, "/triage")
    assert (_count(board, "new"), _count(board, "acknowledged")) == (0, 1)
    # and the reporter, following with the receipt on host one, sees it too
    status, page = worker.post(one, "/followup", {"code": receipt})
    assert status == 200
    assert "Acknowledged — a supervisor has seen it" in page

"""Nothing submitted is lost and nothing is doubled, with many writers at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Report
from tests.factories import form_token, receipt_in, report_answers


def test_the_same_form_sent_eight_times_at_once_makes_one_report(app, world):
    token = form_token(app.test_client().get(f"/r/{world.location_a}").get_data(as_text=True))

    def send(index: int) -> tuple[int, str]:
        response = app.test_client().post(
            f"/r/{world.location_a}",
            data=report_answers(token),
            environ_base={"REMOTE_ADDR": f"10.0.1.{index}"},
        )
        return response.status_code, receipt_in(response.get_data(as_text=True))

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(send, range(8)))
    assert {status for status, _ in results} == {200}
    assert len({receipt for _, receipt in results}) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(Report.id))) == 1


def test_forty_different_reports_at_once_are_all_kept(app, world):
    client = app.test_client()
    tokens = [
        form_token(client.get(f"/r/{world.location_a}").get_data(as_text=True)) for _ in range(40)
    ]

    def send(index: int) -> int:
        response = app.test_client().post(
            f"/r/{world.location_a}",
            data=report_answers(tokens[index], what_happened=f"report number {index}"),
            environ_base={"REMOTE_ADDR": f"10.0.2.{index}"},
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(send, range(40)))
    assert statuses == [200] * 40
    with app.app_context():
        texts = set(db.session.scalars(select(Report.what_happened)).all())
    assert texts == {f"report number {index}" for index in range(40)}

from tests.factories import form_token, receipt_in, report_answers


def test_a_worker_reports_and_gets_a_receipt(client, world):
    page = client.get(f"/r/{world.location_a}")
    assert page.status_code == 200
    response = client.post(
        f"/r/{world.location_a}", data=report_answers(form_token(page.get_data(as_text=True)))
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(receipt_in(response.get_data(as_text=True)).replace("-", "")) == 16

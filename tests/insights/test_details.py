"""All indicators: the page shows the hand-counted figures of the small data set."""

from __future__ import annotations

RANGE = {"from": "2026-04", "to": "2026-06"}


def page(client, **args) -> str:
    response = client.get("/insights/indicators", query_string={**RANGE, **args})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/insights/indicators")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_figures_of_the_small_data_set(client, login, world, small):
    login.as_(world.admin)
    html = page(client)
    # 2 named: a small group; the 6 anonymous are withheld too, or 8 - 6 would give it away
    assert "Anonymous: not shown · Named: fewer than 5" in html
    assert "Engineering or better: 57 %" in html and "(4/7)" in html  # fix strength
    assert "Average score: 1.9" in html  # 15 / 8
    assert "Vehicles and traffic" in html and "Not classified yet" in html
    assert "Charlie Yard reports far less" in html
    # closeout (high-potential apart) — independent of today: due dates long past
    assert "(1/3)" in html and "(1/2)" in html
    for chart in (
        "chart-category",
        "chart-location",
        "chart-shift",
        "chart-hour",
        "chart-quality",
        "chart-strength",
        "chart-trend",
    ):
        assert f'id="{chart}"' in html
    assert "<script" not in html.split("</header>", 1)[1].split("<script src", 1)[0]


def test_a_viewer_sees_only_their_site(client, login, world, small):
    login.as_(world.viewer_a)
    html = page(client)
    assert "Alpha Plant" in html
    assert "Bravo Warehouse" not in html and "Charlie Yard" not in html
    assert "Anonymous: not shown · Named: fewer than 5" in html  # A: 1, 2, 3, 5, 6, 11; 1 named


def test_small_groups_read_fewer_than_5(client, login, world, small):
    login.as_(world.admin)
    html = page(client)
    role = html[html.index('id="chart-role"') :]
    role = role[: role.index("</figure>")]
    # worker 1, contractor 1: never a count of 1 next to a role
    assert "fewer than 5" in role
    assert ">1<" not in role.split("<table", 1)[1]
    assert "<td>6</td>" in role  # role not given: 6, shown


def test_group_helper():
    from portal.indicators.privacy import shown

    assert [shown(n) for n in (0, 1, 4, 5, 12)] == [0, None, None, 5, 12]

"""No channel tells an anonymous report's time to better than the hour (issue 19).

A worker sends a named report, an anonymous one with a photo and another named one within a
minute, from a real phone browser. Then every staff channel is read — while the hour lasts and
once it is over: the board in a real browser (cards, their attributes, their order, the
counts, the thumbnail's headers), card polling, the board's poll, the staff home, the report
page, the photo's headers, the CSV export, the outbox rows and the mails and webhooks they
become (headers included), the escalation a day later, the insights, the public display's
figures and the server's access log. None gives the anonymous report's minute; the named
reports keep theirs (so the search would see one). The rule itself: tests/test_hours.py.
"""

from __future__ import annotations

import csv
import io
import re
import runpy
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.lib.hours import HOUR, hour_floor
from portal.lib.timeutil import to_local, utcnow
from portal.models import Delivery, OutboxMessage, Photo, Report
from portal.notify import reminders
from tests.factories import HX, PASSWORD, jpeg, make_recipient, time_passes
from tests.notify import conftest as notify
from tests.notify.helpers import deliver

# the notification tests' fixtures: a real SMTP server and a real webhook receiver
app_env, smtp_port, start_mailbox = notify.app_env, notify.smtp_port, notify.start_mailbox
mailbox, webhook = notify.mailbox, notify.webhook

ROOT = Path(__file__).resolve().parents[2]
MADRID = "Europe/Madrid"  # site A's zone (tests/factories/people.py): the display counts its months
MINUTE_TIME = re.compile(r"\b\d{1,2}:(?!00\b)\d{2}\b")  # a clock time not on the hour
NAMED_1 = "Named one: the pallet wrap lay across the walkway"
ANONYMOUS = "Anonymous: the forklift reversed without its horn at bay 4"
NAMED_2 = "Named two: a ladder stood on the loading plate"


def card(html: str, rid: int) -> str:
    start = html.index(f'id="card-{rid}"')
    return html[start : html.index("</article>", start)]


# --- every channel, in one journey ---


def _send(phone, code: str, what: str, *, name: str = "", photo: bool = False) -> None:
    page = phone.new_page()
    page.goto(f"/r/{code}")
    page.get_by_label("What happened?", exact=True).fill(what)
    page.get_by_role("radio", name="Minor injury").check()
    if name or photo:
        page.get_by_text("Add more (optional)").click()
    if photo:
        page.get_by_label("Photos (up to 3)").set_input_files(
            {"name": "bay4.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}
        )
    if name:
        page.get_by_label("Your name (leave empty to stay anonymous)").fill(name)
    page.get_by_role("button", name="Send report").click()
    page.get_by_test_id("receipt-code").wait_for()
    page.close()


def _ids(app) -> tuple[int, int, int]:
    with app.app_context():
        found = dict(db.session.execute(select(Report.what_happened, Report.id)).all())
        return found[NAMED_1], found[ANONYMOUS], found[NAMED_2]


def _sign_in(desktop, persona):
    page = desktop.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(persona.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/")
    return page


def _no_minute(where: str, text: str) -> None:
    found = MINUTE_TIME.search(text)
    assert found is None, (
        f"{where}: {found.group(0)!r} in …{text[max(found.start() - 80, 0) : found.end() + 80]}…"
    )


def _received(client) -> int:
    """The display's reports of the month (the figure is left out while it is 0)."""
    html = client.get("/display/alpha/content", headers=HX).get_data(as_text=True)
    found = re.search(r'data-testid="figure-received" data-value="(\d+)"', html)
    return int(found.group(1)) if found else 0


def _csv_rows(client) -> list[dict[str, str]]:
    body = client.get("/insights/export/reports.csv").get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))


def _access_log_lines(tmp_path: Path, code: str) -> str:
    """What the documented gunicorn logger (gunicorn.conf.py) writes for a worker's report
    and for a staff page."""
    config = pytest.importorskip("gunicorn.config").Config()
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    log = tmp_path / "access.log"
    config.set("accesslog", str(log))
    config.set("access_log_format", settings["access_log_format"])
    logger = settings["AnonymousLogger"](config)
    for method, path in (("GET", f"/r/{code}"), ("POST", f"/r/{code}"), ("GET", "/triage")):
        environ = {
            "REQUEST_METHOD": method,
            "RAW_URI": path,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_PROTOCOL": "HTTP/1.1",
        }
        response = SimpleNamespace(status="200 OK", sent=100, headers=[])
        logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=5))
    for handler in logger.access_log.handlers:
        handler.flush()
    return log.read_text()


@pytest.mark.browser
def test_no_staff_channel_gives_an_anonymous_reports_time_to_better_than_the_hour(
    app, client, login, world, phone, desktop, webhook, mailbox, tmp_path
):
    to_the_hour = 3600 - (time.time() % 3600)
    if to_the_hour < 90:  # the three reports and the first look fall in one hour
        time.sleep(to_the_hour + 1)
    app.config["DISPLAY_FIGURES_SECONDS"] = 0  # the figure as computed, not as cached
    with app.app_context():
        make_recipient(world.site_a, webhook.url, "Team chat", channel=Delivery.WEBHOOK.value)
        db.session.commit()
    received_before = _received(client)

    # named, anonymous with a photo, named: within a minute, from the phone
    _send(phone, world.location_a, NAMED_1, name="Ana")
    _send(phone, world.location_a, ANONYMOUS, photo=True)
    _send(phone, world.location_a, NAMED_2, name="Ben")
    named_1, anonymous, named_2 = _ids(app)
    with app.app_context():
        report = db.session.get(Report, anonymous)
        hour = report.created_at
        photo_id = db.session.scalar(select(Photo.id).where(Photo.report_id == anonymous))
    assert hour == hour_floor(hour)  # stored at its hour: nothing later can tell more

    # neighbours: the numbers do not follow the order of submission
    assert not (named_1 + 1 == anonymous and anonymous + 1 == named_2)

    # --- while its hour lasts, it reaches no staff channel but its own page ---
    board = _sign_in(desktop, world.supervisor_a)
    board.goto("/triage")
    html = board.content()
    assert f'id="card-{named_1}"' in html and f'id="card-{named_2}"' in html
    assert f'id="card-{anonymous}"' not in html and ANONYMOUS not in html
    assert re.search(r'id="head-new"[^>]*>\s*<h2[^>]*>New <span class="count">2<', html)
    login.as_(world.admin)  # the test client: the admin, who sees every site
    poll = client.get("/triage/updates?since=0", headers=HX).get_data(as_text=True)
    assert f"card-{anonymous}" not in poll and f"card-{named_2}" in poll
    assert ANONYMOUS not in client.get("/staff/").get_data(as_text=True)
    for page in ("/insights/supervisor", "/insights/review", "/insights/indicators"):
        assert f'/reports/{anonymous}"' not in client.get(page).get_data(as_text=True), page
    assert all(row["Reference"] != str(anonymous) for row in _csv_rows(client))
    assert _received(client) == received_before + 2  # the display: the named two only
    with app.app_context():
        rows = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.report_id == anonymous)
        ).all()
        assert rows, "the anonymous report is announced"
        for row in rows:  # dated to the end of its hour and sent then, with that hour's batch
            assert row.created_at == row.next_attempt_at == hour + HOUR
            _no_minute(
                f"outbox row to {row.recipient}", f"{row.subject}\n{row.body}\n{row.payload}"
            )
    deliver(app)
    assert not any(ANONYMOUS in m.get_content() for m in mailbox.messages)
    assert not any(ANONYMOUS in str(hook) for hook in webhook.received)

    # --- the hour is over: everything moves an hour back, as if the test ran an hour later ---
    time_passes(app, HOUR)
    hour -= HOUR

    # the board in the browser: the card, its attributes, its place, the thumbnail's headers
    photo_headers: list[dict[str, str]] = []
    board.on(
        "response",
        lambda r: photo_headers.append(r.all_headers()) if "/staff/photos/" in r.url else None,
    )
    board.goto("/triage")
    board.locator(f"#card-{anonymous} img").wait_for()
    board.wait_for_load_state("networkidle")
    html = board.content()
    anonymous_card = card(html, anonymous)
    _no_minute("board card", anonymous_card)
    # its machine-readable time, too, is only the hour
    stamps = re.findall(r'datetime="([^"]+)"', anonymous_card)
    assert stamps and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:00Z", s) for s in stamps), stamps
    assert "Waiting 1 h" in anonymous_card and not re.search(r"\d+ min", anonymous_card)
    assert re.search(r'datetime="[^"]+T\d\d:\d\d:\d\dZ"', card(html, named_1))  # the minute
    new_column = board.locator("#cards-new article.card").evaluate_all("a => a.map(e => e.id)")
    # longest waiting first, by the moment staff may know: the anonymous report sits at the
    # start of its hour, before both named ones, whatever its minute was
    assert new_column.index(f"card-{anonymous}") < new_column.index(f"card-{named_1}")
    assert new_column.index(f"card-{anonymous}") < new_column.index(f"card-{named_2}")
    assert photo_headers, "the thumbnail was loaded"
    for headers in photo_headers:
        assert "last-modified" not in headers
        # every header but Date, which is the moment of the response, not of the report
        _no_minute("photo headers", str({k: v for k, v in headers.items() if k != "date"}))

    # card polling: the same words poll after poll, no minute
    polled = [
        board.request.get(f"/triage/cards/{anonymous}", headers={"HX-Request": "true"}).text()
        for _ in range(2)
    ]
    assert polled[0] == polled[1]
    _no_minute("card poll", polled[0])

    # the board's poll brings it now, at the hour, with the counts
    mark = int((hour + HOUR - datetime(1970, 1, 1)) / timedelta(microseconds=1)) - 1
    poll = client.get(f"/triage/updates?since={mark}", headers=HX).get_data(as_text=True)
    assert f"card-{anonymous}" in poll
    _no_minute("board poll", card(poll, anonymous))

    # the report page, in the browser
    board.goto(f"/reports/{anonymous}")
    page_html = board.content()
    _no_minute("report page", page_html[page_html.index("<main") :])

    # the photo itself: no Last-Modified, an ETag from its name, no answer to If-Modified-Since
    response = client.get(f"/staff/photos/{photo_id}")
    assert response.status_code == 200 and "Last-Modified" not in response.headers
    since = (hour + timedelta(minutes=30)).replace(tzinfo=UTC)
    probe = client.get(
        f"/staff/photos/{photo_id}",
        headers={"If-Modified-Since": since.strftime("%a, %d %b %Y %H:%M:%S GMT")},
    )
    assert probe.status_code == 200  # no 304 that a chosen date could bisect
    _no_minute("photo headers", str([h for h in response.headers if h[0] != "Date"]))

    # the staff home
    home = client.get("/staff/").get_data(as_text=True)
    assert ANONYMOUS in home
    _no_minute("staff home", home[home.index(ANONYMOUS) - 400 : home.index(ANONYMOUS) + 400])

    # CSV: the hour only; rows by reference, and references are random
    rows = {row["Reference"]: row for row in _csv_rows(client)}
    anonymous_row = rows[str(anonymous)]
    assert anonymous_row["Submitted"].endswith(":00")
    _no_minute("CSV row", str(anonymous_row))
    with app.app_context():
        named_minute = db.session.get(Report, named_1).created_at.minute
    if named_minute:  # the named keep their minute (unless it happens to be :00)
        assert MINUTE_TIME.search(rows[str(named_1)]["Submitted"])

    # outbox → mail and webhook, headers included
    deliver(app)
    mails = [m for m in mailbox.messages if ANONYMOUS in m.get_content()]
    assert {str(m["To"]) for m in mails} == {"safety@test.example", "sup.a@test.example"}
    for mail in mails:
        date = parsedate_to_datetime(str(mail["Date"]))
        assert (date.minute, date.second) == (0, 0)
        assert str(anonymous) not in str(mail["Message-ID"])
        _no_minute("mail", mail.as_string())
    hooks = [
        (body, headers)
        for body, headers in zip(webhook.received, webhook.headers, strict=True)
        if body["report"]["id"] == anonymous
    ]
    assert len(hooks) == 1
    for body, headers in hooks:
        _no_minute("webhook", f"{body}\n{headers}")
        assert not any("date" in key.lower() for key in headers)

    # a day later, unacknowledged: the escalation says the hour
    with app.app_context():
        reminders.queue_reminders(now=utcnow() + timedelta(hours=25), with_digests=False)
        escalation = db.session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.kind == "escalation", OutboxMessage.report_id == anonymous
            )
        )
        assert escalation is not None
        assert re.search(r"\d{1,2}:00\u202f[AP]M \u2013 \d{1,2}:00\u202f[AP]M", escalation.body)
        _no_minute("escalation", f"{escalation.subject}\n{escalation.body}")

    # insights: the supervisor's week lists it by the hour; no small group comes back by
    # subtraction
    week = client.get("/insights/supervisor").get_data(as_text=True)
    at = week.index(f'/reports/{anonymous}"')
    _no_minute("supervisor's week", week[at : week.index("</li>", at)])
    details = client.get("/insights/indicators").get_data(as_text=True)
    assert "Anonymous: fewer than 5 · Named: fewer than 5" in details
    _no_minute("insights", details[details.index("<main") :])

    # the public display: the figure stepped up at the hour, not at the minute (its month is
    # the site's: Madrid)
    if to_local(utcnow() - 2 * HOUR, MADRID).month == to_local(utcnow(), MADRID).month:
        assert _received(client) == received_before + 3

    # the server's access log: no line for the worker's pages; staff pages as before
    log = _access_log_lines(tmp_path, world.location_a)
    assert world.location_a not in log and "/r/" not in log
    assert "GET /triage" in log
    nginx = (ROOT / "docs" / "deploy.md").read_text()
    assert "~^/(r|kiosk)/          0;" in nginx
    assert all(
        "if=$closecall_logged" in line for line in nginx.splitlines() if "access_log /" in line
    )

"""Two-step sign-in, the rules (portal/domain/two_factor.py): turning it on with the password
and a first code, codes that work once in their window, recovery codes that work once, and
turning it off with the password, each change on the staff change trail."""

from __future__ import annotations

from datetime import UTC, timedelta

import pyotp
import pytest
from sqlalchemy import select

from portal.domain import people as people_rules
from portal.domain import two_factor
from portal.extensions import db
from portal.lib.timeutil import utcnow
from portal.models import RecoveryCode, StaffChange, User
from tests.factories import PASSWORD

NOW = utcnow().replace(microsecond=0)


def _trail(user: User) -> list[tuple[str, str | None, str | None]]:
    query = select(StaffChange).where(StaffChange.subject_id == user.id).order_by(StaffChange.id)
    return [(c.what, c.before, c.after) for c in db.session.scalars(query)]


def _on(user: User, now=NOW) -> tuple[str, list[str]]:
    secret = two_factor.new_secret()
    fresh = two_factor.turn_on(
        user, secret, password=PASSWORD, code=two_factor.code_at(secret, now), now=now
    )
    return secret, fresh


def test_turning_it_on_keeps_the_secret_sealed_and_gives_ten_recovery_codes(people):
    user = people.supervisor_a
    secret, fresh = _on(user)
    assert user.has_two_factor and user.two_factor_since == NOW
    assert secret not in user.totp_secret and two_factor.unseal(user.totp_secret) == secret
    assert len(fresh) == len(set(fresh)) == 10
    assert all(len(code) == 11 and code[5] == "-" for code in fresh)
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not {code.replace("-", "") for code in fresh} & set(stored)
    assert two_factor.recovery_codes_left(user) == 10
    assert _trail(user)[-1] == ("2fa_on", "off", "on")


def test_the_uri_and_the_typed_key_name_the_portal_and_the_person(people):
    secret = two_factor.new_secret()
    uri = two_factor.provisioning_uri(secret, "sup.a@test.example")
    assert uri.startswith("otpauth://totp/Closecall:sup.a%40test.example?")
    assert f"secret={secret}" in uri and "issuer=Closecall" in uri
    assert two_factor.grouped(secret).replace(" ", "") == secret
    assert len(secret) == 32  # 160 bits


@pytest.mark.parametrize(
    ("password", "code", "error"),
    [
        ("wrong password", None, two_factor.WrongPassword),
        (PASSWORD, "123", two_factor.WrongCode),
        (PASSWORD, "not a code", two_factor.WrongCode),
        (PASSWORD, "expired", two_factor.ExpiredCode),
    ],
)
def test_turning_it_on_needs_the_password_and_a_code_of_now(people, password, code, error):
    user = people.supervisor_a
    secret = two_factor.new_secret()
    if code is None:
        code = two_factor.code_at(secret, NOW)
    elif code == "expired":
        code = two_factor.code_at(secret, NOW - timedelta(minutes=3))
    with pytest.raises(error):
        two_factor.turn_on(user, secret, password=password, code=code, now=NOW)
    assert not user.has_two_factor
    assert db.session.scalar(select(RecoveryCode.id)) is None


def test_a_code_works_once_and_never_one_of_an_earlier_step(people):
    user = people.supervisor_a
    secret, _codes = _on(user, NOW - timedelta(minutes=10))
    code = two_factor.code_at(secret, NOW)
    assert two_factor.verify(user, code, NOW) == "app"
    with pytest.raises(two_factor.ReusedCode, match="used already"):
        two_factor.verify(user, code, NOW + timedelta(seconds=20))
    # the next step's code works; the previous step's, still inside the window, does not
    later = NOW + timedelta(seconds=30)
    assert two_factor.verify(user, two_factor.code_at(secret, later), later) == "app"
    with pytest.raises(two_factor.ReusedCode):
        two_factor.verify(user, code, later)


def test_the_code_that_turned_it_on_does_not_sign_in(people):
    user = people.supervisor_a
    secret, _codes = _on(user)
    with pytest.raises(two_factor.ReusedCode):
        two_factor.verify(user, two_factor.code_at(secret, NOW), NOW + timedelta(seconds=5))


@pytest.mark.parametrize("offset", [-30, 30])
def test_a_phone_clock_a_step_off_is_accepted(people, offset):
    user = people.supervisor_a
    secret, _codes = _on(user, NOW - timedelta(minutes=10))
    code = two_factor.code_at(secret, NOW + timedelta(seconds=offset))
    assert two_factor.verify(user, code, NOW) == "app"


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("old", two_factor.ExpiredCode),
        ("wrong", two_factor.WrongCode),
        ("12345", two_factor.BadRecoveryCode),  # not six digits: read as a recovery code
        ("", two_factor.BadRecoveryCode),
        ("\uff11\uff12\uff13\uff14\uff15\uff16", two_factor.BadRecoveryCode),  # full-width digits
    ],
)
def test_old_wrong_and_malformed_codes_are_told_apart(people, typed, error):
    user = people.supervisor_a
    secret, _codes = _on(user, NOW - timedelta(minutes=10))
    if typed == "old":
        typed = two_factor.code_at(secret, NOW - timedelta(minutes=2))
    elif typed == "wrong":
        right = two_factor.code_at(secret, NOW)
        typed = f"{(int(right) + 1) % 1_000_000:06d}"
    with pytest.raises(error):
        two_factor.verify(user, typed, NOW)
    assert user.totp_last_step == two_factor._step(NOW - timedelta(minutes=10))


def test_spaces_and_dashes_in_a_code_are_ignored(people):
    user = people.supervisor_a
    secret, _codes = _on(user, NOW - timedelta(minutes=10))
    code = two_factor.code_at(secret, NOW)
    assert two_factor.verify(user, f" {code[:3]} {code[3:]} ", NOW) == "app"


def test_a_recovery_code_works_once_as_typed_loosely(people):
    user = people.supervisor_a
    _secret, fresh = _on(user)
    first = fresh[0]
    assert two_factor.verify(user, first.lower().replace("-", " "), NOW) == "recovery"
    assert two_factor.recovery_codes_left(user) == 9
    assert _trail(user)[-1] == ("recovery_code_used", None, "9")
    with pytest.raises(two_factor.BadRecoveryCode, match="not right, or it was used already"):
        two_factor.verify(user, first, NOW)
    assert two_factor.verify(user, fresh[1], NOW) == "recovery"


def test_another_persons_recovery_code_does_not_work(people):
    _secret, fresh = _on(people.supervisor_a)
    _on(people.supervisor_b)
    with pytest.raises(two_factor.BadRecoveryCode):
        two_factor.verify(people.supervisor_b, fresh[0], NOW)


def test_new_recovery_codes_need_the_password_and_replace_the_old(people):
    user = people.supervisor_a
    _secret, old = _on(user)
    with pytest.raises(two_factor.WrongPassword):
        two_factor.renew_recovery_codes(user, "not it", NOW)
    fresh = two_factor.renew_recovery_codes(user, PASSWORD, NOW)
    assert not set(fresh) & set(old)
    with pytest.raises(two_factor.BadRecoveryCode):
        two_factor.verify(user, old[0], NOW)
    assert two_factor.verify(user, fresh[0], NOW) == "recovery"
    assert ("recovery_codes_renewed", None, None) in _trail(user)


def test_turning_it_off_needs_the_password(people):
    user = people.supervisor_a
    _on(user)
    with pytest.raises(two_factor.WrongPassword):
        two_factor.turn_off(user, "not my password")
    assert user.has_two_factor
    two_factor.turn_off(user, PASSWORD)
    assert not user.has_two_factor and user.totp_last_step is None
    assert db.session.scalar(select(RecoveryCode.id)) is None
    assert _trail(user)[-1] == ("2fa_off", "on", "off")
    with pytest.raises(two_factor.TwoFactorError, match="off already"):
        two_factor.turn_off(user, PASSWORD)


def test_admins_keep_it_while_it_is_required(app, people):
    admin = people.admin
    assert not two_factor.missing(admin)
    app.config["REQUIRE_ADMIN_2FA"] = True
    assert two_factor.missing(admin) and not two_factor.missing(people.supervisor_a)
    _on(admin)
    assert not two_factor.missing(admin)
    with pytest.raises(two_factor.TwoFactorError, match="Admins must keep"):
        two_factor.turn_off(admin, PASSWORD)
    assert admin.has_two_factor


def test_a_manager_turns_it_off_for_a_person_who_lost_their_phone(people):
    supervisor = people.supervisor_a
    _on(supervisor)
    two_factor.reset_for(people.safety, supervisor)
    assert not supervisor.has_two_factor
    assert _trail(supervisor)[-1] == ("2fa_reset", "on", "off")


def test_nobody_turns_it_off_for_someone_they_do_not_manage_nor_for_themselves(people):
    admin = people.admin
    _on(admin)
    with pytest.raises(people_rules.NotAllowed):
        two_factor.reset_for(people.safety, admin)
    with pytest.raises(people_rules.NotAllowed):
        two_factor.reset_for(admin, admin)
    assert admin.has_two_factor


def test_a_secret_sealed_with_another_key_says_so(app, people):
    user = people.supervisor_a
    _on(user, NOW - timedelta(minutes=10))
    sealed, key = user.totp_secret, app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "another-secret-key-that-is-long-enough-here"
    try:
        with pytest.raises(two_factor.UnreadableSecret):
            two_factor.verify(user, "123456", NOW)
    finally:
        app.config["SECRET_KEY"] = key
    assert user.totp_secret == sealed


def test_codes_follow_rfc_6238_as_apps_make_them(people):
    """pyotp as an app would run it: the code the portal expects is the app's."""
    secret = two_factor.new_secret()
    assert two_factor.code_at(secret, NOW) == pyotp.TOTP(secret).at(NOW.replace(tzinfo=UTC))


def test_two_requests_with_the_same_code_cannot_both_pass(app, world):
    """Both requests read the account before either accepted the code: the second one's copy
    still shows the code unused, but the check is made by the database (a conditional update)."""
    from tests.factories import turn_on_two_factor

    two = turn_on_two_factor(app, world.supervisor_a)
    code = two.code()
    with app.test_request_context():
        late = db.session.get(User, world.supervisor_a.id)
        db.session.commit()  # read, then the other request goes first
        with app.app_context():  # another request: its own session
            first = db.session.get(User, world.supervisor_a.id)
            assert two_factor.verify(first, code) == "app"
            db.session.commit()
        assert late.totp_last_step != first.totp_last_step  # a stale copy
        with pytest.raises(two_factor.ReusedCode):
            two_factor.verify(late, code)
        db.session.rollback()

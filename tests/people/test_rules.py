"""The rules of staff accounts (portal/domain/people.py), called directly."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from portal.domain import people as rules
from portal.extensions import db
from portal.models import OutboxMessage, Role, StaffChange, User
from portal.models.people import AppendOnly


def _invite(actor, sites, role="supervisor", email="new@test.example"):
    return rules.invite(actor, name="New Person", email=email, role=role, sites=sites)


def test_admins_and_safety_managers_manage_people_others_do_not(people):
    assert rules.can_manage_people(people.admin)
    assert rules.can_manage_people(people.safety)
    assert not rules.can_manage_people(people.supervisor_a)
    assert not rules.can_manage_people(people.viewer_a)


def test_a_safety_manager_gives_only_supervisor_and_viewer(people):
    assert rules.roles_given_by(people.safety) == [Role.SUPERVISOR, Role.VIEWER]
    assert rules.roles_given_by(people.admin) == list(Role)
    assert rules.roles_given_by(people.supervisor_a) == []


def test_a_safety_manager_manages_supervisors_and_viewers_of_their_sites_only(people):
    safety = people.safety
    assert rules.can_manage(safety, people.supervisor_a)
    assert rules.can_manage(safety, people.viewer_a)
    assert not rules.can_manage(safety, people.supervisor_b)  # another site
    assert not rules.can_manage(safety, people.admin)
    assert not rules.can_manage(safety, safety)  # a safety manager, themselves included


def test_a_safety_manager_does_not_manage_someone_who_also_works_at_another_site(people):
    supervisor = people.supervisor_a
    supervisor.sites = [people.site("a"), people.site("b")]
    assert not rules.can_manage(people.safety, supervisor)
    assert rules.can_see(people.safety, supervisor)


def test_a_safety_manager_sees_the_people_of_their_sites_only(people):
    seen = set(db.session.scalars(select(User.email).where(rules.visible_people(people.safety))))
    assert seen == {"safety@test.example", "sup.a@test.example", "viewer.a@test.example"}
    everyone = db.session.scalars(select(User.id).where(rules.visible_people(people.admin)))
    assert len(everyone.all()) == 5


def test_an_invitation_makes_an_account_that_cannot_sign_in_yet(people):
    invited = _invite(people.safety, [people.site("a")])
    user = invited.user
    assert user.active and rules.is_invited(user)
    assert not user.check_password("")
    assert not user.check_password(rules.NO_PASSWORD)
    assert "/welcome/" in invited.link
    (message,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "invitation"))
    assert message.recipient == "new@test.example"
    assert invited.link in message.body
    change = db.session.scalar(select(StaffChange).where(StaffChange.subject_id == user.id))
    assert (change.what, change.actor_id, change.after) == (
        "invited",
        people.safety.id,
        "supervisor; Alpha Plant",
    )


def test_a_safety_manager_never_invites_an_admin_or_a_safety_manager(people):
    for role in ("admin", "safety_manager"):
        with pytest.raises(rules.NotAllowed):
            _invite(people.safety, [people.site("a")], role=role)


def test_a_safety_manager_never_gives_another_sites_access(people):
    with pytest.raises(rules.NotAllowed):
        _invite(people.safety, [people.site("a"), people.site("b")])


def test_a_supervisor_invites_nobody(people):
    with pytest.raises(rules.NotAllowed):
        _invite(people.supervisor_a, [people.site("a")])


def test_a_site_role_needs_a_site_and_an_admin_gets_none(people):
    with pytest.raises(rules.PeopleError):
        _invite(people.admin, [])
    admin = _invite(people.admin, [people.site("a")], role="admin").user
    assert admin.sites == []


def test_an_email_is_invited_once_whatever_its_case(people):
    with pytest.raises(rules.PeopleError):
        _invite(people.admin, [people.site("a")], email=" SUP.A@test.example ")


def test_an_unknown_role_is_refused(people):
    with pytest.raises(rules.PeopleError):
        _invite(people.admin, [people.site("a")], role="owner")


def test_changing_role_and_sites_records_before_and_after(people):
    person = people.supervisor_a
    changed = rules.change_access(
        people.admin,
        person,
        name=person.name,
        role="viewer",
        sites=[people.site("a"), people.site("b")],
    )
    assert changed and person.role == "viewer"
    trail = db.session.scalars(
        select(StaffChange).where(StaffChange.subject_id == person.id).order_by(StaffChange.id)
    ).all()
    assert [(c.what, c.before, c.after) for c in trail] == [
        ("role", "supervisor", "viewer"),
        ("sites", "Alpha Plant", "Alpha Plant, Bravo Warehouse"),
    ]


def test_saving_unchanged_records_nothing(people):
    person = people.viewer_a
    assert not rules.change_access(
        people.safety, person, name=person.name, role="viewer", sites=[people.site("a")]
    )
    assert db.session.scalar(select(StaffChange.id)) is None


def test_a_safety_manager_cannot_promote_to_safety_manager(people):
    person = people.supervisor_a
    with pytest.raises(rules.NotAllowed):
        rules.change_access(
            people.safety, person, name=person.name, role="safety_manager", sites=[people.site("a")]
        )


def test_a_safety_manager_cannot_touch_another_sites_people(people):
    person = people.supervisor_b
    with pytest.raises(rules.NotAllowed):
        rules.deactivate(people.safety, person)
    with pytest.raises(rules.NotAllowed):
        rules.change_access(
            people.safety, person, name="X", role="viewer", sites=[people.site("a")]
        )
    assert person.active and person.role == "supervisor"


def test_nobody_deactivates_themselves(people):
    admin = people.admin
    _invite(admin, [people.site("a")], role="admin", email="second@test.example")
    with pytest.raises(rules.PeopleError):
        rules.deactivate(admin, admin)
    assert admin.active


def test_nobody_demotes_themselves(people):
    admin = people.admin
    _invite(admin, [], role="admin", email="second@test.example")
    with pytest.raises(rules.PeopleError):
        rules.change_access(admin, admin, name=admin.name, role="viewer", sites=[people.site("a")])
    assert admin.role == "admin"


def test_an_admin_demotes_another_while_one_stays(people):
    admin = people.admin
    other = _invite(admin, [], role="admin", email="second@test.example").user
    other.set_password("a-brand-new-password")  # joined
    rules.change_access(admin, other, name=other.name, role="viewer", sites=[people.site("a")])
    assert other.role == "viewer" and rules._active_admins() == 1


def test_an_invited_admin_who_never_joined_does_not_count(people):
    _invite(people.admin, [], role="admin", email="second@test.example")
    assert rules._active_admins() == 1


def test_the_last_active_admin_stays_when_two_admins_remove_each_other_at_once(people):
    """Each admin's page showed the other as admin; the other's demotion was saved first."""
    admin = people.admin
    other = _invite(admin, [], role="admin", email="second@test.example").user
    other.set_password("a-brand-new-password")
    db.session.flush()
    db.session.execute(
        update(User).where(User.id == admin.id).values(role="viewer"),
        execution_options={"synchronize_session": False},
    )
    with pytest.raises(rules.PeopleError):
        rules.deactivate(admin, other)
    with pytest.raises(rules.PeopleError):
        rules.change_access(admin, other, name=other.name, role="viewer", sites=[people.site("a")])
    assert other.active and other.role == "admin"


def test_deactivation_ends_every_session_and_reactivation_does_not_revive_them(people):
    person = people.supervisor_a
    token = person.session_token
    rules.deactivate(people.safety, person)
    assert not person.active and person.session_token != token
    ended = person.session_token
    rules.reactivate(people.safety, person)
    assert person.active and person.session_token == ended
    whats = db.session.scalars(select(StaffChange.what).order_by(StaffChange.id)).all()
    assert whats == ["deactivated", "reactivated"]


def test_joining_spends_the_link_and_sets_an_argon2id_password(people):
    invited = _invite(people.admin, [people.site("a")])
    token = invited.link.rsplit("/", 1)[1]
    with pytest.raises(rules.PeopleError):
        rules.join(token, "short", "short")
    user = rules.join(token, "a-brand-new-password", "a-brand-new-password")
    assert user is invited.user and not rules.is_invited(user)
    assert user.password_hash.startswith("$argon2id$")
    assert user.check_password("a-brand-new-password")
    assert rules.join(token, "a-brand-new-password", "a-brand-new-password") is None  # once
    body = db.session.scalar(select(OutboxMessage.body))
    assert token not in body  # the outbox forgets the spent link


def test_renewing_an_invitation_kills_the_old_link(people):
    invited = _invite(people.admin, [people.site("a")])
    old = invited.link.rsplit("/", 1)[1]
    renewed = rules.renew_invitation(people.admin, invited.user)
    new = renewed.link.rsplit("/", 1)[1]
    assert new != old
    assert rules.join(old, "a-brand-new-password", "a-brand-new-password") is None
    bodies = db.session.scalars(select(OutboxMessage.body).order_by(OutboxMessage.id)).all()
    assert old not in bodies[0] and new in bodies[1]
    assert rules.join(new, "a-brand-new-password", "a-brand-new-password") is not None


def test_renewing_is_for_people_who_have_not_joined(people):
    with pytest.raises(rules.PeopleError):
        rules.renew_invitation(people.admin, people.supervisor_a)


def test_a_deactivated_invitee_cannot_join(people):
    invited = _invite(people.admin, [people.site("a")])
    rules.deactivate(people.admin, invited.user)
    token = invited.link.rsplit("/", 1)[1]
    assert rules.join(token, "a-brand-new-password", "a-brand-new-password") is None


def test_the_trail_refuses_edits_and_deletes(people):
    _invite(people.admin, [people.site("a")])
    db.session.flush()
    change = db.session.scalar(select(StaffChange))
    change.after = "forged"
    with pytest.raises(AppendOnly):
        db.session.flush()
    db.session.rollback()
    change = db.session.scalar(select(StaffChange))
    assert change is None or change.after != "forged"


def test_a_link_spent_meanwhile_by_another_request_does_not_work_twice(people):
    from portal.domain import links
    from portal.models import AccountLink

    invited = _invite(people.admin, [people.site("a")])
    link = db.session.scalar(select(AccountLink))
    assert links.use(link)
    link.used_at = None  # what a second request read before the first one committed
    assert not links.use(link)
    token = invited.link.rsplit("/", 1)[1]
    assert rules.join(token, "a-brand-new-password", "a-brand-new-password") is None

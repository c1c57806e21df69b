"""Company sign-in, the rules (portal/domain/company.py), on claims already checked: who gets
in, which account, and what is recorded. The flow against a real provider:
tests/auth/test_company.py."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.domain import company
from portal.domain import people as people_rules
from portal.extensions import db
from portal.models import StaffChange, User


@pytest.fixture
def on(app):
    app.config.update(
        OIDC_ISSUER="https://login.test.example",
        OIDC_ALLOWED_DOMAINS=frozenset({"test.example"}),
        OIDC_PASSWORD_OFF_DOMAINS=frozenset({"plant.test.example"}),
        OIDC_CREATE_ACCOUNTS=False,
        OIDC_NEW_ACCOUNT_ROLE="viewer",
    )


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"sub": "s1"}, "no email"),
        ({"sub": "", "email": "sup.a@test.example"}, "no email"),
        (
            {"sub": "s1", "email": "sup.a@test.example", "email_verified": False},
            "email not verified",
        ),
        ({"sub": "s1", "email": "sup.a@TEST.example.org"}, "domain not allowed"),
        ({"sub": "s1", "email": "nobody@test.example"}, "no account"),
    ],
)
def test_claims_that_open_nothing(on, people, claims, reason):
    with pytest.raises(company.Refused) as refused:
        company.account_for(claims)
    assert refused.value.reason == reason


def test_an_address_is_matched_whatever_its_case_and_bound_once(on, people):
    user = company.account_for({"sub": "s1", "email": "Sup.A@Test.Example"})
    assert user.id == people.supervisor_a.id and user.oidc_subject == "s1"
    assert company.account_for({"sub": "s1", "email": "sup.a@test.example"}) is user
    with pytest.raises(company.Refused, match="another company account"):
        company.account_for({"sub": "s2", "email": "sup.a@test.example"})
    # one subject never opens two accounts
    with pytest.raises(company.Refused, match="another Closecall account"):
        company.account_for({"sub": "s1", "email": "sup.b@test.example"})


def test_an_invited_admin_who_joins_by_company_sign_in_counts_as_an_admin(on, people):
    admin = people.admin
    invited = people_rules.invite(
        admin, name="Second", email="second@test.example", role="admin", sites=[]
    )
    user = company.account_for({"sub": "s9", "email": "second@test.example"})
    assert user is invited.user and not people_rules.is_invited(user)
    whats = db.session.scalars(
        select(StaffChange.what).where(StaffChange.subject_id == user.id)
    ).all()
    assert whats == ["invited", "company_linked", "joined"]
    # two admins who can sign in: the first may now be demoted by the second
    people_rules.change_access(
        user, admin, name=admin.name, role="viewer", sites=[people.site("a")]
    )
    assert admin.role == "viewer"


def test_password_sign_in_is_off_only_for_the_listed_domains(app, on, people):
    assert company.password_off("ana@plant.test.example")
    assert not company.password_off("ana@test.example")
    app.config["OIDC_ISSUER"] = None
    assert not company.password_off("ana@plant.test.example")


def test_a_made_account_has_the_set_role_no_sites_and_no_password(app, on, people):
    app.config["OIDC_CREATE_ACCOUNTS"] = True
    user = company.account_for(
        {"sub": "n1", "email": "new@test.example", "name": "  New   Person "}
    )
    assert (user.name, user.role, user.sites) == ("New Person", "viewer", [])
    assert not user.check_password("")
    assert db.session.scalar(select(User.id).where(User.email == "new@test.example")) == user.id

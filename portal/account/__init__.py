"""A person's own account: joining after an invitation and a forgotten password (through a
one-time link, nobody signed in yet), and, signed in, the profile and two-step sign-in."""

from flask import Blueprint

bp = Blueprint("account", __name__)

from portal.account import views  # noqa: E402, F401

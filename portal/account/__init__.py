"""A person's own account through a one-time link: joining after an invitation, and a
forgotten password. Nobody is signed in yet on these pages."""

from flask import Blueprint

bp = Blueprint("account", __name__)

from portal.account import views  # noqa: E402, F401

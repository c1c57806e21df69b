"""The public feed ("you reported, we fixed"): /feed, /feed/<site-slug>, their Atom feeds and
the public "after" photos. No login and no cookie; nothing here names a reporter."""

from flask import Blueprint

bp = Blueprint("feed", __name__)

from portal.feed import views  # noqa: E402, F401

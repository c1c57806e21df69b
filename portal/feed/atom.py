"""The Atom 1.0 feed of published fixes, for chat channels and intranets.

Built with ElementTree, which escapes every text and attribute, from the public items only.
Ids are tag: URIs on the portal's host (stable across republishing); links are absolute
addresses under BASE_URL.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from flask import current_app, url_for
from flask_babel import gettext as _

from portal.domain import publishing
from portal.feed.words import control_words, days_to_fix
from portal.lib.timeutil import utcnow
from portal.models import Site
from portal.web.i18n import current_language

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TAG_DATE = "2026"  # the tag: URI's date: when the portal first published on its host
CONTENT_TYPE = "application/atom+xml; charset=utf-8"


# characters XML 1.0 does not allow: a pasted control character would make the whole feed
# unreadable to every feed reader
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    element.text = _NOT_XML.sub("", text) if text else text
    return element


def _time(moment: datetime) -> str:
    """A stored naive-UTC time in RFC 3339, as Atom wants it."""
    return moment.replace(microsecond=0).isoformat() + "Z"


def _absolute(endpoint: str, **values: object) -> str:
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)


def _tag(specific: str) -> str:
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"tag:{host},{TAG_DATE}:closecall/{specific}"


def _summary(item: publishing.PublicFix) -> str:
    parts = [
        _("What we fixed: %(fixed)s", fixed=item.fixed),
        f"{item.location} · {item.site}",
        days_to_fix(item.days_to_fix),
        control_words(item.control_level),
    ]
    return "\n".join(part for part in parts if part)


def _entry(feed: ET.Element, item: publishing.PublicFix) -> None:
    entry = _add(feed, "entry")
    _add(entry, "id", _tag(f"fix/{item.report_id}"))
    _add(entry, "title", item.what, type="text")
    _add(entry, "updated", _time(item.published_at))
    _add(entry, "published", _time(item.published_at))
    page = _absolute("feed.site", slug=item.site_slug, _anchor=f"fix-{item.report_id}")
    _add(entry, "link", rel="alternate", type="text/html", href=page)
    if item.photo_action_id is not None:
        photo = _absolute("feed.photo", action_id=item.photo_action_id)
        _add(entry, "link", rel="enclosure", type="image/jpeg", href=photo)
    if item.control_level:
        _add(entry, "category", term=item.control_level, label=control_words(item.control_level))
    _add(entry, "summary", _summary(item), type="text")


def render(site: Site | None, items: list[publishing.PublicFix]) -> bytes:
    """The feed document for all sites (site None) or one site."""
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: current_language()})
    if site is None:
        _add(feed, "id", _tag("feed"))
        _add(feed, "title", _("You reported, we fixed — all sites"))
        self_url, page_url = _absolute("feed.atom_feed"), _absolute("feed.index")
    else:
        _add(feed, "id", _tag(f"feed/{site.slug}"))
        _add(feed, "title", _("You reported, we fixed — %(site)s", site=site.name))
        self_url = _absolute("feed.site_atom", slug=site.slug)
        page_url = _absolute("feed.site", slug=site.slug)
    newest = max((item.published_at for item in items), default=None)
    _add(feed, "updated", _time(newest or utcnow()))
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=page_url)
    author = _add(feed, "author")
    _add(author, "name", "Closecall")
    for item in items:
        _entry(feed, item)
    ET.register_namespace("", ATOM)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)

"""Every string ships in Spanish, compiled into the repository: the worker-facing side (the
first promise) and the staff side too."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo

ROOT = Path(__file__).resolve().parent.parent
WORKER_FACING = (
    "templates/base.html",
    "templates/report_form/",
    "templates/followup/",
    "templates/errors/",
    "templates/feed/",
    "templates/display/",
    "portal/report_form/",
    "portal/followup/",
    "portal/feed/",
    "portal/display/",
    "portal/lib/photos.py",
    # the worker's questions and the field messages of the report form
    "portal/web/questions.py",
    "portal/web/fields.py",
    # the toolbox-talk sheet is read to the crew
    "templates/insights/talk.html",
    "portal/insights/talk_words.py",
)
METHOD_MAP = [("portal/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}


def messages_in(paths: tuple[str, ...]) -> set[str]:
    """Every translatable message of the files under these paths (files or folders)."""
    found = set()
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS, options_map={"templates/**.html": {}}
    ):
        if filename.startswith(paths):
            found.add(message if isinstance(message, str) else message[0])
    return found


def _worker_facing_messages() -> set[str]:
    return messages_in(WORKER_FACING)


def _all_messages() -> set[str]:
    return messages_in(("portal/", "templates/"))


def test_every_worker_facing_message_has_a_compiled_spanish_translation():
    with open(ROOT / "portal/translations/es/LC_MESSAGES/messages.mo", "rb") as handle:
        catalog = read_mo(handle)
    messages = _worker_facing_messages()
    assert len(messages) > 60
    missing = sorted(m for m in messages if not (catalog.get(m) and catalog.get(m).string))
    assert missing == [], "run `make i18n-extract`, translate, then `make i18n-compile`"


def test_every_staff_message_has_a_compiled_spanish_translation_too():
    with open(ROOT / "portal/translations/es/LC_MESSAGES/messages.mo", "rb") as handle:
        catalog = read_mo(handle)
    messages = _all_messages()
    assert len(messages) > 1000
    missing = sorted(m for m in messages if not (catalog.get(m) and catalog.get(m).string))
    assert missing == [], "run `make i18n-extract`, translate, then `make i18n-compile`"


def test_spanish_translations_keep_every_placeholder():
    """A translation that drops or renames %(date)s would break the page at render time."""
    with open(ROOT / "portal/translations/es/LC_MESSAGES/messages.mo", "rb") as handle:
        catalog = read_mo(handle)
    placeholder = re.compile(r"%\((\w+)\)[sd]")
    wrong = []
    for message in _all_messages():
        translated = catalog.get(message)
        if translated is None or not translated.string:
            continue
        if isinstance(translated.string, (tuple, list)):
            # a plural: each form uses the names of the English singular or plural, no others
            names = {name for text in translated.id for name in placeholder.findall(text)}
            if any(not set(placeholder.findall(form)) <= names for form in translated.string):
                wrong.append(message)
        elif set(placeholder.findall(message)) != set(placeholder.findall(translated.string)):
            wrong.append(message)
    assert wrong == []

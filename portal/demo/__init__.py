"""A believable demo company, its reports taken through the loop by portal/domain/loop/ only."""

from portal.demo.conversations import NAMES
from portal.demo.roster import ASSETS, DEMO_LOGINS, DEMO_PASSWORD, SITES
from portal.demo.seed import seed
from portal.demo.stories import STORIES
from portal.demo.story import Story

__all__ = ["ASSETS", "DEMO_LOGINS", "DEMO_PASSWORD", "NAMES", "SITES", "STORIES", "Story", "seed"]

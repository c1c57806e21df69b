"""The web kit every surface shares: pages or fragments, boards, card forms."""

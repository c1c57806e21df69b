"""The domain wing: every rule of the report's life, and no web code."""

"""Plain helpers with no Flask and no models: codes, tokens, clocks, photos."""

"""Plain helpers with no models and no surface: codes, tokens, clocks, photos, QR codes,
passwords. Form tokens read the app's secret, and photo errors are translatable text."""

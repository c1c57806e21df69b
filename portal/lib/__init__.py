"""Plain helpers with no models and no surface: codes, tokens, clocks, photos, QR codes,
passwords, URL parameters. Form tokens read the app's secret; error words are translatable."""

"""Plain helpers that know no models and no request: codes, tokens, clocks, photos, QR codes,
passwords, URL parameters. (Words they return go through Flask-Babel.)"""

"""Operations: backup and restore, copying to PostgreSQL, the dev server."""

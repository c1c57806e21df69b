"""The web kit every surface shares: pages or fragments, boards and their card forms, form
fields and the worker's questions, the process's caches, security headers, errors, i18n."""

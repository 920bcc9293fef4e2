"""The demo data set loaded by `manage.py seed_demo` (fictitious companies and people)."""

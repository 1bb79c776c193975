"""What the demo's local provider (scripts/oidc_provider.py) and the demo data agree on.
Plain values only: the provider's process imports this without the app's settings."""

DEMO_CLIENT_ID = "jpa-demo-client"
DEMO_CLIENT_SECRET = "jpa-demo-client-secret"  # noqa: S105 (a local demo provider)
# York's demo accounts (partnership/demo.py), and whether each "used a second factor".
DEMO_PEOPLE = [
    ("admin@york.example", "Ash Admin", True),
    ("commissioner@york.example", "Cam Commissioner", True),
    ("lead@york.example", "Lee Lead", False),
    ("board@york.example", "Bo Board", False),
    ("family@york.example", "Fran Family", False),
    ("visitor@york.example", "Not invited", False),
]
DEMO_PASSWORD = "demo-partnership-2026"  # noqa: S105 (partnership/demo.py's)

"""The editors' groups in admin, by the names data migrations give them."""

# Write, publish and moderate; notified of comments waiting for review.
EDITORS = "Redaktörer"
# Manage the scripts that need consent (consent.GatedScript); editors only switch them.
WEB_MANAGERS = "Webbansvariga"

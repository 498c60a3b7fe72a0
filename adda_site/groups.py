"""The editors' groups in admin, by the names data migrations give them."""

# Write, publish and moderate; notified of comments waiting for review.
EDITORS = "Redaktörer"
# Manage the scripts that need consent (consent.GatedScript); editors only switch them.
WEB_MANAGERS = "Webbansvariga"
# Write articles and submit them for review; cannot publish. Their changes to a published
# article wait as a version until an editor publishes them.
WRITERS = "Skribenter"

"""The editors' groups in admin, by the names data migrations give them."""

# Write, publish and moderate; notified of comments waiting for review.
EDITORS = "Redaktörer"

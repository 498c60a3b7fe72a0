"""The rich-text tools editors get in article bodies and site pages. What the editor
offers is exactly what django-prose-editor's sanitiser lets through on save."""

TEXT_EXTENSIONS = {
    "Heading": {"levels": [2, 3]},
    "Bold": True,
    "Italic": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "History": True,
    # Names the editor after its field's label, for screen readers (admin-editor-name.js).
    "FieldName": True,
}

// The rich text editors take the name of their field's label. ProseMirror's editable area
// is a text box of its own (role "textbox"), while the field's <label> points at the
// hidden textarea behind it: without this, screen readers announce a nameless text box
// (axe: aria-input-field-name). django-prose-editor loads this module for the
// "FieldName" extension (settings.DJANGO_PROSE_EDITOR_EXTENSIONS, adda_site.rich_text).
import { Extension } from "django-prose-editor/editor";

export const FieldName = Extension.create({
  name: "fieldName",

  onCreate() {
    const editable = this.editor.view.dom;
    let textarea = null;
    for (let node = editable.parentElement; node && !textarea; node = node.parentElement) {
      textarea = node.querySelector("textarea[id]");
    }
    if (!textarea) return;
    const label = document.querySelector(`label[for="${CSS.escape(textarea.id)}"]`);
    if (!label) return;
    if (!label.id) label.id = `${textarea.id}_label`;
    editable.setAttribute("aria-labelledby", label.id);
    // A click on the label goes to what the editor types in, not to the hidden textarea.
    label.addEventListener("click", (event) => {
      event.preventDefault();
      this.editor.commands.focus();
    });
  },
});

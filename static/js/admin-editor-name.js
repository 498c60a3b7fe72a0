// The rich text editors in Swedish, with names for screen readers.
// - The editor takes the name of its field's label. ProseMirror's editable area is a text
//   box of its own (role "textbox"), while the field's <label> points at the hidden
//   textarea behind it: without this, screen readers announce a nameless text box
//   (axe: aria-input-field-name).
// - The toolbar's buttons are named in English by django-prose-editor ("bold", "undo",
//   "Heading 2"), not through gettext: their names go through the admin's JavaScript
//   catalogue here (locale/sv/LC_MESSAGES/djangojs.po).
// django-prose-editor loads this module for the "FieldName" extension
// (settings.DJANGO_PROSE_EDITOR_EXTENSIONS, adda_site.rich_text).
import { Extension } from "django-prose-editor/editor";

const translate = window.gettext || ((text) => text);

function nameInSwedish(button) {
  for (const attribute of ["title", "aria-label"]) {
    const value = button.getAttribute(attribute);
    if (value) button.setAttribute(attribute, translate(value));
  }
  // Icon buttons show a ligature (the icon's name); text buttons show their name, alone
  // or in one element (the block type menu shows "Heading 2" in an <h2>).
  if (button.classList.contains("material-icons")) return;
  const only = button.firstElementChild;
  const holder =
    button.children.length === 0
      ? button
      : button.children.length === 1 && only.children.length === 0
        ? only
        : null;
  if (holder) holder.textContent = translate(holder.textContent.trim());
}

function translateToolbar(root) {
  for (const button of root.querySelectorAll("button")) {
    if (button.dataset.addaTranslated) continue;
    button.dataset.addaTranslated = "1";
    nameInSwedish(button);
  }
}

export const FieldName = Extension.create({
  name: "fieldName",

  onCreate() {
    const editable = this.editor.view.dom;
    const wrapper = editable.closest(".prose-editor");
    if (wrapper) {
      translateToolbar(wrapper);
      // Menus may add their buttons when they open.
      new MutationObserver(() => translateToolbar(wrapper)).observe(wrapper, {
        childList: true,
        subtree: true,
      });
    }
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

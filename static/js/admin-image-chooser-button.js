// The body editor's image button: it opens the image bank's chooser
// (admin-image-chooser.js) and inserts the image chosen as a figure, with the caption the
// editor wrote. django-prose-editor loads this module for the "ImageChooser" extension
// (settings.DJANGO_PROSE_EDITOR_EXTENSIONS); the button's label comes from news.body.
import { Extension, materialMenuButton } from "django-prose-editor/editor";

function figure(image) {
  const attrs = { src: image.src, alt: image.alt || "" };
  if (image.width && image.height) {
    attrs.width = image.width;
    attrs.height = image.height;
  }
  const content = [{ type: "image", attrs }];
  if (image.caption) {
    content.push({ type: "caption", content: [{ type: "text", text: image.caption }] });
  }
  return { type: "figure", content };
}

export const ImageChooser = Extension.create({
  name: "imageChooser",

  addOptions() {
    return { label: "Insert an image" };
  },

  addMenuItems({ menu }) {
    const button = materialMenuButton("image", this.options.label);
    // Takes the place of the Figure extension's button, which asks for an address.
    menu.defineItem({
      name: "figure",
      groups: "nodes",
      button,
      command(editor) {
        // The figure goes where the cursor was when the button was pressed.
        const { from, to } = editor.state.selection;
        window.addaImageChooser.open({ opener: button }).then((image) => {
          if (image) editor.chain().insertContentAt({ from, to }, figure(image)).run();
        });
      },
      active(editor) {
        return editor.isActive("figure");
      },
      enabled(editor) {
        return editor.isEditable;
      },
    });
  },
});

// Copies the NL Design System stylesheets installed by npm into static/vendor/ (not committed).
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "vendor");
mkdirSync(out, { recursive: true });

const files = {
  "@utrecht/component-library-css/dist/index.css": "utrecht-components.css",
  "@utrecht/design-tokens/dist/index.css": "utrecht-theme.css",
};
for (const [source, target] of Object.entries(files)) {
  copyFileSync(join(root, "node_modules", source), join(out, target));
  console.log(`static/vendor/${target} <- ${source}`);
}

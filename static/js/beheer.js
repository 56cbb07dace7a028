// The beheer's script widgets get accessible names (WCAG 4.1.2): select2 (autocomplete fields) names its
// combobox after its own rendering, which is empty before a choice, and the filter of a two-list choice
// (filter_horizontal) puts aria-label on a span without a role. Runs again for every row an inline adds.
"use strict";
(function () {
  function nameSelect2(selection) {
    const rendered = selection.querySelector(".select2-selection__rendered");
    if (!rendered || selection.dataset.beheerNaam) {
      return;
    }
    const select = document.getElementById(rendered.id.replace(/^select2-/, "").replace(/-container$/, ""));
    if (!select) {
      return;
    }
    const label = select.id ? document.querySelector(`label[for="${select.id}"]`) : null;
    if (label) {
      label.id = label.id || `${select.id}_label`;
      selection.setAttribute("aria-labelledby", `${label.id} ${rendered.id}`);
      rendered.setAttribute("aria-labelledby", label.id);
    } else if (select.getAttribute("aria-label")) {
      selection.removeAttribute("aria-labelledby");
      selection.setAttribute("aria-label", select.getAttribute("aria-label"));
      rendered.setAttribute("aria-label", select.getAttribute("aria-label"));
    }
    selection.dataset.beheerNaam = "1";
  }

  function nameAll(root) {
    root.querySelectorAll(".select2-selection[role=combobox]").forEach(nameSelect2);
    root.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach((icon) => {
      icon.setAttribute("role", "img");
    });
  }

  function start() {
    nameAll(document);
    new MutationObserver(() => nameAll(document)).observe(document.body, {childList: true, subtree: true});
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

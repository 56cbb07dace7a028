// The afspraak form's library picker in place: "Invoegen" fills the visible fields without a round trip and
// asks before replacing a titel or tekst the user typed. Without this script the same buttons post the form and
// the server answers with the same result (arrangementen/views/kiezer.py).
"use strict";
(function () {
  const form = document.getElementById("afspraak-form");
  const melding = document.getElementById("kiezer-melding");
  const vraag = document.getElementById("kiezer-vraag");
  if (!form || !melding || !vraag) {
    return;
  }
  const vervang = document.getElementById("kiezer-vervang");
  const houden = document.getElementById("kiezer-houden");
  const vraagTekst = document.getElementById("kiezer-vraag-tekst");
  const buttons = new Map();
  document.querySelectorAll("button[name=invoegen][data-titel]").forEach((button) => {
    buttons.set(button.value, button);
  });
  const field = (name) => form.elements.namedItem(name);
  const normal = (text) => (text || "").replace(/\r\n/g, "\n").trim();
  let previous = buttons.get(field("modelafspraak") ? field("modelafspraak").value : "") || null;
  let pending = null;

  function typedFields(clause) {
    // Typed: not empty and not the text of the clause chosen now or before.
    return ["titel", "tekst"].filter((name) => {
      const value = normal(field(name).value);
      const fromLibrary = [clause.dataset[name], previous && previous.dataset[name]].map(normal);
      return value !== "" && !fromLibrary.includes(value);
    });
  }

  function say(clause) {
    melding.replaceChildren();
    const p = document.createElement("p");
    p.className = "utrecht-paragraph";
    p.textContent = melding.dataset.tekst.replace("{titel}", clause.dataset.titel);
    melding.append(p);
  }

  function ask(clause, kept) {
    const key = kept.length === 2 ? "beide" : kept[0];
    vraagTekst.textContent = vraag.dataset[key].replace("{titel}", clause.dataset.titel);
    vervang.value = clause.value;
    houden.hidden = false;
    vraag.hidden = false;
    pending = { clause, kept };
    vraag.scrollIntoView({ block: "nearest" });
    vervang.focus();
  }

  function close() {
    vraag.hidden = true;
    pending = null;
  }

  function insert(clause, replace) {
    const kept = replace ? [] : typedFields(clause);
    if (field("modelafspraak")) {
      field("modelafspraak").value = clause.value;
    }
    field("onderwerp").value = clause.dataset.onderwerp;
    field("verantwoordelijke").value = clause.dataset.verantwoordelijke;
    ["titel", "tekst"].forEach((name) => {
      if (!kept.includes(name)) {
        field(name).value = clause.dataset[name];
      }
    });
    previous = clause;
    say(clause);
    if (kept.length) {
      ask(clause, kept);
    } else {
      close();
      field("titel").focus();
    }
  }

  buttons.forEach((button) => {
    button.addEventListener("click", (event) => {
      event.preventDefault();
      insert(button, false);
    });
  });
  vervang.addEventListener("click", (event) => {
    const clause = pending ? pending.clause : buttons.get(vervang.value);
    if (!clause) {
      return;  // the server's question after a post without script: let the button post
    }
    event.preventDefault();
    insert(clause, true);
  });
  houden.addEventListener("click", () => {
    close();
    field("titel").focus();
  });
  if (field("modelafspraak")) {
    field("modelafspraak").addEventListener("change", (event) => {
      const clause = buttons.get(event.target.value);
      if (clause) {
        insert(clause, false);
      }
    });
  }
  if (!vraag.hidden) {
    houden.hidden = false;
  }
})();

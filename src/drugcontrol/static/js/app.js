// Small progressive enhancements; every page works without this file.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  if (source && navigator.clipboard) {
    navigator.clipboard.writeText(source.textContent.trim());
    button.dataset.copied = "true";
  }
});

// A country select gets a search box: typing a name in either language, or a code, narrows
// the list to the countries it finds and chooses the first of them (the select still posts
// the ISO alpha-3 code).
function enhanceCountrySelects(root) {
  root.querySelectorAll("select[data-country-select]:not([data-enhanced])").forEach((select) => {
    select.dataset.enhanced = "true";
    const search = document.createElement("input");
    search.type = "search";
    search.className = "country-search";
    search.autocomplete = "off";
    search.placeholder = select.dataset.searchLabel || "";
    search.setAttribute("aria-label", select.dataset.searchLabel || "");
    search.setAttribute("aria-controls", select.id || "");
    search.addEventListener("input", () => {
      const words = search.value.trim().toLowerCase();
      let first = null;
      for (const option of select.options) {
        const found = !words || !option.value
          || (option.dataset.terms || option.text).toLowerCase().includes(words);
        option.hidden = !found;
        if (found && option.value && first === null) first = option;
      }
      const current = select.selectedOptions[0];
      if (words && first && !select.multiple && (!select.value || !current || current.hidden)) {
        select.value = first.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    select.before(search);
  });
}

// A party chosen from the suggestions: its id goes to the row's hidden field and the party
// on file is named beside the field. The name may then be written as reported (it is kept
// as written); emptying the field forgets the party.
document.addEventListener("input", (event) => {
  const input = event.target;
  if (!input.matches || !input.matches("input[data-pick-id]")) return;
  const hidden = input.form && input.form.elements[input.dataset.pickId];
  if (!hidden) return;
  const list = input.list;
  const chosen = list && [...list.options].find((o) => o.value === input.value && o.dataset.id);
  let note = input.parentElement.querySelector(`output[data-picked-for="${input.name}"]`);
  if (!note) {
    note = document.createElement("output");
    note.className = "picked";
    note.dataset.pickedFor = input.name;
    note.setAttribute("data-testid", "picked-party");
    input.after(note);
  }
  if (chosen) {
    hidden.value = chosen.dataset.id;
    note.textContent = `${input.dataset.pickedLabel || ""} ${chosen.textContent}`.trim();
  } else if (!input.value.trim()) {
    hidden.value = "";
    note.textContent = "";
  }
});

document.addEventListener("DOMContentLoaded", () => enhanceCountrySelects(document));
document.addEventListener("htmx:afterSwap", (event) => enhanceCountrySelects(event.target));

// A searchable multi-select over a group of checkboxes (the choose_many macro of _macros.html).
//
// Written by hand: the maintained libraries replace the control with a widget of their own
// whose chips cannot be removed by Tab and Enter (Tom Select's remove_button and Select2 keep
// them out of the tab order on purpose: alchemy_cms#4065, select2#6312), and bring CSS we would
// vendor and re-check against axe and the CSP. Here the native checkboxes stay the control and
// what the form sends (same name, same values): this script only hides the ones that do not
// match what is typed, and lists the chosen ones as buttons that untick them. Without it, the
// checkboxes are a scrollable list.
(function () {
  "use strict";

  // Lower case, accents off: "bel" finds "Belarus" and "België", "cote" finds "Côte d’Ivoire".
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function enhance(box) {
    var search = box.querySelector("[data-search]");
    var chips = box.querySelector("[data-chips]");
    var said = box.querySelector("[data-matches-said]");
    var options = box.querySelector("[data-options]");
    if (!search || !chips || !said || !options) return;
    var removeWords = box.getAttribute("data-remove") || "{name}";
    var matchWords = box.getAttribute("data-matches") || "{num}";
    var items = Array.prototype.map.call(options.querySelectorAll("li"), function (item) {
      var input = item.querySelector("input[type=checkbox]");
      var label = item.querySelector("label");
      var name = label ? label.textContent.trim() : input.value;
      return { item: item, input: input, name: name, folded: fold(name), code: input.value };
    });

    function shown() {
      return items.filter(function (option) { return !option.item.hidden; });
    }

    // What Enter ticks: the code typed ("nl"), else a name that starts with the text, else one
    // with a word that does, else the first shown ("nether" is the Netherlands, not the
    // Caribbean Netherlands, which comes first in the list).
    function best() {
      var typed = fold(search.value);
      var visible = shown();
      var rank = function (option) {
        if (option.code.toLowerCase() === typed) return 0;
        if (option.folded.indexOf(typed) === 0) return 1;
        return (" " + option.folded).indexOf(" " + typed) !== -1 ? 2 : 3;
      };
      return visible.reduce(function (found, option) {
        return found === null || rank(option) < rank(found) ? option : found;
      }, null);
    }

    function filter() {
      var typed = fold(search.value);
      items.forEach(function (option) {
        option.item.hidden = typed !== "" && option.folded.indexOf(typed) === -1 &&
          option.code.toLowerCase() !== typed;
      });
      said.textContent = typed === "" ? "" : matchWords.replace("{num}", String(shown().length));
    }

    function drawChips(focusAfter) {
      chips.textContent = "";
      items.forEach(function (option) {
        if (!option.input.checked) return;
        var chip = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "chip";
        button.setAttribute("aria-label", removeWords.replace("{name}", option.name));
        button.setAttribute("data-code", option.code);
        var word = document.createElement("span");
        word.textContent = option.name;
        var cross = document.createElement("span");
        cross.setAttribute("aria-hidden", "true");
        cross.textContent = " ×";
        button.appendChild(word);
        button.appendChild(cross);
        chip.appendChild(button);
        chips.appendChild(chip);
      });
      chips.hidden = chips.children.length === 0;
      if (focusAfter) focusAfter();
    }

    chips.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-code]");
      if (!button) return;
      var code = button.getAttribute("data-code");
      var at = Array.prototype.indexOf.call(chips.children, button.parentNode);
      items.forEach(function (option) {
        if (option.code === code) option.input.checked = false;
      });
      // Focus goes to the chip that took its place, else the previous one, else the search box.
      drawChips(function () {
        var next = chips.children[at] || chips.children[at - 1];
        (next ? next.querySelector("button") : search).focus();
      });
    });

    options.addEventListener("change", function () { drawChips(); });

    search.addEventListener("input", filter);
    search.addEventListener("keydown", function (event) {
      var first = shown()[0];
      if (event.key === "Enter") {
        // Enter in a text box would send the form: here it ticks the best match.
        event.preventDefault();
        var match = search.value.trim() !== "" ? best() : null;
        if (match) {
          match.input.checked = true;
          search.value = "";
          filter();
          drawChips();
        }
      } else if (event.key === "ArrowDown" && first) {
        event.preventDefault();
        first.input.focus();
      } else if (event.key === "Escape" && search.value !== "") {
        event.preventDefault();
        search.value = "";
        filter();
      }
    });

    // Up and down move between the options shown; up from the first goes back to the box.
    options.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
      var visible = shown();
      var at = visible.findIndex(function (option) { return option.input === event.target; });
      if (at === -1) return;
      event.preventDefault();
      var next = visible[at + (event.key === "ArrowDown" ? 1 : -1)];
      (next ? next.input : search).focus();
    });

    box.querySelector("[data-search-box]").hidden = false;
    box.classList.add("searchable");
    drawChips();
    filter();
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-choose-many]"), enhance);
})();

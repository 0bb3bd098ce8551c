// The recurrence builder: with scripts on, only the controls that apply to the choices made
// are shown (weekdays for weekly, the day or "2nd Tuesday" for monthly, the end's date or
// count). Without scripts every control shows and the server ignores those that do not apply.
(function () {
  "use strict";
  function chosen(form, name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    if (checked) {
      return checked.value;
    }
    var select = form.querySelector('select[name="' + name + '"]');
    return select ? select.value : "";
  }
  function update() {
    var form = document.querySelector("form.schedule-form");
    if (!form) {
      return;
    }
    form.querySelectorAll("[data-when]").forEach(function (part) {
      var rule = part.getAttribute("data-when").split("=");
      part.hidden = chosen(form, rule[0]) !== rule[1];
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.closest("form.schedule-form")) {
      update();
    }
  });
  document.addEventListener("DOMContentLoaded", update);
  document.addEventListener("htmx:afterSettle", update);
})();

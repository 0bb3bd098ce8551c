// The console's own script: no inline script anywhere (the CSP allows only files of this
// service). Pages work without it; it only adds conveniences.
(function () {
  "use strict";
  // A form whose controls carry data-autosubmit sends itself when one changes (the filters);
  // with htmx present the form's hx-get does the sending instead.
  document.addEventListener("change", function (event) {
    var control = event.target;
    var form = control.form;
    if (!form || !form.hasAttribute("data-autosubmit") || window.htmx) {
      return;
    }
    form.requestSubmit();
  });
  // Buttons that ask before doing something final (data-confirm holds the question).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
})();

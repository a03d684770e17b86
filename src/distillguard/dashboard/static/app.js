// distillguard dashboard: confirmation prompts for actions. No inline scripts (CSP).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    if (form.classList && form.classList.contains("actions") && submitter && submitter.name === "action") {
      var members = parseInt(form.getAttribute("data-confirm-members") || "1", 10);
      if (members > 1 && !window.confirm(submitter.value + " all " + members + " member accounts?")) {
        event.preventDefault();
      }
      return;
    }
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // filter forms: changing a select submits immediately
  document.querySelectorAll("form.filters select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();

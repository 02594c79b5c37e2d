// Small progressive enhancements; every page also works without JavaScript.
(function () {
  "use strict";

  // A form is sent once: the submit button is disabled after the first click.
  // (The server also refuses a second post of the same form token.)
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitted === "yes") {
      event.preventDefault();
      return;
    }
    var submitter = event.submitter;
    if (submitter && submitter.name === "add_member") return;
    form.dataset.submitted = "yes";
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.setAttribute("aria-disabled", "true");
      button.classList.add("disabled");
    });
  });

  // A "Cetak" button on a print page opens the browser's print dialog (phones and tablets have no Ctrl+P).
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });

  // Coming back with the browser's back button must not leave forms locked.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitted]").forEach(function (form) {
      delete form.dataset.submitted;
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.removeAttribute("aria-disabled");
        button.classList.remove("disabled");
      });
    });
  });

  // Member rows of the household form: add and remove without reloading.
  function setUpFormset(container) {
    var prefix = container.dataset.formsetPrefix;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = container.querySelector("template[data-empty-form]");
    var list = container.querySelector("[data-formset-rows]");
    var addButton = container.querySelector("[data-formset-add]");
    if (!total || !template || !list || !addButton) return;
    addButton.addEventListener("click", function (event) {
      event.preventDefault();
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, index).replace(/__number__/g, index + 1);
      list.insertAdjacentHTML("beforeend", html);
      total.value = index + 1;
      var rows = list.querySelectorAll("[data-formset-row]");
      var input = rows[rows.length - 1].querySelector("input, select");
      if (input) input.focus();
    });
    list.addEventListener("click", function (event) {
      var remove = event.target.closest("[data-formset-remove]");
      if (!remove) return;
      event.preventDefault();
      var row = remove.closest("[data-formset-row]");
      var checkbox = row.querySelector("input[name$='-DELETE']");
      if (checkbox) checkbox.checked = true;
      row.hidden = true;
    });
  }
  // Filter forms apply as soon as a choice changes.
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-autosubmit") && event.target.type !== "search") {
      form.requestSubmit();
    }
  });

  // Bulk recording: "select all on this page".
  document.addEventListener("change", function (event) {
    var master = event.target.closest("[data-select-all]");
    if (!master) return;
    document.querySelectorAll("input[name='" + master.dataset.selectAll + "']").forEach(function (box) {
      box.checked = master.checked;
    });
  });

  // Show the delivery date or the cancellation reason only when it applies.
  function setUpTransition(form) {
    function update() {
      var checked = form.querySelector("input[name='status']:checked");
      var status = checked ? checked.value : "";
      form.querySelectorAll("[data-show-for]").forEach(function (block) {
        block.hidden = status && block.dataset.showFor.split(" ").indexOf(status) === -1;
      });
    }
    form.addEventListener("change", update);
    update();
  }

  // Needs assessment: a need's note box shows only while its need is ticked (without JavaScript, all show).
  function setUpNeedNotes(form) {
    function update(row) {
      var box = row.querySelector("[data-need-box]");
      var note = row.querySelector("[data-need-note]");
      if (box && note) note.hidden = !box.checked;
    }
    form.querySelectorAll("[data-need-row]").forEach(update);
    form.addEventListener("change", function (event) {
      var row = event.target.closest("[data-need-row]");
      if (row) update(row);
    });
  }

  // A refused submit: bring the reasons into view (on a phone they would be screens away) and read them out.
  var refused = document.querySelector("[data-form-errors]");
  if (refused) {
    refused.scrollIntoView({ block: "start" });
    refused.focus({ preventScroll: true });
  }

  // "tampilkan" beside a masked NIK or No. KK: the number (logged by the server) replaces the mask in place.
  // If the request fails, the form is sent as usual and the number shows on a page of its own.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-reveal")) return;
    event.preventDefault();
    fetch(form.action, {
      method: "POST", body: new FormData(form), headers: { "X-Reveal": "inline" }, credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.text();
    }).then(function (html) {
      var number = document.createElement("template");
      number.innerHTML = html.trim();
      var masked = form.previousElementSibling;
      if (masked && masked.classList.contains("masked-number")) masked.replaceWith(number.content);
      form.remove();
    }).catch(function () {
      HTMLFormElement.prototype.submit.call(form);
    });
  });

  // A table wider than its box says so above it (the box scrolls sideways; on a phone, lists are cards).
  function markWideTables() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var wide = box.scrollWidth > box.clientWidth + 1;
      var note = box.previousElementSibling;
      var hinted = note && note.classList.contains("scroll-hint");
      if (wide && !hinted) {
        note = document.createElement("p");
        note.className = "small text-muted mb-1 scroll-hint";
        note.textContent = document.body.dataset.scrollHint;
        box.parentNode.insertBefore(note, box);
      } else if (!wide && hinted) {
        note.remove();
      }
    });
  }
  markWideTables();
  window.addEventListener("resize", markWideTables);

  // A background job's page: its progress bar follows the job until it ends, then the page shows the result.
  function followJob(box) {
    var bar = box.querySelector("[data-job-bar]");
    var percent = box.querySelector("[data-job-percent]");
    var text = box.querySelector("[data-job-text]");
    var label = box.querySelector("[data-job-label]");
    function poll() {
      fetch(box.dataset.jobStatus, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (job) {
          if (!job.active) { window.location.reload(); return; }
          if (bar && job.total !== null) bar.value = job.percent;
          if (percent) percent.textContent = job.percent + "%";
          if (label) label.textContent = job.label;
          if (text && job.total !== null) {
            var line = box.dataset.textProgress.replace("{done}", job.done.toLocaleString("id-ID"))
              .replace("{total}", job.total.toLocaleString("id-ID"));
            if (job.seconds_left !== null) line += " · " + box.dataset.textLeft.replace("{n}", job.seconds_left);
            text.textContent = line;
          } else if (text && job.done) {
            text.textContent = box.dataset.textRead.replace("{done}", job.done.toLocaleString("id-ID"));
          }
          window.setTimeout(poll, 1500);
        })
        .catch(function () { window.setTimeout(poll, 5000); });  // weak signal: try again a little later
    }
    window.setTimeout(poll, 1000);
  }
  document.querySelectorAll("[data-job-status][data-job-active]").forEach(followJob);

  document.querySelectorAll("[data-formset-prefix]").forEach(setUpFormset);
  document.querySelectorAll("[data-transition-form]").forEach(setUpTransition);
  document.querySelectorAll("[data-need-notes]").forEach(setUpNeedNotes);
})();

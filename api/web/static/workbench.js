// What every workbench page shares (no inline script: the CSP allows only this file).
// Each part looks for its own data-* attributes, so a page without them is untouched.
(function () {
  "use strict";

  // A table's drop-downs (filter, rows per page) apply at once.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // "返回上一页": back in the history when there is one, else the link's own address.
  document.querySelectorAll("a[data-back]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (window.history.length > 1 && document.referrer) {
        event.preventDefault();
        window.history.back();
      }
    });
  });

  // Tick or untick every box of a group: <button data-check="NAME" data-value="1|0">.
  document.querySelectorAll("button[data-check]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var on = button.getAttribute("data-value") === "1";
      var scope = button.closest("form") || document;
      scope.querySelectorAll("input[type=checkbox][name='" + button.getAttribute("data-check") + "']")
        .forEach(function (box) {
          if (!box.closest("tr") || !box.closest("tr").hidden) { box.checked = on; }
        });
      scope.dispatchEvent(new Event("change"));
    });
  });

  // A list's rows narrowed by typing (the round's vacancies): <input data-narrow="TABLE-ID">.
  document.querySelectorAll("input[data-narrow]").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("data-narrow"));
    if (!table) { return; }
    input.addEventListener("input", function () {
      var words = input.value.trim().split(/\s+/).filter(Boolean);
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var text = row.textContent;
        row.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
      });
    });
  });

  // "已选 N / M": <output data-count="NAME" data-of="M"> follows the boxes named NAME.
  document.querySelectorAll("output[data-count]").forEach(function (output) {
    var form = output.closest("form");
    var name = output.getAttribute("data-count");
    function update() {
      var boxes = form.querySelectorAll("input[type=checkbox][name='" + name + "']");
      var on = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
      output.textContent = "已选 " + on + " / " + boxes.length;
    }
    form.addEventListener("change", update);
    update();
  });

  // Ticked-count rules (compare 2–4): <form data-min="2" data-max="4" data-boxes="ids">;
  // the message shows on the page, next to the button, instead of sending the form.
  document.querySelectorAll("form[data-boxes]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var name = form.getAttribute("data-boxes");
      var boxes = document.querySelectorAll("input[type=checkbox][name='" + name + "'][form='" +
        form.id + "'], #" + form.id + " input[type=checkbox][name='" + name + "']");
      var on = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
      var low = Number(form.getAttribute("data-min") || 0);
      var high = Number(form.getAttribute("data-max") || 1e9);
      var note = document.getElementById(form.getAttribute("data-message"));
      if (on < low || on > high) {
        event.preventDefault();
        if (note) {
          note.textContent = form.getAttribute("data-text").replace("{n}", String(on));
          note.hidden = false;
        }
      } else if (note) { note.hidden = true; }
    });
  });

  // Every box ticked: the form says all=1 instead of listing each (a province has thousands,
  // more than an address may carry). <form data-all="NAME">.
  document.querySelectorAll("form[data-all]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var boxes = form.querySelectorAll("input[type=checkbox][name='" + form.getAttribute("data-all") + "']");
      var every = Array.prototype.every.call(boxes, function (b) { return b.checked; });
      if (!every || !boxes.length) { return; }
      boxes.forEach(function (b) { b.disabled = true; });
      var all = document.createElement("input");
      all.type = "hidden"; all.name = "all"; all.value = "1";
      form.appendChild(all);
    });
  });

  // A link that starts long work (swapping an alternate in re-solves the round): the page
  // says so and counts the seconds until the answer arrives. <a data-busy="MESSAGE">.
  document.querySelectorAll("a[data-busy]").forEach(function (link) {
    link.addEventListener("click", function () {
      var note = document.getElementById("busy-banner") || document.createElement("p");
      note.id = "busy-banner"; note.className = "busy-banner"; note.setAttribute("role", "status");
      document.body.appendChild(note);
      document.body.classList.add("working");
      var started = Date.now();
      function tick() {
        note.textContent = link.getAttribute("data-busy") + "，已用 " +
          ((Date.now() - started) / 1000).toFixed(0) + " 秒……";
      }
      tick();
      window.setInterval(tick, 500);
    });
  });

  // Back to a page whose form was sent: its boxes and buttons work again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[aria-busy]").forEach(function (form) {
      form.removeAttribute("aria-busy");
      form.querySelectorAll("button, input[type=checkbox]").forEach(function (b) { b.disabled = false; });
      var busy = form.querySelector(".busy");
      if (busy) { busy.hidden = true; }
    });
  });

  // Long work: the button is disabled and the time spent shown until the answer arrives.
  // <form data-busy="MESSAGE" data-expect="SECONDS"> with a <p class="busy" hidden> inside.
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) { return; }
      var button = event.submitter || form.querySelector("button[type=submit]");
      var busy = form.querySelector(".busy");
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      form.setAttribute("aria-busy", "true");
      if (button && button.name) {  // a disabled button is not sent: carry its value
        var carried = document.createElement("input");
        carried.type = "hidden"; carried.name = button.name; carried.value = button.value;
        form.appendChild(carried);
      }
      if (!busy) { return; }
      var bar = busy.querySelector("progress");
      var text = busy.querySelector(".busy-text");
      var expect = Number(form.getAttribute("data-expect") || 0);
      var started = Date.now();
      busy.hidden = false;
      function tick() {
        var spent = (Date.now() - started) / 1000;
        if (bar && expect > 0) { bar.max = 100; bar.value = Math.min(95, 100 * spent / expect); }
        if (text) {
          text.textContent = form.getAttribute("data-busy") + "，已用 " + spent.toFixed(0) + " 秒" +
            (expect > 0 ? "（上次约 " + expect.toFixed(0) + " 秒）" : "");
        }
      }
      tick();
      window.setInterval(tick, 500);
    });
  });
})();

// Member, cadre and applicant forms (issue 13): a field marked data-check is checked when the
// user leaves it, by POST /api/v1/checks/member-field (the rules saving uses, in one place);
// the next free 发展团员编号 is asked for again when the 入团年月 changes, and 填入 fills it in.
// The forms work without this script: saving checks everything and shows each fault again.
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) return;

  function values(form) {
    var out = {};
    new FormData(form).forEach(function (v, k) {
      if (k !== "csrf" && typeof v === "string") out[k] = v;
    });
    return out;
  }

  // The fault shown under a field: replaced, or removed when the value is right.
  function show(input, message) {
    var box = input.closest(".field") || input.parentNode;
    var id = "fault-" + input.id;
    // The server's message for the field, on the forms that name it err-… (self-service).
    var span = document.getElementById(id) || document.getElementById("err-" + input.id);
    if (span) id = span.id;
    if (!message) {
      if (span) span.remove();
      box.classList.remove("has-fault");
      input.removeAttribute("aria-invalid");
      var hint = document.getElementById("hint-" + input.id);
      if (hint) input.setAttribute("aria-describedby", hint.id);
      else input.removeAttribute("aria-describedby");
      return;
    }
    if (!span) {
      span = document.createElement("span");
      span.id = id;
      span.className = "field-fault small";
      span.setAttribute("role", "alert");
      box.appendChild(span);
    }
    span.textContent = message;
    box.classList.add("has-fault");
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", id);
  }

  var seq = {};
  function check(input) {
    var key = input.dataset.check;
    if (!input.value.trim()) {
      show(input, "");
      return;
    }
    var mine = (seq[key] = (seq[key] || 0) + 1);
    fetch("/api/v1/checks/member-field", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "omit",
      body: JSON.stringify({ field: key, values: values(input.form) })
    })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || mine !== seq[key]) return;
        show(input, data.faults.map(function (f) { return f.message; }).join("；"));
      })
      .catch(function () { /* saving checks it anyway */ });
  }

  function fillButton(box, value) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "secondary fill";
    b.id = "fill-" + box.dataset.for;
    b.dataset.value = value;
    b.appendChild(document.createTextNode("填入 "));
    var n = document.createElement("span");
    n.className = "mono";
    n.textContent = value;
    b.appendChild(n);
    return b;
  }

  function propose(box, month) {
    var url = box.dataset.url + "?join_month=" + encodeURIComponent(month);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        var old = box.querySelector("button.fill");
        if (old) old.remove();
        box.querySelector(".suggestion-text").textContent = data.message;
        if (data.number) {
          box.appendChild(document.createTextNode(" "));
          box.appendChild(fillButton(box, data.number));
        }
      })
      .catch(function () {});
  }

  document.querySelectorAll("input[data-check]").forEach(function (input) {
    input.addEventListener("blur", function () { check(input); });
  });

  document.querySelectorAll("p.suggestion[data-url]").forEach(function (box) {
    var target = document.getElementById(box.dataset.for);
    var month = document.getElementById("join_month");
    box.addEventListener("click", function (e) {
      var b = e.target.closest("button.fill");
      if (!b || !target) return;
      target.value = b.dataset.value;
      show(target, "");
      target.focus();
    });
    if (month) {
      var last = month.value.trim();
      month.addEventListener("change", function () {
        var now = month.value.trim();
        if (now && now !== last) propose(box, now);
        last = now;
      });
    }
  });
})();

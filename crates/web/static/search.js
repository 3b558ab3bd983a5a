// Live organisation search: as the user types, show the first page of results. On the search
// page the results are the page's own (fetched from /search and swapped in), so each found
// organisation links to its page exactly when the server says the viewer may open it; a picker
// (data-pick-action) asks GET /api/v1/orgs/search and builds its choices with textContent only.
// The form works without this script.
(function () {
  "use strict";
  var form = document.getElementById("org-search");
  var box = document.getElementById("search-results");
  if (!form || !box || !window.fetch || !window.URLSearchParams) return;
  var input = form.querySelector("[name=q]");
  var province = form.querySelector("[name=province_id]");
  var timer = null;
  var seq = 0;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function params(page) {
    var p = new URLSearchParams();
    p.set("province_id", province ? province.value : "");
    p.set("q", input.value.trim());
    if (page) p.set("page", String(page));
    return p;
  }

  function pickForm(hit) {
    var f = el("form", "inline");
    f.method = "post";
    f.action = box.dataset.pickAction;
    [["csrf", box.dataset.csrf], ["to_parent_id", String(hit.id)], ["q", input.value.trim()],
     ["province_id", province ? province.value : ""]].forEach(function (kv) {
      var i = document.createElement("input");
      i.type = "hidden";
      i.name = kv[0];
      i.value = kv[1];
      f.appendChild(i);
    });
    var b = el("button", "secondary", box.dataset.pickLabel || "选择");
    b.type = "submit";
    b.id = "pick-" + hit.id;
    f.appendChild(b);
    return f;
  }

  function render(data) {
    box.textContent = "";
    if (data.error) {
      box.appendChild(el("p", "alert", data.error.message));
      return;
    }
    if (!data.items.length) {
      var none = el("p", "muted", "没有找到符合条件的组织。请先选择省份或系统团委，并使用组织全称搜索。");
      none.id = "no-results";
      box.appendChild(none);
      return;
    }
    var count = el("p", "muted small", "找到 " + (data.total_capped ? "超过 " : "") + data.total + " 个组织");
    count.id = "result-count";
    box.appendChild(count);
    var list = el("ul", "tree");
    list.id = "hits";
    data.items.forEach(function (h) {
      var li = el("li");
      li.dataset.orgId = String(h.id);
      li.appendChild(el("strong", null, h.full_name));
      if (h.exact) li.appendChild(el("span", "badge", "全称一致"));
      li.appendChild(el("span", "badge", h.kind_label));
      var more = "简称：" + h.short_name + (h.parent_full_name ? "；上级：" + h.parent_full_name : "");
      li.appendChild(el("div", "muted small", more));
      if (box.dataset.pickAction && box.dataset.exclude !== String(h.id)) {
        li.appendChild(pickForm(h));
      }
      list.appendChild(li);
    });
    box.appendChild(list);
    if (data.pages > 1) {
      var nav = el("nav", "pager");
      var next = el("a", null, "查看更多结果");
      next.href = form.action + "?" + params(2).toString();
      nav.appendChild(next);
      box.appendChild(nav);
    }
  }

  function swapPage(mine) {
    var query = params().toString();
    fetch(form.action + "?" + query, { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        if (mine !== seq) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("search-results");
        if (!fresh) return;
        box.textContent = "";
        Array.prototype.forEach.call(fresh.childNodes, function (n) {
          box.appendChild(document.importNode(n, true));
        });
      })
      .catch(function () { /* the form still works */ });
  }

  function run() {
    var mine = ++seq;
    if (!input.value.trim()) return;
    if (!box.dataset.pickAction) {
      swapPage(mine);
      return;
    }
    fetch("/api/v1/orgs/search?" + params().toString(), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { if (mine === seq) render(data); })
      .catch(function () { /* the form still works */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  });
  if (province && province.tagName === "SELECT") province.addEventListener("change", run);
})();

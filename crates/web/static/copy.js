// A 复制 button (data-copy = the id of the element whose text it copies): the clipboard where
// the browser allows it, else the text is selected for the user to copy. Hidden without script.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (b) {
    var source = document.getElementById(b.dataset.copy);
    var said = document.getElementById("copy-done");
    if (!source) return;
    b.hidden = false;
    function select() {
      var range = document.createRange();
      range.selectNodeContents(source);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    }
    b.addEventListener("click", function () {
      var text = source.textContent.trim();
      var done = function () { if (said) said.textContent = "已复制"; };
      var fallback = function () {
        select();
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        if (said) said.textContent = ok ? "已复制" : "已选中，请按 Ctrl+C（手机上长按）复制";
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, fallback);
      } else {
        fallback();
      }
    });
  });
})();

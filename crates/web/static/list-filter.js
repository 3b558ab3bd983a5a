// A list's narrowing select (所在团支部, 所在组织) applies as soon as a choice is made, so a
// branch's members are one choice away; without the script the form's 查询 button does the same.
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select[data-apply-on-change]")) {
    select.addEventListener("change", () => {
      if (select.form) select.form.requestSubmit();
    });
  }
});

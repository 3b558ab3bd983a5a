// 全选: ticks or clears every checkbox in the rows of the tables of the form the "tick-all" box
// belongs to (it stands above the table, so a phone, which hides the header row, shows it). The
// forms work without it (each box can be ticked by hand).
document.addEventListener("DOMContentLoaded", () => {
  const all = document.getElementById("tick-all");
  if (!all || !all.form) return;
  const form = all.form;
  all.addEventListener("change", () => {
    for (const box of form.querySelectorAll("tbody input[type=checkbox]")) {
      box.checked = all.checked;
    }
  });
});

// 全选: ticks or clears every checkbox of the table the "tick-all" box heads. The forms work
// without it (each box can be ticked by hand).
document.addEventListener("DOMContentLoaded", () => {
  const all = document.getElementById("tick-all");
  if (!all) return;
  const table = all.closest("table");
  all.addEventListener("change", () => {
    for (const box of table.querySelectorAll("tbody input[type=checkbox]")) {
      box.checked = all.checked;
    }
  });
});

// The roster page (views/roster_steps.py): 全选 ticks every row, and the Σ under each money
// column follows what is typed. Without script both still work: rows are ticked one by one, and
// the server's Σ is shown after 批设置 or a save that was refused.
(function () {
  var all = document.getElementById("pick-all");
  if (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll("#roster input.pick").forEach(function (box) {
        box.checked = all.checked;
      });
    });
  }
  function fen(text) {
    var value = Number(String(text || "").replace(/,/g, ""));
    return isFinite(value) ? Math.round(value * 100) : 0;
  }
  document.querySelectorAll("#roster tfoot th[id^='total-']").forEach(function (cell) {
    var name = cell.id.slice("total-".length);
    var inputs = document.querySelectorAll("#roster input.roster-money[name^='" + name + "-']");
    if (!inputs.length) { return; }
    var update = function () {
      var sum = 0;
      inputs.forEach(function (input) { sum += fen(input.value); });
      cell.textContent = (sum / 100).toFixed(2);
    };
    inputs.forEach(function (input) { input.addEventListener("input", update); });
  });
})();

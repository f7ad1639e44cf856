// The 全选 box of a list of checkboxes (no inline script, for CSP): ticks or clears every
// person_id box of its form.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (box.id !== "check-all" || !box.form) { return; }
  box.form.querySelectorAll("input[type=checkbox][name=person_id]").forEach(function (each) {
    each.checked = box.checked;
  });
});

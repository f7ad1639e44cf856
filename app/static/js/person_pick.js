// Picking a person from the staff dropdown fills 姓名 with the registered name (no inline
// script, for CSP). The select carries the names as data-names (ID number → name).
document.addEventListener("change", function (event) {
  var select = event.target;
  if (!select.matches || !select.matches("select[data-names]")) { return; }
  var names = JSON.parse(select.getAttribute("data-names") || "{}");
  var field = select.form && select.form.querySelector("input[name=name]");
  if (field && Object.prototype.hasOwnProperty.call(names, select.value)) {
    field.value = names[select.value];
  }
});

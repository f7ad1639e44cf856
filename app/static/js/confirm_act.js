// A button with data-confirm-target opens that confirmation dialog (Bootstrap's modal, served
// locally); the dialog's own button posts the form. Without script the dialog cannot open, so
// the page also offers the plain confirmation page linked from the button.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-confirm-target]");
  if (!button || !window.jQuery) { return; }
  event.preventDefault();
  window.jQuery(button.getAttribute("data-confirm-target")).modal("show");
});

// "看不清楚？换一张": load a new captcha image without reloading the page (no inline script, for CSP).
document.addEventListener("click", function (event) {
  var link = event.target.closest(".captcha-refresh");
  if (!link) { return; }
  event.preventDefault();
  document.querySelectorAll(".captcha-image").forEach(function (img) {
    img.src = img.src.split("?")[0] + "?t=" + Date.now();
  });
});

// Progress of a background job (H6): polls the job's status JSON every second and moves the bar;
// when the job ends, goes to the page's `next` URL (done) or reloads to show the outcome.
// A static file, no inline script (CSP). Reads its settings from #job-progress data attributes.
(function () {
  "use strict";
  var box = document.getElementById("job-progress");
  if (!box) { return; }
  var statusUrl = box.getAttribute("data-status-url");
  var nextUrl = box.getAttribute("data-next") || "";
  var status = box.getAttribute("data-status");
  if (status === "done" || status === "failed") { return; }

  var bar = document.getElementById("job-bar");
  var statusText = document.getElementById("job-status");
  var counts = document.getElementById("job-counts");
  var message = document.getElementById("job-message");
  var failures = 0;

  function render(job) {
    var percent = Math.max(0, Math.min(100, job.percent || 0));
    bar.style.width = percent + "%";
    bar.setAttribute("aria-valuenow", String(percent));
    bar.textContent = percent + "%";
    statusText.textContent = job.status_name;
    counts.textContent = job.total ? "（" + job.done + " / " + job.total + "）" : "";
    message.textContent = job.message || "";
  }

  function finish(job) {
    if (job.status === "done" && nextUrl) {
      window.location.assign(nextUrl);
    } else {
      window.location.reload();
    }
  }

  function poll() {
    fetch(statusUrl, {credentials: "same-origin", cache: "no-store",
                      headers: {"Accept": "application/json"}})
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("application/json") !== 0) {
          // 404, or the session ended (a redirect to the login page): let the page say so.
          throw {reload: response.status !== 0};
        }
        return response.json();
      })
      .then(function (job) {
        failures = 0;
        render(job);
        if (job.finished) { finish(job); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function (error) {
        failures += 1;
        if ((error && error.reload) || failures >= 30) {
          window.location.reload();
        } else {
          window.setTimeout(poll, Math.min(1000 * failures, 5000));
        }
      });
  }

  window.setTimeout(poll, 1000);
}());

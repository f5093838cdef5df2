// Starts GOV.UK Frontend's components; loaded as a module so no inline script is needed (CSP).
import { initAll } from "/assets/govuk/govuk-frontend.min.js";

initAll();

// A heavy job's page (Annex A build or check): ask the page's own address for the job's state
// every 2 seconds, show its progress in the live region, and reload when it has finished (the
// server then shows the result). Without JavaScript the page has a "Check again" link.
const job = document.querySelector("[data-grip-job]");
if (job) {
  const url = job.getAttribute("data-grip-job");
  const progress = job.querySelector("[data-grip-job-progress]");
  const poll = async () => {
    try {
      const r = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (r.ok) {
        const state = await r.json();
        if (state.state === "done" || state.state === "failed") {
          window.location.reload();
          return;
        }
        progress.textContent = `${state.progress} (${state.seconds} seconds so far).`;
      }
    } catch (e) {
      // The server may be restarting; try again on the next tick.
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 2000);
}

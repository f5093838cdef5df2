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

// Wide tables scroll inside their own box on a narrow screen, so the page itself never scrolls
// sideways (WCAG 2.2 1.4.10 Reflow; checked at 375 px by tests/web/test_navigation_roles.py).
// A box that scrolls is a labelled region in the tab order, so keyboard users can scroll it
// (the scrolling table pattern other UK government design systems use); one that fits is not.
const scrollBoxes = [];
for (const table of document.querySelectorAll("main table")) {
  let box = table.parentElement;
  if (!box.classList.contains("grip-table-scroll")) {
    box = document.createElement("div");
    box.className = "grip-table-scroll";
    table.parentElement.insertBefore(box, table);
    box.appendChild(table);
  }
  const caption = table.querySelector("caption");
  box.dataset.label = caption && caption.textContent.trim() ? caption.textContent.trim() : "Table";
  scrollBoxes.push(box);
}
const markScrolling = () => {
  for (const box of scrollBoxes) {
    if (box.scrollWidth > box.clientWidth) {
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", `${box.dataset.label} (scrolls sideways)`);
      box.setAttribute("tabindex", "0");
    } else {
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
      box.removeAttribute("tabindex");
    }
  }
};
markScrolling();
window.addEventListener("resize", markScrolling);

// Starts GOV.UK Frontend's components; loaded as a module so no inline script is needed (CSP).
import { initAll } from "/assets/govuk/govuk-frontend.min.js";

initAll();

import { initAll } from "../build/govuk-frontend.min.js";
import { initSessionWarning } from "./session.js";
import { initAutosave } from "./autosave.js";

initAll();
initSessionWarning();
initAutosave();

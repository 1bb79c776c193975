// Loaded (not deferred) at the top of <body>, so GOV.UK Frontend's JavaScript-only styles
// apply before the page is first drawn; a file rather than an inline script, which the
// content security policy would refuse.
document.body.className +=
  " js-enabled" +
  ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");

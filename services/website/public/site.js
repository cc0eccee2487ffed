/* global document, navigator */
// The site works without this file; it only adds small conveniences.
'use strict';
document.addEventListener('DOMContentLoaded', function () {
  // A copy button next to a link code.
  document.querySelectorAll('[data-copy]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      var target = document.getElementById(button.getAttribute('data-copy'));
      if (target && navigator.clipboard) navigator.clipboard.writeText(target.textContent.trim());
    });
  });
});

/* global document, window, fetch, EventSource, DOMParser */
// Live updates on the profile page: when an update arrives on the player's event stream, the
// page's live regions (rank, XP, coins, progress, recent activity) are refreshed from the
// server-rendered page, so numbers and names read exactly as after a reload. Without
// JavaScript or EventSource the page simply stays as it was rendered.
'use strict';
document.addEventListener('DOMContentLoaded', function () {
  var root = document.querySelector('[data-live-events]');
  if (!root || typeof EventSource === 'undefined' || typeof DOMParser === 'undefined') return;
  var busy = false;
  var again = false;

  function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    fetch(window.location.pathname, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.text();
      })
      .then(function (text) {
        var next = new DOMParser().parseFromString(text, 'text/html');
        document.querySelectorAll('[data-live-region]').forEach(function (region) {
          var fresh = next.querySelector('[data-live-region="' + region.getAttribute('data-live-region') + '"]');
          if (fresh) region.innerHTML = fresh.innerHTML;
        });
      })
      .catch(function () {})
      .then(function () {
        busy = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  var source = new EventSource(root.getAttribute('data-live-events'));
  source.addEventListener('update', refresh);
  // Too far behind to catch up event by event: the whole page is rendered anew.
  source.addEventListener('reload', function () {
    source.close();
    window.location.reload();
  });
  root.setAttribute('data-live-state', 'connecting');
  source.addEventListener('open', function () {
    root.setAttribute('data-live-state', 'open');
  });
});

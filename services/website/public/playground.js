/* global document, fetch, URLSearchParams, FormData, setTimeout */
// The playground page without reloads: its forms post in place, new chat lines arrive by
// long polling /playground/updates, the profile is fetched again while things happen.
// Without this file the forms post and the page re-renders.
'use strict';
document.addEventListener('DOMContentLoaded', function () {
  var root = document.querySelector('[data-playground]');
  if (!root) return;
  var player = root.getAttribute('data-player');
  var cursor = Number(root.getAttribute('data-cursor'));
  var panes = { telegram: document.getElementById('telegram-chat'), discord: document.getElementById('discord-chat') };
  var profile = document.getElementById('playground-profile');
  var main = document.getElementById('main');

  function showError(message) {
    var box = document.getElementById('playground-error');
    if (!box) {
      box = document.createElement('p');
      box.id = 'playground-error';
      box.className = 'notice notice-error';
      box.setAttribute('role', 'alert');
      root.parentNode.insertBefore(box, root);
    }
    box.hidden = !message;
    box.textContent = message || '';
  }

  function apply(name, items) {
    var list = panes[name];
    items.forEach(function (item) {
      var existing = document.getElementById(item.key);
      if (existing) existing.outerHTML = item.html;
      else list.insertAdjacentHTML('beforeend', item.html);
    });
    if (items.length) list.scrollTop = list.scrollHeight;
  }

  var profileShown = profile.innerHTML;
  function refreshProfile() {
    return fetch('/playground/profile?player=' + encodeURIComponent(player), { credentials: 'same-origin' })
      .then(function (res) {
        return res.ok ? res.text() : null;
      })
      .then(function (text) {
        if (text !== null && text !== profileShown) {
          profileShown = text;
          profile.innerHTML = text;
        }
      })
      .catch(function () {});
  }

  function poll() {
    var url = '/playground/updates?player=' + encodeURIComponent(player) + '&after=' + cursor + '&wait=10000';
    fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (res) {
        return res.json().then(function (body) {
          if (!res.ok) throw new Error(body.error ? body.error.message : 'status ' + res.status);
          return body;
        });
      })
      .then(function (body) {
        cursor = body.cursor;
        apply('telegram', body.telegram);
        apply('discord', body.discord);
        setTimeout(poll, 0);
      })
      .catch(function (err) {
        showError(err.message);
        setTimeout(poll, 2000);
      });
  }

  // Every form of the page (also those in lines added later) posts in place.
  main.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form.hasAttribute('data-playground-form')) return;
    event.preventDefault();
    fetch(form.action, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(new FormData(form)).toString(),
    })
      .then(function (res) {
        return res.json().then(function (body) {
          if (!res.ok) throw new Error(body.error ? body.error.message : 'status ' + res.status);
          showError('');
          var input = form.querySelector('input[name="text"], input[name="content"]');
          if (input) input.value = '';
        });
      })
      .catch(function (err) {
        showError(err.message);
      });
  });

  (function refreshLoop() {
    refreshProfile().then(function () {
      setTimeout(refreshLoop, 1500);
    });
  })();
  poll();
});

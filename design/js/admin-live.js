// Dashboard live updates. A deployment's page ([data-admin-live="live"]) follows its event stream (Server-Sent
// Events, authorised by the staff session) and puts in the fragments the server rendered and escaped: journal
// lines, summary, steps; it reloads once the deployment ends so the server renders the final view. The board
// ([data-admin-refresh]) reloads itself while deployments are in progress, only while the tab is visible.
(function () {
  'use strict';

  function hideHint() {
    var hint = document.getElementById('refresh-hint');
    if (hint) hint.hidden = true;
  }

  var board = document.querySelector('[data-admin-refresh]');
  if (board) {
    var seconds = Number(board.getAttribute('data-admin-refresh')) || 10;
    var reloadWhenVisible = function () {
      if (document.visibilityState === 'visible') location.reload();
      else document.addEventListener('visibilitychange', reloadWhenVisible, { once: true });
    };
    hideHint();
    setTimeout(reloadWhenVisible, seconds * 1000);
  }

  var root = document.querySelector('[data-admin-live]');
  if (!root || root.getAttribute('data-admin-live') !== 'live' || !window.EventSource) return;
  hideHint();

  function replace(id, fragment) {
    var current = document.getElementById(id);
    if (current && fragment) current.outerHTML = fragment;
  }
  function render(data) {
    if (data.eventsHtml) document.getElementById('deployment-events').insertAdjacentHTML('beforeend', data.eventsHtml);
    replace('deployment-summary', data.summaryHtml);
    replace('deployment-steps', data.stepsHtml);
  }

  // Start after the last event already on the page, so none is shown twice.
  var source = new EventSource(root.getAttribute('data-stream') + '?depuis=' + root.getAttribute('data-last-event-id'));
  source.addEventListener('progress', function (e) { render(JSON.parse(e.data)); });
  source.addEventListener('snapshot', function (e) { render(JSON.parse(e.data)); });
  source.addEventListener('end', function () {
    source.close();
    location.reload();
  });
})();

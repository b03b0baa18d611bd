// Live tracking page: follows the deployment's event stream (Server-Sent Events) and updates
// the progress bar, the step list and the event log; reloads once the deployment ends so the
// server renders the final view. Copy buttons for the credentials.
(function () {
  'use strict';
  var root = document.querySelector('[data-tracking]');
  document.querySelectorAll('.js-copy').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      var target = document.getElementById(button.getAttribute('data-copy'));
      if (!target || !navigator.clipboard) return;
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        var label = button.textContent;
        button.textContent = button.getAttribute('data-copied');
        setTimeout(function () { button.textContent = label; }, 1500);
      });
    });
  });
  if (!root || root.getAttribute('data-tracking') !== 'live' || !window.EventSource) return;
  var hint = document.getElementById('refresh-hint');
  if (hint) hint.hidden = true;

  function render(snapshot) {
    var bar = document.getElementById('progress-bar');
    bar.max = snapshot.total;
    bar.value = snapshot.done;
    bar.textContent = snapshot.done + '/' + snapshot.total;
    // Texts come rendered from the server's catalogue.
    document.getElementById('progress-label').textContent = snapshot.progressLabel;
    document.getElementById('progress-eta').textContent = snapshot.etaText;
    // The step list and labels come rendered (and escaped) by the server's views.
    var steps = document.getElementById('steps');
    if (steps) steps.outerHTML = snapshot.stepsHtml;
    var badge = document.getElementById('state');
    badge.textContent = snapshot.stateLabel;
    badge.className = 'badge ' + snapshot.badgeClass;
    badge.setAttribute('data-state', snapshot.state);
    var queued = document.getElementById('queued-text');
    if (queued && snapshot.state !== 'queued') queued.hidden = true;
  }
  function append(message, at) {
    var list = document.getElementById('events');
    var item = document.createElement('li');
    var time = document.createElement('time');
    time.dateTime = at;
    time.textContent = new Date(at).toLocaleTimeString('fr-FR');
    item.appendChild(time);
    item.appendChild(document.createTextNode(' ' + message));
    list.appendChild(item);
  }
  // Start after the last event already on the page, so none is shown twice.
  var source = new EventSource(location.pathname.replace(/\/$/, '') + '/flux?depuis=' + root.getAttribute('data-last-event-id'));
  source.addEventListener('progress', function (e) {
    var data = JSON.parse(e.data);
    append(data.message, data.at);
    render(data.snapshot);
  });
  source.addEventListener('snapshot', function (e) { render(JSON.parse(e.data).snapshot); });
  source.addEventListener('end', function () {
    source.close();
    location.reload();
  });
})();

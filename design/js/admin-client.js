// The client page: revealed credentials disappear after 60 seconds, and while a deployment runs
// the page follows its events and reloads itself when the deployment ends.
(function () {
  'use strict';
  var reveal = document.querySelector('.reveal[data-hide-after]');
  if (reveal) {
    setTimeout(function () {
      var secret = reveal.querySelector('.reveal__secret');
      if (secret) secret.remove();
      var hidden = reveal.querySelector('.reveal__hidden');
      if (hidden) hidden.classList.remove('hidden');
    }, Number(reveal.getAttribute('data-hide-after')) * 1000);
  }
  var active = document.querySelector('[data-active-deployment]');
  if (active && window.EventSource) {
    var id = active.getAttribute('data-active-deployment');
    var source = new EventSource('/admin/deploiements/' + encodeURIComponent(id) + '/flux');
    source.addEventListener('end', function () {
      source.close();
      // Keep the page's notices out of the reloaded URL: they were about the action, not the result.
      window.location.replace(window.location.pathname);
    });
  }
})();

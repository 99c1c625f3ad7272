/* The emulator's drop-in for https://accounts.google.com/gsi/client: google.accounts.oauth2 with
 * the token model (popup + postMessage), so the web client runs the same code locally as against
 * Google. Served as a static script; the emulator origin is where this script was loaded from. */
/* global window, document, URL, URLSearchParams, fetch, setInterval, clearInterval, crypto, console */
(function () {
  'use strict';
  var script = document.currentScript;
  var origin = new URL(script && script.src ? script.src : window.location.href).origin;

  function scopesOf(response) {
    return String((response && response.scope) || '')
      .split(/\s+/)
      .filter(Boolean);
  }

  function initTokenClient(config) {
    if (!config || !config.client_id) throw new Error('Missing required parameter client_id.');
    if (typeof config.callback !== 'function') throw new Error('Missing required parameter callback.');
    // Google's reference marks TokenClientConfig.scope "Required" (a space-delimited list of scopes;
    // https://developers.google.com/identity/oauth2/web/reference/js-reference#TokenClientConfig),
    // as it does client_id and callback: refused here as they are, so a client that inits without one fails locally too.
    if (typeof config.scope !== 'string' || config.scope.trim() === '') throw new Error('Missing required parameter scope.');
    var busy = false;
    return {
      requestAccessToken: function (override) {
        var o = override || {};
        var scope = o.scope !== undefined ? o.scope : config.scope;
        var include = o.include_granted_scopes !== undefined ? o.include_granted_scopes : config.include_granted_scopes !== false;
        var state = crypto.randomUUID();
        var params = new URLSearchParams({
          client_id: config.client_id,
          scope: scope || '',
          include_granted_scopes: String(include),
          prompt: o.prompt !== undefined ? o.prompt : config.prompt || '',
          origin: window.location.origin,
          state: state,
        });
        var hint = o.login_hint || config.login_hint;
        if (hint) params.set('login_hint', hint);
        var popup = window.open(origin + '/gsi/authorize?' + params.toString(), 'g_auth_token_window', 'width=500,height=640');
        var fail = function (type, message) {
          if (typeof config.error_callback === 'function') config.error_callback({ type: type, message: message });
          else console.error(message);
        };
        if (!popup) return fail('popup_failed_to_open', 'Failed to open popup window');
        busy = true;
        var onMessage = function (event) {
          if (event.origin !== origin || !event.data || event.data.type !== 'gsi-token' || event.data.state !== state) return;
          done();
          config.callback(event.data.response);
        };
        var timer = setInterval(function () {
          if (popup.closed && busy) {
            done();
            fail('popup_closed', 'Popup window closed');
          }
        }, 250);
        var done = function () {
          busy = false;
          clearInterval(timer);
          window.removeEventListener('message', onMessage);
        };
        window.addEventListener('message', onMessage);
      },
    };
  }

  function revoke(token, done) {
    fetch(origin + '/revoke', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=' + encodeURIComponent(token),
    }).then(
      function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (body) {
            if (done)
              done(
                response.ok ? { successful: true } : { successful: false, error: body.error, error_description: body.error_description },
              );
          });
      },
      function () {
        if (done) done({ successful: false, error: 'network_error' });
      },
    );
  }

  window.google = window.google || {};
  window.google.accounts = window.google.accounts || {};
  window.google.accounts.oauth2 = {
    initTokenClient: initTokenClient,
    hasGrantedAllScopes: function (response) {
      var granted = scopesOf(response);
      return Array.prototype.slice.call(arguments, 1).every(function (s) {
        return granted.indexOf(s) >= 0;
      });
    },
    hasGrantedAnyScope: function (response) {
      var granted = scopesOf(response);
      return Array.prototype.slice.call(arguments, 1).some(function (s) {
        return granted.indexOf(s) >= 0;
      });
    },
    revoke: revoke,
  };
})();

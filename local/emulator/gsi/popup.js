/* Runs in the emulator's consent popup once the user chose: hands the token response to the page
 * that opened it (only to the origin the client registered), then closes, as Google's popup does. */
/* global window, document */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('gsi-result').textContent);
  if (window.opener) window.opener.postMessage({ type: 'gsi-token', state: data.state, response: data.response }, data.origin);
  window.close();
})();

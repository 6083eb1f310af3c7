/* The landing page: YASGUI's share links put the query in the fragment (/#query=...),
   which never reaches the server; a link shared when the editor was at / goes on to the
   editor (data-editor of this script's element) with its fragment. A file of its own, as
   the Content-Security-Policy runs no inline script. */
"use strict";
(function () {
  var hash = window.location.hash;
  if (/[#&]query=/.test(hash)) {
    window.location.replace(document.getElementById("home-script").dataset.editor + hash);
  }
})();

/*
 * The participant pages' service worker (scope /a/, issue 19): a questionnaire page already
 * opened on this device opens again without a connection. Network first, always: what the
 * server says wins whenever it can be reached; only when it cannot is the copy the page
 * itself stored (the questionnaire as first shown, no answers in it) or a stored stylesheet
 * or script given instead. It stores nothing itself and never touches a POST: answers are
 * queued and resent by the page (participant-offline.js).
 */
"use strict";
var CACHE = "copgirls-participant-v1";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(request).catch(function () {
      return caches.open(CACHE).then(function (cache) {
        return cache.match(request).then(function (hit) {
          return hit || Response.error();
        });
      });
    })
  );
});

/**
 * CloudFront Function (viewer request, default behavior only): a path whose last segment has no
 * file extension is a client-side route and gets /index.html, as the local host answers. Done per
 * behavior, not with the distribution's error pages, so an API 403/404 stays an API answer.
 */
export const SPA_FALLBACK_SOURCE = `function handler(event) {
  var request = event.request;
  var last = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  if (last.lastIndexOf('.') <= 0) request.uri = '/index.html';
  return request;
}`;

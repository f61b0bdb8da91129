// The write routes of the API that no screen of the web app calls, each with why (checked by `api-only.test.ts`).
// Keys are `METHOD path` as the OpenAPI document spells them.

/** Routes that are API-only by design: the reason says who calls them instead. */
export const API_ONLY: Record<string, string> = {
  'POST /api/sms/reports':
    'integration: the SMS gateway posts delivery reports, signed with HMAC-SHA256 over the shared secret; no session',
  'PUT /api/metrics':
    'integration feed: back-office systems push monthly figures by customer code and period; people upload a file through POST /api/metrics/import instead',
  'POST /api/notices/confirm/{token}':
    "the customer's own confirm link: the server renders the page (GET /api/notices/confirm/{token}) whose form, with its CSRF value, posts here; no staff screen",
};

const TO_BUILD = 'screen to build — issue 16';

/**
 * Routes that should have a screen and do not yet. This list may only shrink: the test fails when a route
 * here is in fact called from a screen (remove it then) and when a write route is in neither list.
 */
export const NO_SCREEN_YET: Record<string, string> = {
  'POST /api/calendars': TO_BUILD,
  'POST /api/calendars/{id}/deadline': TO_BUILD,
  'POST /api/callbacks/rules': TO_BUILD,
  'POST /api/callbacks/rules/{id}/draw': TO_BUILD,
  'POST /api/callbacks/rules/{id}/generate': TO_BUILD,
  'PUT /api/sms/opt-out/{customerId}': TO_BUILD,
};

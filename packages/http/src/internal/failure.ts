/** The headers of a failure response: JSON, and never cached (a 401 or 503 says nothing about the resource). */
export const FAILURE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
};

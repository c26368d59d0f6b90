/** The key every example uses: NOG_KEYID and NOG_SECRETKEY from the environment, as the reqsign CLI reads them. */
export function nogKey(): { id: string; secret: string } {
  const id = process.env.NOG_KEYID;
  const secret = process.env.NOG_SECRETKEY;
  if (!id || !secret) throw new Error('set NOG_KEYID and NOG_SECRETKEY');
  return { id, secret };
}

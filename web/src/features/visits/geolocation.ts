// The browser's position for a check-in (签到), or why there is none: refused, unavailable, timed out, unsupported.
export type Located = { lat: number; lng: number; accuracy: number };
export type NoLocation = 'denied' | 'unavailable' | 'timeout' | 'unsupported';

export function locate(timeoutMs = 15_000): Promise<Located | NoLocation> {
  if (typeof navigator === 'undefined' || !navigator.geolocation) return Promise.resolve('unsupported');
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      (p) =>
        resolve({
          lat: p.coords.latitude,
          lng: p.coords.longitude,
          // the server keeps accuracies up to 100 km; a worse fix is still a fix
          accuracy: Math.min(Math.round(p.coords.accuracy), 100_000),
        }),
      (e) =>
        resolve(e.code === e.PERMISSION_DENIED ? 'denied' : e.code === e.TIMEOUT ? 'timeout' : 'unavailable'),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 60_000 },
    );
  });
}

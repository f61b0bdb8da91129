// Test and benchmark data for the customer import: valid mainland ID numbers, phones and CSV text.
import { idCardCheckChar } from '../normalize.ts';

/** A valid 18-character ID number derived from n (region 110105, a birth date between 1950 and 1999). */
export function validIdNumber(n: number): string {
  const y = 1950 + (n % 50);
  const m = 1 + (Math.floor(n / 50) % 12);
  const d = 1 + (Math.floor(n / 600) % 28);
  const seq = String(n % 1000).padStart(3, '0');
  const first17 = `110105${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${seq}`;
  return first17 + idCardCheckChar(first17);
}

/** The same number with a wrong check character. */
export function badCheckDigit(id: string): string {
  const c = id[17];
  const wrong = c === '0' ? '1' : c === 'X' ? '2' : c === '9' ? 'X' : String(Number(c) + 1);
  return id.slice(0, 17) + wrong;
}

export const mobile = (n: number) => `13${String(800000000 + (n % 199999999)).padStart(9, '0')}`;

export function csvText(rows: (string | number | null)[][]): string {
  return rows
    .map((r) =>
      r
        .map((c) => {
          const s = c == null ? '' : String(c);
          return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
        })
        .join(','),
    )
    .join('\r\n');
}

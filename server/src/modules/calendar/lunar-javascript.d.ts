// The little of lunar-javascript (6tail, MIT, no types of its own) that the statutory holidays use.
declare module 'lunar-javascript' {
  export interface SolarDate {
    getYear(): number;
    getMonth(): number;
    getDay(): number;
    toYmd(): string;
  }
  export interface LunarDate {
    getSolar(): SolarDate;
    getJieQiTable(): Record<string, SolarDate>;
  }
  export const Lunar: { fromYmd(year: number, month: number, day: number): LunarDate };
  export const Solar: { fromYmd(year: number, month: number, day: number): SolarDate };
}

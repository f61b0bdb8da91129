import { describe, expect, it } from 'vitest';
import { maskIdNumber, maskPhone } from './mask.ts';
import {
  creditCodeProblem,
  grams,
  idCardCheckChar,
  idCardInfo,
  idCardProblem,
  normalizeIdNumber,
  normalizeName,
  normalizePhone,
  parsePhone,
} from './normalize.ts';

describe('phones', () => {
  it('folds full-width digits and strips separators and the mainland prefix', () => {
    expect(normalizePhone('１３８ １２３４-５６７８')).toBe('13812345678');
    expect(normalizePhone('+86 138-1234-5678')).toBe('13812345678');
    expect(normalizePhone('008613812345678')).toBe('13812345678');
    expect(normalizePhone('(010) 6234-5678')).toBe('01062345678');
    expect(normalizePhone('+852 2345 6789')).toBe('0085223456789');
    expect(normalizePhone('  ')).toBeNull();
    expect(normalizePhone('call me')).toBeUndefined();
  });
  it('accepts mobiles, landlines and service numbers, refuses the rest', () => {
    expect(parsePhone('13812345678')).toEqual({ value: '13812345678' });
    expect(parsePhone('12812345678')).toEqual({ error: 'PHONE_INVALID' });
    expect(parsePhone('1381234567')).toEqual({ error: 'PHONE_INVALID' });
    expect(parsePhone('010-62345678')).toEqual({ value: '01062345678' });
    expect(parsePhone('95588')).toEqual({ value: '95588' });
    expect(parsePhone('4008123456')).toEqual({ value: '4008123456' });
    expect(parsePhone('abc')).toEqual({ error: 'PHONE_INVALID' });
  });
});

describe('mainland ID numbers (GB 11643)', () => {
  it('computes the check character', () => {
    expect(idCardCheckChar('11010519491231002')).toBe('X');
    expect(idCardProblem('11010519491231002X')).toBeNull();
    expect(idCardProblem('110105194912310021')).toBe('ID_NUMBER_CHECK_DIGIT');
  });
  it('normalises a lower-case x and full-width digits', () => {
    expect(normalizeIdNumber('１１０１０５１９４９１２３１００２x')).toBe('11010519491231002X');
  });
  it('refuses impossible birth dates and bad formats, accepts the old 15-digit form', () => {
    const bad = `1101051949023100`;
    expect(idCardProblem(bad + idCardCheckChar(bad.slice(0, 17).padEnd(17, '0')))).not.toBeNull();
    expect(idCardProblem('12345')).toBe('ID_NUMBER_FORMAT');
    expect(idCardProblem('110105491231002')).toBeNull();
    expect(idCardProblem('110105491331002')).toBe('ID_NUMBER_BIRTH_DATE');
  });
  it('reads birth date and gender', () => {
    expect(idCardInfo('11010519491231002X')).toEqual({ birthDate: '1949-12-31', gender: 'female' });
    expect(idCardInfo('110105491231001')).toEqual({ birthDate: '1949-12-31', gender: 'male' });
  });
});

describe('unified social credit codes (GB 32100)', () => {
  it('checks the check character', () => {
    expect(creditCodeProblem('91350100M000100Y43')).toBeNull();
    expect(creditCodeProblem('91350100M000100Y44')).toBe('CREDIT_CODE_CHECK_DIGIT');
    expect(creditCodeProblem('short')).toBe('CREDIT_CODE_FORMAT');
  });
});

describe('names and grams', () => {
  it('joins Han characters split by spaces, keeps Latin spacing', () => {
    expect(normalizeName(' 王 伟 ')).toBe('王伟');
    expect(normalizeName('Li  Na')).toBe('Li Na');
    expect(normalizeName('ＡＢＣ公司')).toBe('ABC公司');
  });
  it('cuts by code point', () => {
    expect(grams('王伟明', 2)).toEqual(['王伟', '伟明']);
    expect(grams('王', 2)).toEqual([]);
  });
});

describe('masking', () => {
  it('keeps the first 3 and last 4', () => {
    expect(maskIdNumber('110101199003071234')).toBe('110***********1234');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('95588')).toBe('***88');
  });
});

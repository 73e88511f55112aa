import { douyinCase } from './douyin.js';
import type { CaseFromPush } from './types.js';
import { youzanCase } from './youzan.js';

/** Platforms whose pushes can carry after-sales messages, by adapter id. */
export const CASE_FROM_PUSH: Readonly<Record<string, CaseFromPush>> = { douyin: douyinCase, youzan: youzanCase };

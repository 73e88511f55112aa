import { douyinCase } from './douyin.js';
import type { CaseFromPush } from './types.js';
import { youzanCase } from './youzan.js';
import { taobaoCase } from './taobao.js';
import { shopifyCase } from './shopify.js';

/** Platforms whose pushes can carry after-sales messages, by adapter id (taobao: TMC messages, for a TMC consumer; shopify: refunds/create). */
export const CASE_FROM_PUSH: Readonly<Record<string, CaseFromPush>> = { douyin: douyinCase, youzan: youzanCase, taobao: taobaoCase, shopify: shopifyCase };

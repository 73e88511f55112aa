import { amazonPulledCase } from './amazon.js';
import { jdPulledCase } from './jd.js';
import { pinduoduoPulledCase } from './pinduoduo.js';
import { taobaoPulledCase } from './taobao-pulled.js';
import type { CaseFromPull } from './types.js';

/** Platforms whose after-sales are pulled (capability aftersales.pull), by adapter id. */
export const CASE_FROM_PULL: Readonly<Record<string, CaseFromPull>> = { pinduoduo: pinduoduoPulledCase, taobao: taobaoPulledCase, jd: jdPulledCase, amazon: amazonPulledCase };

import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CaseState } from './constants.js';
import type { Assignee, CaseMessage, CaseSnapshot, ReturnReceivedInput } from './types.js';

export const getCaseState = defineQuery<CaseSnapshot>('getCaseState');
/** A later platform message about the case (or a redelivery of one: ignored). */
export const caseMessage = defineSignal<[CaseMessage]>('caseMessage');
export const assignCase = defineUpdate<CaseSnapshot, [{ assignee: Assignee; actor: string }]>('assignCase');
export const addCaseNote = defineUpdate<CaseSnapshot, [{ text: string; actor: string }]>('addCaseNote');
export const changeCaseState = defineUpdate<CaseSnapshot, [{ state: CaseState; actor: string; note?: string }]>('changeCaseState');
/** A person resolves the case: needs a reason; the case then closes. */
export const resolveCase = defineUpdate<CaseSnapshot, [{ reason: string; actor: string }]>('resolveCase');
/** The goods are back at the warehouse: restocked (or quarantined) once, whatever repeats it. */
export const returnReceived = defineUpdate<CaseSnapshot, [ReturnReceivedInput]>('returnReceived');

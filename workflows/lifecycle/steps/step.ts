/** What a step tells the workflow: go on to the next step, or stop and cancel the order. */
export const STEP = { NEXT: 'next', CANCEL: 'cancel' } as const;
export type StepResult = (typeof STEP)[keyof typeof STEP];

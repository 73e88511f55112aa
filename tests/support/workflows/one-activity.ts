import { proxyActivities } from '@temporalio/workflow';

/** The smallest workflow with one ordinary (server-dispatched) activity: for engine-level tests. */
export interface OneActivity {
  echo(x: string): Promise<string>;
}

const acts = proxyActivities<OneActivity>({ startToCloseTimeout: '10 seconds' });

export async function oneActivity(x: string): Promise<string> {
  return acts.echo(x);
}

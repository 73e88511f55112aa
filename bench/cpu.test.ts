import { describe, expect, it } from 'vitest';
import { addCpu, cpuBetween, pidCpuMs, sampleCpu, statCpuMs } from './cpu.js';

describe('bench CPU accounting', () => {
  it('reads utime + stime after a command name with spaces and parentheses', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    const line = '4242 (node (worker) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 11 0';
    expect(statCpuMs(line)).toBe(3250);
  });

  it('refuses a line that is not a stat line rather than counting 0', () => {
    expect(() => statCpuMs('garbage')).toThrow(/not a \/proc/);
  });

  it('reads this process through /proc and agrees with process.cpuUsage to within a tick or so', () => {
    const end = Date.now() + 60;
    while (Date.now() < end) Math.sqrt(Math.random());
    const viaProc = pidCpuMs(process.pid);
    const u = process.cpuUsage();
    expect(viaProc).not.toBeNull();
    expect(Math.abs((viaProc ?? 0) - (u.user + u.system) / 1000)).toBeLessThan(50);
    expect(pidCpuMs(undefined)).toBeNull();
    expect(pidCpuMs(2 ** 30)).toBeNull();
  });

  it('subtracts and adds per process, null where a process was unreadable', () => {
    const a = { bench: 10, temporal: 5, redis: null };
    const b = { bench: 30, temporal: 20, redis: 7 };
    expect(cpuBetween(a, b)).toEqual({ bench: 20, temporal: 15, redis: null });
    expect(addCpu(b, b)).toEqual({ bench: 60, temporal: 40, redis: 14 });
    expect(sampleCpu({}).temporal).toBeNull();
  });
});

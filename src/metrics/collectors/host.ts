/**
 * 'host': process CPU time and utilization, RSS, virtual memory, data segment, open file
 * descriptors and their limit, start time and uptime; system CPU utilization, load and
 * memory. Read when a reader collects; utilizations are over the time since the previous
 * collection.
 */
import { type Meter, ValueType } from '../../otel/api.cjs';
import { availableParallelism, cpus, freemem, loadavg, totalmem } from 'node:os';
import { openFileDescriptorLimit, openFileDescriptors, processMemory, processStartTimeSeconds } from './process-stats.js';

export function startHostCollector(meter: Meter): () => void {
  const cpuTime = meter.createObservableCounter('process.cpu.time', { unit: 's', description: 'CPU time used by the process.', valueType: ValueType.DOUBLE });
  const gauge = (name: string, unit: string, description: string) =>
    meter.createObservableGauge(name, { unit, description, valueType: ValueType.DOUBLE });
  const cpuUtilization = gauge('process.cpu.utilization', '1', 'Process CPU time over wall time and available CPUs, since the last collection.');
  const rss = gauge('process.memory.usage', 'By', 'Resident set size of the process.');
  const virtual = gauge('process.memory.virtual', 'By', 'Virtual memory size of the process.');
  // Not in the semantic conventions: prom-client's process_heap_bytes and process_max_fds.
  const data = gauge('process.memory.data', 'By', 'Data segment size of the process (VmData).');
  const fds = gauge('process.unix.file_descriptor.count', '{file_descriptor}', 'Open file descriptors.');
  const fdLimit = gauge('process.unix.file_descriptor.limit', '{file_descriptor}', 'Soft limit on open file descriptors.');
  const startTime = gauge('process.start_time', 's', 'Start time of the process since the Unix epoch.');
  const uptime = gauge('process.uptime', 's', 'Time since the process started.');
  const systemCpu = gauge('system.cpu.utilization', '1', 'Share of non-idle CPU time across all CPUs, since the last collection.');
  const load = gauge('system.cpu.load_average.1m', '{run_queue_item}', 'System load average over one minute.');
  const memoryUsage = gauge('system.memory.usage', 'By', 'System memory in use and free.');
  const memoryLimit = gauge('system.memory.limit', 'By', 'Total system memory.');

  const parallelism = availableParallelism();
  let lastCpu = process.cpuUsage();
  let lastWall = process.hrtime.bigint();
  let lastSystem = systemCpuTimes();

  const observables = [cpuTime, cpuUtilization, rss, virtual, data, fds, fdLimit, startTime, uptime, systemCpu, load, memoryUsage, memoryLimit];
  const callback: Parameters<Meter['addBatchObservableCallback']>[0] = (result) => {
    const cpu = process.cpuUsage();
    const wall = process.hrtime.bigint();
    result.observe(cpuTime, cpu.user / 1e6, { 'cpu.mode': 'user' });
    result.observe(cpuTime, cpu.system / 1e6, { 'cpu.mode': 'system' });
    const elapsedUs = Number(wall - lastWall) / 1000;
    if (elapsedUs > 0) {
      const used = cpu.user - lastCpu.user + cpu.system - lastCpu.system;
      result.observe(cpuUtilization, used / elapsedUs / parallelism);
    }
    lastCpu = cpu;
    lastWall = wall;

    result.observe(rss, process.memoryUsage.rss());
    const memory = processMemory();
    if (memory.virtual !== null) result.observe(virtual, memory.virtual);
    if (memory.data !== null) result.observe(data, memory.data);
    const open = openFileDescriptors();
    if (open !== null) result.observe(fds, open);
    const limit = openFileDescriptorLimit();
    if (limit !== null) result.observe(fdLimit, limit);
    result.observe(startTime, processStartTimeSeconds);
    result.observe(uptime, process.uptime());

    const system = systemCpuTimes();
    const total = system.total - lastSystem.total;
    if (total > 0) result.observe(systemCpu, 1 - (system.idle - lastSystem.idle) / total);
    lastSystem = system;
    result.observe(load, loadavg()[0] ?? 0);
    const free = freemem();
    const all = totalmem();
    result.observe(memoryUsage, all - free, { 'system.memory.state': 'used' });
    result.observe(memoryUsage, free, { 'system.memory.state': 'free' });
    result.observe(memoryLimit, all);
  };
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}

function systemCpuTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const { times } of cpus()) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { idle, total };
}

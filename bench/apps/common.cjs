// What the bench apps share: once listening, report the port and the RSS to the bench over
// IPC, and the process's CPU time whenever asked ('cpu-usage'); with BENCH_LOG_LINES=1, one
// log line per request from the app's own pino (an agent that correlates logs adds the trace
// ids to it); stop when the bench goes away.
const pino = process.env.BENCH_LOG_LINES === '1' ? require('pino')() : undefined;

exports.logRequest = pino ? (fields) => pino.info(fields, 'request served') : () => {};

exports.listen = (server) => {
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port, rssBytes: process.memoryUsage.rss() }));
  process.on('message', (message) => message === 'cpu-usage' && process.send({ cpuUsage: process.cpuUsage() }));
  process.on('disconnect', () => server.close());
};

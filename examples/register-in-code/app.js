// An app with nothing about telemetry in it: GET /hello/:name answers and logs one line.
import http from 'node:http';
import { logger } from 'beacon-otel';

const server = http.createServer((req, res) => {
  const name = req.url?.split('/')[2] ?? 'world';
  logger.info({ name }, 'greeted');
  res.end(`hello ${name}\n`);
});
server.listen(Number(process.env.PORT ?? 3001), '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => server.close());

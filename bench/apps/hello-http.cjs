// Hello world on node:http: the least work a request can be, so the agent's share is largest.
const { createServer } = require('node:http');
const { listen, logRequest } = require('./common.cjs');

listen(
  createServer((req, res) => {
    logRequest({ path: req.url });
    res.writeHead(200, { 'content-type': 'text/plain' }).end('hello world');
  }),
);

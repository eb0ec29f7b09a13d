// express with a route parameter: the router, a params lookup and a JSON answer.
const { createServer } = require('node:http');
const express = require('express');
const { listen, logRequest } = require('./common.cjs');

const app = express();
app.get('/users/:id', (req, res) => {
  logRequest({ userId: req.params.id });
  res.json({ id: req.params.id, name: 'Ada' });
});
listen(createServer(app));

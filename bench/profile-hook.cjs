// Preloaded into a profiled bench app (`--require`, before any agent): profiles exactly the
// window the bench asks for. 'profile-start' over IPC starts V8's sampling profiler;
// 'profile-stop' stops it and answers with the profile, so start-up is never in it.
const { Session } = require('node:inspector');

const session = new Session();
session.connect();
process.on('message', (message) => {
  if (message === 'profile-start') {
    session.post('Profiler.enable');
    session.post('Profiler.setSamplingInterval', { interval: 200 });
    session.post('Profiler.start');
  } else if (message === 'profile-stop') {
    session.post('Profiler.stop', (error, result) => process.send({ profile: error ? null : result.profile }));
  }
});

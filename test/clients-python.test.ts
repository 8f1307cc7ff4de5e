import { clientSuiteTests } from './clients-suite-tests.ts';

clientSuiteTests({
  label: 'Python',
  suite: {
    language: 'python',
    command: 'python3',
    args: ['-m', 'unittest', 'discover', '-v', '-s', 'tests'],
    cwd: 'clients/python',
  },
  notRun: /skipped/,
  helperNames: 'track_event and track_pageview',
  duplicateEventId: 'evt_py_1Nq2x3y4z5',
  exitFlush: 'events pending when the interpreter exits are sent by the atexit flush',
});

#!/usr/bin/env node
// The server's start command (`npm start` execs it; a process manager can run it directly). The
// TypeScript is loaded in this same process through tsx's loader API, not a child process, so
// this PID is the server: SIGTERM reaches its drain (src/main.ts) and nothing is left orphaned.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');

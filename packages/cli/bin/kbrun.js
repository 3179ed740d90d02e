#!/usr/bin/env node
// Entry point of the kbrun command: runs the compiled CLI.
import { main } from '../dist/main.js';

// A closed pipe (kbrun … | head) ends the output quietly instead of crashing.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));

#!/usr/bin/env node
// The CLI lives in dist/, built by `npm run build` (run by `npm ci`).
import '../dist/cli.js';

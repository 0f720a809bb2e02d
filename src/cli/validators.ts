/** `npm run validators`: writes schemas/validators.cjs from the message schemas (src/validators-source.ts). */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VALIDATORS_FILE, validatorsSource } from '../validators-source.js';

writeFileSync(VALIDATORS_FILE, validatorsSource());
console.log(`wrote ${fileURLToPath(VALIDATORS_FILE)}`);

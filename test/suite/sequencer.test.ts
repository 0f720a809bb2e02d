import { expect, test } from 'vitest';
import { chainRank } from '../../src/suite/sequencer.js';
import { SPEC_FILES, specPath } from '../../src/checks/spec-files.js';

test('the spec files start longest chain first: the write lifecycles in catalog order, then discovery, then the rest', () => {
  const paths = SPEC_FILES.map((spec) => `/project/${specPath(spec.name)}`);
  const order = [...paths].sort((a, b) => chainRank(a) - chainRank(b)).map((path) => path.replace(/^.*\/suites\/(.*)\.spec\.ts$/, '$1'));
  expect(order.slice(0, 7)).toEqual(['groups', 'users-entra', 'users-okta', 'rfc-writes', 'etag', 'bad-input', 'discovery']);
  // The compiled files of the package rank the same.
  expect(chainRank('/pkg/dist/suites/discovery.spec.js')).toBe(chainRank('/project/suites/discovery.spec.ts'));
  expect(chainRank('/project/suites/auth.spec.ts')).toBe(chainRank('/project/suites/errors.spec.ts'));
});

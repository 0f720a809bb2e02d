import { SCHEMA_URN } from './schemas.js';

/** Fixed ids, so the seed group can name its member and a restarted demo server keeps its URLs. */
const ADA_ID = '2819c223-7f76-453a-919d-413861904646';
const GRACE_ID = '9b2f3a1e-5c4d-4e8f-a6b7-c8d9e0f1a2b3';
const LINUS_ID = 'c5d6e7f8-0a1b-4c2d-9e3f-4a5b6c7d8e9f';
const ENGINEERING_ID = 'e9e30dba-f08f-4109-8486-d5c6a331660a';

/** Three plausible users (one with the enterprise extension) and a group holding one of them. */
export function demoSeed(): { users: object[]; groups: object[] } {
  return {
    users: [
      {
        schemas: [SCHEMA_URN.user, SCHEMA_URN.enterpriseUser],
        id: ADA_ID,
        externalId: 'okta-00u1ada',
        userName: 'ada.lovelace@example.com',
        name: { givenName: 'Ada', familyName: 'Lovelace', formatted: 'Ada Lovelace' },
        displayName: 'Ada Lovelace',
        emails: [{ value: 'ada.lovelace@example.com', type: 'work', primary: true }],
        active: true,
        [SCHEMA_URN.enterpriseUser]: {
          employeeNumber: '1815',
          department: 'Engineering',
          organization: 'Analytical Engines Ltd',
        },
      },
      {
        schemas: [SCHEMA_URN.user],
        id: GRACE_ID,
        externalId: 'okta-00u2grace',
        userName: 'grace.hopper@example.com',
        name: { givenName: 'Grace', familyName: 'Hopper', formatted: 'Grace Hopper' },
        displayName: 'Grace Hopper',
        emails: [{ value: 'grace.hopper@example.com', type: 'work', primary: true }],
        active: true,
      },
      {
        schemas: [SCHEMA_URN.user],
        id: LINUS_ID,
        externalId: 'okta-00u3linus',
        userName: 'linus.pauling@example.com',
        name: { givenName: 'Linus', familyName: 'Pauling', formatted: 'Linus Pauling' },
        displayName: 'Linus Pauling',
        emails: [{ value: 'linus.pauling@example.com', type: 'work', primary: true }],
        active: false,
      },
    ],
    groups: [
      {
        schemas: [SCHEMA_URN.group],
        id: ENGINEERING_ID,
        externalId: 'okta-00g1engineering',
        displayName: 'Engineering',
        members: [{ value: ADA_ID, type: 'User' }],
      },
    ],
  };
}

/**
 * Paging as RFC 7644 §3.4.2.4 defines it and as Okta imports (count=100, startIndex 1, 101, 201 ...).
 * The pages are the store as the global setup read it, before the run wrote anything
 * (src/suite/shared-reads.ts): a read-only run and a write run judge the same pages, and no other
 * spec file's users can come and go between two of them, whatever filters the server supports. A
 * write run over a store too small to judge paging with pages over three users of its own instead
 * (userName sw "<run prefix>pg-"), when the server can list them apart.
 */
import { describe } from 'vitest';
import { listRules } from '../src/checks/list-response.js';
import { checkPages, checkPaging, evidenceOf, gatherPages, OKTA_PAGE_SIZE, pageOf, pagingRules, type Page } from '../src/checks/paging.js';
import { CheckRun } from '../src/checks/run.js';
import { sharedReads, tooLittle } from '../src/suite/read.js';
import { once, ruleTests, suiteTarget, useClient } from '../src/suite/spec.js';
import { useTestData } from '../src/suite/write.js';

/** Users enough to judge every paging rule; a write run creates this many when the store holds fewer. */
const PAGING_USERS = 3;

const { target } = suiteTarget();
const client = useClient(target);
const data = useTestData(client, target, 't', `${target.runPrefix}pg-`);

type TooFew = (needed: number, held: number) => string;

/** Three users of the run's own, and their pages; undefined when they cannot be created or listed apart. */
async function ownPages(): Promise<Page[] | undefined> {
  const created = await Promise.all(Array.from({ length: PAGING_USERS }, () => data.createUser()));
  const ids = created.flatMap((creation) => (creation.created === undefined ? [] : [creation.created.id]));
  if (ids.length < PAGING_USERS) return undefined;
  const filter = `userName sw "${data.prefix}"`;
  const pageAt = async (startIndex: number, count: number) => pageOf(await client.send({ path: '/Users', query: { filter, startIndex, count } }), startIndex, count);
  const first = await pageAt(1, OKTA_PAGE_SIZE);
  if (first.totalResults !== ids.length || !ids.every((id) => first.ids?.includes(id))) return undefined;
  return gatherPages(pageAt, [first]);
}

const storeTooSmall: TooFew = (needed, held) =>
  `the server held ${held} users before the run wrote any, and this check needs at least ${needed}; the run's own test users could not be listed apart (they could not be created, or the server cannot filter by userName sw: see the write checks)`;

/** The pages to judge, and the reason to give for a rule that needs more users than they list. */
const pages = once(async (): Promise<{ pages: readonly Page[]; tooFew: TooFew }> => {
  const store = sharedReads().paging;
  const held = store[0]?.ids?.length ?? 0;
  if (!target.write) return { pages: store, tooFew: (needed, count) => tooLittle(`the server holds ${count} users, and this check needs at least ${needed}`) };
  if (held >= PAGING_USERS) return { pages: store, tooFew: storeTooSmall };
  const own = await ownPages();
  return own === undefined ? { pages: store, tooFew: storeTooSmall } : { pages: own, tooFew: storeTooSmall };
});

describe('Paging through GET /Users (RFC 7644 §3.4.2.4, Okta import)', () => {
  ruleTests(Object.values(pagingRules), async () => {
    const { pages: read, tooFew } = await pages();
    return checkPaging(evidenceOf(read), tooFew);
  });
});

describe('Every page is a ListResponse with integer paging fields', () => {
  const { LIST_TOTAL_RESULTS, LIST_PAGING_NUMBERS, LIST_ITEMS_PER_PAGE, LIST_COUNT_RESPECTED } = listRules;
  ruleTests([LIST_TOTAL_RESULTS, LIST_PAGING_NUMBERS, LIST_ITEMS_PER_PAGE, LIST_COUNT_RESPECTED], async () => {
    // count=0 and count=-1 are the paging rules' to judge: a server that reads them as "no limit" is not blamed twice.
    const { first, second, belowOne, pastEnd, oktaWalk, smallWalk } = evidenceOf((await pages()).pages);
    const listed = [...new Set([first, second, ...belowOne, pastEnd, ...oktaWalk, ...smallWalk])].filter((page): page is Page => page !== undefined);
    return checkPages(listed, new CheckRun());
  });
});

/**
 * The rule behind the write guard: a create answers with the resource it created. A server that
 * answers with another resource's id (or one that does not exist) would have every later update
 * land on someone else, or nowhere; the suite sends nothing to such an id and stops the flow.
 */
import { defineRules } from './rule.js';

export const ownershipRules = defineRules({
  WRITE_CREATED_NOT_OURS: {
    title: 'a create answers with the resource it created, not another one',
    requiredBy: { okta: 'MUST', entra: 'MUST', rfc: 'MUST' },
    source:
      'RFC 7644 §3.3 (the 201 carries "the service provider\'s representation of the newly created resource", and its Location); Okta (reads the id from the 201, then GET and PUT /Users/{id}, PATCH to deactivate); Entra (keeps the id, then PATCH and DELETE /Users/{id})',
    requirement:
      "The id a 201 names (body `id`, else Location) is the new resource's: GET of it answers the resource just created, with the userName or displayName sent. The suite writes nothing to any other id.",
    fix: 'Answer a create with the id of the record the POST inserted. An id that belongs to an existing user makes Okta and Entra overwrite, deactivate and delete that user; an id that does not exist makes every later update fail.',
  },
});

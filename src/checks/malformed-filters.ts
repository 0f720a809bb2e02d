/**
 * Filters no server can parse (RFC 7644 §3.4.2.2): a missing value, an unknown operator, an open
 * parenthesis, a dangling `and`. Each must be refused with 400 invalidFilter (FILTER_INVALID_REFUSED);
 * the first is sent once by the global setup, for every spec file that needs it.
 */
export const MALFORMED_FILTERS = ['userName eq', 'userName zz "x"', '(userName eq "x"', 'userName eq "x" and'];

// The `express4` alias (express 4.21.2, for the supported-versions tests) is typed as Express:
// the tests use only what both majors share.
declare module 'express4' {
  import express from 'express';
  export default express;
}

// The users module's public face: what other modules may call.
export {
  lockAccount,
  markSignedIn,
  setFailedSignIns,
  setOwnPasswordHash,
  updateOwnProfileRow,
} from './account.ts';

export {
  type AcquireLockFileOptions,
  acquireLockFile,
  describeLockOwner,
  type HeldLock,
  type LockOwner,
} from "./lock-file.js";

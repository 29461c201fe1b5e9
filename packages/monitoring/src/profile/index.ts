export type {
  ColumnKind,
  ColumnProfile,
  DatasetProfile,
  Histogram,
  ProfileSettings,
} from "./column-profile.js";
export { mergeProfileStream, mergeProfiles } from "./merge-profiles.js";
export { DEFAULT_PROFILE_SETTINGS, type ProfileOptions, type ProfileRow, profile } from "./profile.js";
export { ProfileError, type ProfileErrorCode } from "./profile-error.js";
export { profileMigrations } from "./profile-migrations.js";
export { deserializeProfile, serializeProfile } from "./profile-serialization.js";
export {
  createProfileStore,
  type ProfileStore,
  type ProfileStoreOptions,
  type StoredProfile,
  type StoredProfileSummary,
} from "./profile-store.js";

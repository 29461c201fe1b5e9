/** One artifact of a run: a path inside the run naming content-addressed bytes. */
export interface ArtifactEntry {
  /** Relative, `/`-separated path inside the run, e.g. `model/weights.bin`. */
  path: string;
  /** Hex sha256 of the content; the bytes live at `contentKey(sha256)`. */
  sha256: string;
  /** Size in bytes. */
  size: number;
  /** MIME type recorded with the artifact, when known. */
  contentType?: string;
}

/** A stored artifact row as the listing functions return it. */
export interface ArtifactRecord extends ArtifactEntry {
  runId: string;
  /** When the artifact was first logged. */
  createdAt: Date;
}

/** The columns every artifact query selects, in the shape {@link toArtifactRecord} reads. */
export const ARTIFACT_COLUMNS = "run_id, path, sha256, size, content_type, created_at";

/** A `tracking_artifacts` row as selected with {@link ARTIFACT_COLUMNS}. */
export interface ArtifactRow {
  run_id: string;
  path: string;
  sha256: string;
  size: number;
  content_type: string | null;
  created_at: Date;
}

/** Maps a database row to the public record. */
export function toArtifactRecord(row: ArtifactRow): ArtifactRecord {
  return {
    runId: row.run_id,
    path: row.path,
    sha256: row.sha256,
    size: row.size,
    ...(row.content_type === null ? {} : { contentType: row.content_type }),
    createdAt: row.created_at,
  };
}

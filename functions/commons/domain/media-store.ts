/**
 * The media bucket as the control plane touches it. Keys are always built by
 * the caller with mediaObjectKey() from a session the principal may see.
 */
export interface MediaStore {
  /** A presigned PUT that S3 accepts only with exactly this content type and length. */
  presignUpload(key: string, upload: MediaUploadRequest, expiresInSeconds: number): Promise<PresignedUpload>;
  /**
   * A presigned GET of the object; `attachment` makes S3 answer it as a
   * download of opaque bytes (Content-Disposition attachment,
   * application/octet-stream) whatever type it was stored with.
   */
  presignDownload(key: string, expiresInSeconds: number, options?: { attachment?: boolean }): Promise<string>;
  /** Size and stored content type, or undefined when there is no such object. */
  head(key: string): Promise<MediaObjectInfo | undefined>;
  /** The first `length` bytes (fewer when the object is shorter); undefined when it is gone. */
  readStart(key: string, length: number): Promise<Uint8Array | undefined>;
  /** Deletes every object under the prefix (a session's media). Throws when any object stays. */
  wipePrefix(prefix: string): Promise<void>;
}

export interface MediaUploadRequest {
  readonly contentType: string;
  readonly contentLength: number;
}

export interface PresignedUpload {
  readonly url: string;
  readonly method: 'PUT';
  /** Headers the PUT must carry exactly as given (they are signed). */
  readonly headers: Readonly<Record<string, string>>;
}

export interface MediaObjectInfo {
  readonly size: number;
  readonly contentType?: string | undefined;
}
